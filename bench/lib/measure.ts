/**
 * Interleaved measurement: every round runs every contender once (in a rotating order), so slow
 * phases of a noisy machine hit all contenders alike. Results are per-round samples; ratios are
 * taken between samples of the same round, then summarised (median, min, max).
 */
import { performance } from 'node:perf_hooks';

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

/** Samples per contender (same round index = same round). */
export type Samples<C extends string> = Record<C, number[]>;

/** Per-round ratio a/b. */
export function roundRatios<C extends string>(samples: Samples<C>, a: C, b: C): number[] {
  const xs = samples[a];
  const ys = samples[b];
  return xs.map((x, i) => x / ys[i]!);
}

/** Keeps results reachable so the JIT cannot drop the work. */
export let sink: unknown;
export function consume(v: unknown): void {
  sink = v;
}

export function rotate<T>(xs: readonly T[], by: number): T[] {
  const k = ((by % xs.length) + xs.length) % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

/**
 * What a sample measures. `cpu` (default): CPU time of this process (user + system, all threads,
 * so GC helper threads count), which is what a call costs and is far less disturbed by other
 * processes competing for the cores than wall time. `wall`: elapsed time.
 */
export type Metric = 'cpu' | 'wall';
let metric: Metric = 'cpu';
export function setMetric(m: Metric): void {
  metric = m;
}
export function currentMetric(): Metric {
  return metric;
}

function clock(): number {
  if (metric === 'wall') return performance.now() * 1000;
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Time `iterations` synchronous calls; returns microseconds per call. */
export function timeSync(fn: (i: number) => unknown, iterations: number): number {
  let last: unknown;
  const t0 = clock();
  for (let i = 0; i < iterations; i++) last = fn(i);
  const t1 = clock();
  consume(last);
  return (t1 - t0) / iterations;
}

/** Time `iterations` awaited calls, one after another; returns microseconds per call. */
export async function timeAsync(fn: (i: number) => Promise<unknown>, iterations: number): Promise<number> {
  let last: unknown;
  const t0 = clock();
  for (let i = 0; i < iterations; i++) last = await fn(i);
  const t1 = clock();
  consume(last);
  return (t1 - t0) / iterations;
}

/** How many calls fit in `targetMs` (measured on an already warm function). */
export function calibrateSync(fn: (i: number) => unknown, targetMs: number): number {
  let n = 16;
  for (;;) {
    const us = timeSync(fn, n);
    const ms = (us * n) / 1000;
    if (ms >= targetMs / 4 || n >= 1 << 22) return Math.max(16, Math.round((n * targetMs) / Math.max(ms, 0.001)));
    n *= 4;
  }
}

export async function calibrateAsync(fn: (i: number) => Promise<unknown>, targetMs: number): Promise<number> {
  let n = 8;
  for (;;) {
    const us = await timeAsync(fn, n);
    const ms = (us * n) / 1000;
    if (ms >= targetMs / 4 || n >= 1 << 20) return Math.max(8, Math.round((n * targetMs) / Math.max(ms, 0.001)));
    n *= 4;
  }
}

export interface InterleavedOptions {
  readonly rounds: number;
  /** Milliseconds of warm-up per contender before calibrating. */
  readonly warmupMs: number;
  /** Target duration of one sample. */
  readonly sampleMs: number;
}

/** Microseconds per call, per contender, per round. */
export function interleavedSync<C extends string>(fns: Record<C, (i: number) => unknown>, o: InterleavedOptions): Samples<C> {
  const names = Object.keys(fns) as C[];
  const iterations = {} as Record<C, number>;
  for (const c of names) {
    const f = fns[c];
    const until = performance.now() + o.warmupMs;
    let i = 0;
    while (performance.now() < until) for (let k = 0; k < 64; k++) consume(f(i++));
    iterations[c] = calibrateSync(f, o.sampleMs);
  }
  const out = Object.fromEntries(names.map((c) => [c, [] as number[]])) as unknown as Samples<C>;
  for (let r = 0; r < o.rounds; r++) {
    for (const c of rotate(names, r)) out[c].push(timeSync(fns[c], iterations[c]));
  }
  return out;
}

export async function interleavedAsync<C extends string>(
  fns: Record<C, (i: number) => Promise<unknown>>,
  o: InterleavedOptions,
): Promise<Samples<C>> {
  const names = Object.keys(fns) as C[];
  const iterations = {} as Record<C, number>;
  for (const c of names) {
    const f = fns[c];
    const until = performance.now() + o.warmupMs;
    let i = 0;
    while (performance.now() < until) for (let k = 0; k < 16; k++) consume(await f(i++));
    iterations[c] = await calibrateAsync(f, o.sampleMs);
  }
  const out = Object.fromEntries(names.map((c) => [c, [] as number[]])) as unknown as Samples<C>;
  for (let r = 0; r < o.rounds; r++) {
    for (const c of rotate(names, r)) out[c].push(await timeAsync(fns[c], iterations[c]));
  }
  return out;
}

export function fmt(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(Math.min(1, digits));
  return n.toFixed(digits);
}

export function fmtSummary(s: Summary, digits = 2, unit = ''): string {
  return `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}
