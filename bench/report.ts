/**
 * Bench results, the targets, and the console summary table (docs/performance.md is written by
 * ./report-markdown.ts).
 */
import type { OpRow } from './build-input.js';
import type { StubbedCallResult } from './stubbed-call.js';
import type { E2EResult } from './local-e2e.js';
import { EMPTY_MODULE, type BundleSize, type ColdImportRow } from './size.js';
import type { TypecheckResult, TypecheckCell } from './typecheck/run.js';
import { fmt, fmtSummary, type Summary } from './lib/measure.js';

export interface Environment {
  readonly date: string;
  readonly node: string;
  readonly typescript: string;
  readonly versions: Record<string, string>;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly loadStart: number[];
  readonly loadEnd?: number[];
  readonly dynamodbLocal?: string;
  readonly durationS?: number;
}

export interface BenchResults {
  readonly env: Environment;
  readonly build?: OpRow[];
  readonly stubbed?: StubbedCallResult;
  readonly e2e?: E2EResult;
  readonly typecheck?: TypecheckResult;
  readonly bundle?: BundleSize[];
  readonly cold?: ColdImportRow[];
  /** `stubbed`: (b) pair processes per contender (rounds per process: `stubbed.rounds`) */
  readonly rounds: { build: number; stubbed: number; e2e: number; coldRuns: number; tscRunsAtMax: number };
}

export const TARGETS = {
  buildSpeedup: 5,
  callRatio: 1.1,
  e2eRatio: 1.05,
  instantiations: 160_000,
  checkTime: 1,
  memoryMiB: 150,
  bundleGzip: 8 * 1024,
  coldImportMs: 10,
};

export const OP_LABEL: Record<string, string> = {
  get: 'get',
  put: 'put + condition',
  update: 'update + condition',
  query: 'GSI query + filter',
  delete: 'delete + condition',
};

export const ok = (pass: boolean) => (pass ? 'met' : '**missed**');
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const x = (s: Summary, d = 2) => `${fmt(s.median, d)}x`;
export const xr = (s: Summary, d = 2) => `${fmt(s.median, d)}x (${fmt(s.min, d)}–${fmt(s.max, d)})`;

interface TargetRow {
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean | undefined;
}

/** ", of which zod's own types: 97k" when the attribution ran. */
function zodShare(t: TypecheckResult): string {
  const z = t.attribution?.byOrigin['zod'];
  return z === undefined ? '' : ` (of which zod's own types: ${Math.round(z / 1000)}k)`;
}

export function typecheckCell(t: TypecheckResult, lib: string, n: number, compilerIndex = 0): TypecheckCell | undefined {
  const compiler = t.compilers[compilerIndex];
  return t.cells.find((c) => c.lib === lib && c.n === n && c.compiler === compiler);
}

export function targetRows(r: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  if (r.build) {
    const sp = r.build.map((o) => o.ratios['faster anchor/dynakit']!);
    rows.push({
      target: `building an input: ≥ ${TARGETS.buildSpeedup}x faster than the faster anchor (get / put / update / query / delete)`,
      measured: sp.map((s) => x(s, 1)).join(' / '),
      pass: sp.every((s) => s.median >= TARGETS.buildSpeedup),
    });
  }
  if (r.stubbed) {
    const rs = r.stubbed.rows.map((o) => o.ratios['dynakit/raw']!);
    rows.push({
      target: `whole call through the SDK: ≤ ${TARGETS.callRatio}x the hand-written call (get / put / update / query / delete)`,
      measured: rs.map((s) => x(s)).join(' / '),
      pass: rs.every((s) => s.median <= TARGETS.callRatio),
    });
  }
  if (r.e2e) {
    const [batch, gets, query, tx] = r.e2e.rows;
    const d = (row: typeof batch, c: 'dynakit' | 'dynakit-c4') => row?.ratios[c];
    const reads = [d(gets, 'dynakit'), d(query, 'dynakit'), d(tx, 'dynakit')];
    rows.push({
      target: `DynamoDB Local: ≤ ${TARGETS.e2eRatio}x raw on gets / paginated query / transactions`,
      measured: reads.map((s) => (s ? x(s) : 'n/a')).join(' / '),
      pass: reads.every((s) => s !== undefined && s.median <= TARGETS.e2eRatio),
    });
    const b1 = d(batch, 'dynakit');
    const b4 = d(batch, 'dynakit-c4');
    rows.push({
      target: 'batch writer ≥ raw sequential BatchWriteCommand (time ratio ≤ 1x; faster with concurrency)',
      measured: `concurrency 1: ${b1 ? x(b1) : 'n/a'}; default concurrency 4: ${b4 ? x(b4) : 'n/a'}`,
      pass: b1 !== undefined && b4 !== undefined && b1.median <= 1.0 && b4.median < 1.0,
    });
  }
  if (r.typecheck) {
    const n = Math.max(...r.typecheck.cells.map((c) => c.n));
    const c = typecheckCell(r.typecheck, 'dynakit', n);
    const e = typecheckCell(r.typecheck, 'electrodb', n);
    // The same schemas and results with no library: the part of a count or a time no typed API over zod can avoid.
    const floor = typecheckCell(r.typecheck, 'zod-floor', n);
    const overFloor = (v: number, f: number | undefined, unit: (d: number) => string): string => (f === undefined ? '' : `; zod alone, no library: ${unit(f)}, so dynakit adds ${unit(v - f)}`);
    if (c) {
      rows.push({
        target: `type-check N=${n} (TS 5.9): < ${TARGETS.instantiations / 1000}k instantiations (a third of ElectroDB's: ${e ? Math.round(e.result.instantiations / 3000) + 'k' : 'n/a'})`,
        measured: `${Math.round(c.result.instantiations / 1000)}k${zodShare(r.typecheck)}${overFloor(c.result.instantiations, floor?.result.instantiations, (d) => `${Math.round(d / 1000)}k`)}`,
        pass: c.result.instantiations < TARGETS.instantiations && (e === undefined || c.result.instantiations <= e.result.instantiations / 3),
      });
      rows.push({
        target: `type-check N=${n}: check time < ${TARGETS.checkTime} s`,
        measured: `${c.result.checkTime.toFixed(2)} s${overFloor(c.result.checkTime, floor?.result.checkTime, (d) => `${d.toFixed(2)} s`)}`,
        pass: c.result.checkTime < TARGETS.checkTime,
      });
      rows.push({ target: `type-check N=${n}: memory < ${TARGETS.memoryMiB} MiB`, measured: `${c.result.memoryMiB.toFixed(0)} MiB`, pass: c.result.memoryMiB < TARGETS.memoryMiB });
      rows.push({ target: `type-check N=${n}: no errors`, measured: `${c.result.errors} errors`, pass: c.result.errors === 0 });
    }
    const deep = r.typecheck.deepCheck;
    if (deep) {
      rows.push({
        target: `no "excessively deep" errors up to N=${deep.n}`,
        measured: `${deep.deepErrors} deep / ${deep.errors} errors in total, ${Math.round(deep.instantiations / 1000)}k instantiations`,
        pass: deep.deepErrors === 0,
      });
    }
  }
  if (r.bundle) {
    const b = r.bundle.find((s) => s.lib === 'dynakit');
    if (b) rows.push({ target: `bundle (one entity + put/get/query, SDK and zod external) < ${TARGETS.bundleGzip / 1024} KB gzip`, measured: `${kb(b.gzip)} gzip`, pass: b.gzip < TARGETS.bundleGzip });
  }
  if (r.cold) {
    for (const mode of ['require', 'import'] as const) {
      const d = r.cold.find((c) => c.mode === mode && c.name === 'dynakit');
      const dz = r.cold.find((c) => c.mode === mode && c.name === 'dynakit + zod');
      const empty = r.cold.find((c) => c.mode === mode && c.name === EMPTY_MODULE);
      if (d) {
        // Judged on what dynakit adds beyond loading any one file (the empty-module floor).
        const own = d.added.median - (empty?.added.median ?? 0);
        rows.push({
          target: `cold ${mode} added over the SDK < +${TARGETS.coldImportMs} ms`,
          measured:
            `+${fmt(d.added.median, 1)} ms` +
            (empty ? `, of which an empty module costs ${fmt(empty.added.median, 1)} ms: dynakit's own +${fmt(own, 1)} ms` : '') +
            (dz ? ` (+${fmt(dz.added.median, 1)} ms with zod)` : ''),
          pass: own < TARGETS.coldImportMs,
        });
      }
    }
  }
  return rows;
}

/** The one table printed at the end of `npm run bench`. */
export function consoleTable(r: BenchResults): string {
  const lines: string[] = [];
  const row = (cells: string[], widths: number[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const rows: string[][] = [['measure', 'hand-written / raw', 'dynakit', 'ElectroDB 3.9.3', 'Toolbox 2.10.6']];
  if (r.build) {
    for (const o of r.build) {
      rows.push([`build ${o.op} (µs)`, fmt(o.values.raw.median), fmt(o.values.dynakit.median), fmt(o.values.electrodb.median), fmt(o.values.toolbox.median)]);
    }
  }
  if (r.stubbed) {
    for (const o of r.stubbed.rows) {
      rows.push([
        `call ${o.op} (ratio; raw µs)`,
        `${fmt(o.values.raw.median, 1)} µs`,
        x(o.ratios['dynakit/raw']!),
        x(o.ratios['electrodb/raw']!),
        x(o.ratios['toolbox/raw']!),
      ]);
    }
  }
  if (r.e2e) {
    for (const w of r.e2e.rows) {
      const dyn = w.ratios['dynakit'] ? x(w.ratios['dynakit']) : 'n/a';
      const c4 = w.ratios['dynakit-c4'] ? ` (c4 ${x(w.ratios['dynakit-c4'])})` : '';
      rows.push([
        `local ${w.workload} (ratio)`,
        `${fmt(w.ms.raw!.median, 0)} ms`,
        dyn + c4,
        w.ratios.electrodb ? x(w.ratios.electrodb) : 'n/a',
        w.ratios.toolbox ? x(w.ratios.toolbox) : 'n/a',
      ]);
    }
  }
  if (r.typecheck) {
    const n = Math.max(...r.typecheck.cells.map((c) => c.n));
    for (let ci = 0; ci < r.typecheck.compilers.length; ci++) {
      const cell = (lib: string) => {
        const c = typecheckCell(r.typecheck!, lib, n, ci);
        return c ? `${Math.round(c.result.instantiations / 1000)}k / ${c.result.checkTime.toFixed(2)}s / ${c.result.memoryMiB.toFixed(0)}M` : 'n/a';
      };
      const es = typecheckCell(r.typecheck, 'electrodb-service', n, ci);
      rows.push([
        `tsc N=${n} ${r.typecheck.compilers[ci]!.replace('TypeScript ', 'TS ')} (inst/check/mem)`,
        '',
        cell('dynakit'),
        `${cell('electrodb')}${es ? ` (svc ${Math.round(es.result.instantiations / 1000)}k/${es.result.checkTime.toFixed(2)}s)` : ''}`,
        cell('toolbox'),
      ]);
    }
  }
  if (r.bundle) {
    const b = (lib: string) => {
      const s = r.bundle!.find((v) => v.lib === lib);
      return s ? `${kb(s.gzip)} gz` : 'n/a';
    };
    rows.push(['bundle (min+gzip)', '', b('dynakit'), b('electrodb'), b('toolbox')]);
  }
  if (r.cold) {
    for (const mode of ['require', 'import'] as const) {
      const c = (name: string) => {
        const v = r.cold!.find((z) => z.mode === mode && z.name === name);
        return v ? `+${fmt(v.added.median, 1)} ms` : 'n/a';
      };
      const sdk = r.cold.find((z) => z.mode === mode && z.name === 'nothing (noise floor)');
      rows.push([`cold ${mode} over SDK`, sdk ? `SDK ${fmt(sdk.sdk.median, 0)} ms` : '', `${c('dynakit')} (${c('dynakit + zod')} w/ zod)`, c('electrodb'), c('dynamodb-toolbox')]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((rr) => rr[i]!.length)));
  lines.push(row(rows[0]!, widths));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const rr of rows.slice(1)) lines.push(row(rr, widths));
  lines.push('');
  lines.push('Targets:');
  for (const t of targetRows(r)) lines.push(`  [${t.pass === undefined ? '?' : t.pass ? 'met' : 'MISSED'}] ${t.target}: ${t.measured}`);
  return lines.join('\n');
}

