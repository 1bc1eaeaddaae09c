/**
 * Turns bench results into the console summary table and docs/performance.md.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OpRow } from './build-input.js';
import type { StubbedCallResult } from './stubbed-call.js';
import type { E2EResult } from './local-e2e.js';
import { EMPTY_MODULE, type BundleSize, type ColdImportRow } from './size.js';
import type { TypecheckResult, TypecheckCell } from './typecheck/run.js';
import { fmt, fmtSummary, type Summary } from './lib/measure.js';
import { REPO_ROOT } from './typecheck/generate.js';

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

const OP_LABEL: Record<string, string> = {
  get: 'get',
  put: 'put + condition',
  update: 'update + condition',
  query: 'GSI query + filter',
  delete: 'delete + condition',
};

const ok = (pass: boolean) => (pass ? 'met' : '**missed**');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const x = (s: Summary, d = 2) => `${fmt(s.median, d)}x`;
const xr = (s: Summary, d = 2) => `${fmt(s.median, d)}x (${fmt(s.min, d)}–${fmt(s.max, d)})`;

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

function typecheckCell(t: TypecheckResult, lib: string, n: number, compilerIndex = 0): TypecheckCell | undefined {
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

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function markdown(r: BenchResults): string {
  const e = r.env;
  const out: string[] = [];
  out.push('# Performance');
  out.push('');
  out.push(
    `Generated by \`npm run bench\` (bench/run.ts) on ${e.date}${e.durationS === undefined ? '' : `, in ${Math.round(e.durationS)} s`}. Contenders: a hand-written ` +
      `DocumentClient call (the floor), dynakit (this repo: src bundled exactly as the package build does, and loaded from that output), ElectroDB ${e.versions['electrodb']} and DynamoDB-Toolbox ${e.versions['dynamodb-toolbox']}, ` +
      `all on the same model (the SPEC's User entity: a table with one GSI) and the same operations.`,
  );
  out.push('');
  out.push('**Machine:** ' + `${e.cpus} CPUs (\`nproc\`), ${e.cpuModel}, ${e.memoryGiB.toFixed(1)} GiB memory, ${e.os}.`);
  out.push(
    `Load average (1/5/15 min) at start: ${e.loadStart.map((v) => v.toFixed(2)).join(' / ')}` +
      (e.loadEnd ? `; at end: ${e.loadEnd.map((v) => v.toFixed(2)).join(' / ')}` : '') +
      (e.loadStart[0]! > 1.5
        ? '. **The machine was busy** (other processes running): absolute times are inflated and noisy; the per-round ratios are the meaningful figures.'
        : (e.loadEnd?.[0] ?? 0) > 1.5
          ? '. The run started on a quiet machine; the load at the end also counts the run\'s own last phases (type-checking with tsc, bundling), ' +
            'so it shows that the machine was loaded, not by whom: absolute times may be somewhat noisy; the per-round ratios are the meaningful figures.'
          : '.'),
  );
  out.push('');
  out.push(
    '**Versions:** ' +
      [`Node ${e.node}`, `TypeScript ${e.typescript}`, ...Object.entries(e.versions).map(([k, v]) => `${k} ${v}`), ...(e.dynamodbLocal ? [e.dynamodbLocal] : [])].join(', ') +
      '.',
  );
  out.push('');
  out.push('## Method');
  out.push('');
  out.push(
    [
      '- Micro-benchmarks ((a) and (b)) measure the CPU time of the benchmark process (`process.cpuUsage()`: user + system, GC threads included), ' +
        'which is what a call costs and is much less disturbed than wall time when other processes compete for the 2 cores. ' +
        `Each contender is warmed up, then calibrated so one sample takes ~50 ms; ` +
        `then ${r.rounds.build} (a) interleaved rounds, each running every contender once, in a rotating order. ` +
        'Reported: median (min–max) over rounds. Ratios are computed inside each round, then summarised. ' +
        (r.stubbed
          ? `(b) pairs each contender with the hand-written call in a fresh process: ${(r.stubbed.warmupMs / 1000).toFixed(1)} s of warm-up per operation with the two taking turns, ` +
            `then ${r.stubbed.rounds} rounds per operation, each timing a ~${r.stubbed.sampleMs} ms slice of both (rotating which goes first, a minor GC before each slice, a 64 MB young generation so that collections stay rare and in the slice that caused them); ` +
            `${r.stubbed.processes} processes per pair, the pairs taking turns. Ratio: median over all rounds of the per-round ratio, with the range of the per-process medians. ` +
            'A second hand-written client paired with the first (A/A control) shows what the method resolves. ' +
            "Ratios between separate processes swung ±20% on this machine (the SDK's own speed differs per process), which is why each ratio is taken inside one process."
          : ''),
      '- Every call builds everything from scratch: the builder, the key, the item, the conditions (what application code does per request). ' +
        'Inputs cycle through 256 different users.',
      `- (c) runs against DynamoDB Local on this machine: one table per contender, loaded with the same 10,000 users; one warm-up pass, then interleaved rounds ` +
        `(${r.e2e?.roundsPerWorkload?.['batch'] ?? r.rounds.e2e} for the batch write, as many or more for the shorter workloads); gets and transactions alternate between contenders every 100 gets / 10 transactions ` +
        '(the slices add up to the workload time), so drift in the server hits all alike. Wall time: the server does the same work for every contender.',
      `- Type-check: generated projects (bench/typecheck/generate.ts), \`tsc -p <project> --extendedDiagnostics\`, \`skipLibCheck\`; dynakit is checked through its emitted declarations, as a consumer sees it. ` +
        `Instantiation counts are deterministic; times are the median of ${r.rounds.tscRunsAtMax} runs at the largest N (1 run elsewhere).`,
      `- Cold import: ${r.rounds.coldRuns} fresh \`node\` processes per contender and mode (interleaved); each loads the SDK, then the library, and reports the ms the library added.`,
    ].join('\n'),
  );
  out.push('');
  out.push('## Results against the targets');
  out.push('');
  out.push(table(['target', 'measured (medians)', 'status'], targetRows(r).map((t) => [t.target, t.measured, t.pass === undefined ? '?' : ok(t.pass)])));
  out.push('');

  if (r.build) {
    out.push('## (a) Building the command input only (µs per op)');
    out.push('');
    out.push(
      'dynakit `.build()`, ElectroDB `.params()`, DynamoDB-Toolbox `.params()`, and the same input written by hand as an object literal (the floor). No client call.',
    );
    out.push('');
    out.push(
      table(
        ['operation', 'hand-written', 'dynakit', 'ElectroDB', 'Toolbox', 'dynakit vs hand-written', 'faster anchor vs dynakit'],
        r.build.map((o) => [
          OP_LABEL[o.op]!,
          fmtSummary(o.values.raw),
          fmtSummary(o.values.dynakit),
          fmtSummary(o.values.electrodb),
          fmtSummary(o.values.toolbox),
          xr(o.ratios['dynakit/raw']!, 1),
          `**${xr(o.ratios['faster anchor/dynakit']!, 1)}** faster`,
        ]),
      ),
    );
    out.push('');
  }
  if (r.stubbed) {
    out.push('## (b) Whole call through the SDK, network stubbed at the HTTP handler');
    out.push('');
    out.push(
      'A custom `requestHandler` on `DynamoDBClient` answers with canned HTTP responses (GetItem: one item; Query: a page of 10 items; writes: `{}`), ' +
        "each contender's in its own storage format. SDK middleware, signing, JSON (de)serialisation, marshalling and each library's result parsing all run. " +
        'Ratio to a hand-written `DocumentClient` call sending the same input as dynakit, in the same process: median over all rounds (range of the per-process medians). ' +
        'The control row pairs the hand-written call with itself on a second client: its distance from 1.00x is the resolution of the method.',
    );
    out.push('');
    out.push(
      table(
        ['operation', 'hand-written (µs/call)', 'control: hand-written again', 'dynakit', 'ElectroDB', 'Toolbox'],
        r.stubbed.rows.map((o) => [
          OP_LABEL[o.op]!,
          fmtSummary(o.values.raw, 1),
          xr(r.stubbed!.control[o.op]),
          `**${xr(o.ratios['dynakit/raw']!)}**`,
          xr(o.ratios['electrodb/raw']!),
          xr(o.ratios['toolbox/raw']!),
        ]),
      ),
    );
    out.push('');
  }
  if (r.e2e) {
    out.push('## (c) End to end against DynamoDB Local');
    out.push('');
    const rpw = r.e2e.roundsPerWorkload;
    out.push(
      `Whole-workload time; ratio to the raw SDK code in the same round, median (min–max) over ` +
        (rpw ? `${rpw['batch']} (batch) / ${rpw['gets']} (gets) / ${rpw['query']} (query) / ${rpw['tx']} (transactions) rounds.` : `${r.e2e.rounds} rounds.`),
    );
    out.push('');
    out.push(
      table(
        ['workload', 'raw (ms)', 'dynakit', 'dynakit, batch concurrency 4', 'ElectroDB', 'Toolbox'],
        r.e2e.rows.map((w) => [
          w.workload,
          fmtSummary(w.ms.raw!, 0),
          w.ratios.dynakit ? `**${xr(w.ratios.dynakit)}**` : 'n/a',
          w.ratios['dynakit-c4'] ? xr(w.ratios['dynakit-c4']) : '–',
          w.ratios.electrodb ? xr(w.ratios.electrodb) : 'n/a',
          w.ratios.toolbox ? xr(w.ratios.toolbox) : 'n/a',
        ]),
      ),
    );
    out.push('');
    out.push(
      'Batch rows: raw = sequential `BatchWriteCommand` calls of 25 (resending `UnprocessedItems`); dynakit = `AppTable.batchWrite([...User.put(u)])` ' +
        'with `concurrency: 1` (same shape as raw) and with its default of 4 calls in flight; ElectroDB = `User.put([...]).go({ concurrency: 1 })`; ' +
        'Toolbox = `executeBatchWrite` per 25. dynakit and ElectroDB validate every item first.',
    );
    out.push('');
  }
  if (r.typecheck) {
    out.push('## Type-check cost');
    out.push('');
    out.push(
      'Generated by bench/typecheck/generate.ts: N entities of 12 attributes (strings, numbers, booleans, an enum, a string set, a list of maps, a 2-level map), ' +
        'a prefixed primary key of 1–2 attributes, 2 GSIs with composite sort keys; per entity a usage file with get, conditional put, update (set with a nested path, add, remove, ' +
        'nested condition, ALL_NEW), a GSI query with a sort-key range and a 3-operator filter, results read into annotated variables; plus one table-level collection query over ' +
        `the first ${'min(N, 8)'} entities. ElectroDB has no collection query without its Service, so "ElectroDB" omits it and "ElectroDB + Service" adds the Service and ` +
        '`service.collections.tenant(...)`. "zod alone" is the floor: the same zod schemas and the same results (the put literal checked against `z.input`, results read as `z.output`) ' +
        'with no library (bench/typecheck/zod-floor.ts), what any typed API over these schemas pays; ElectroDB and Toolbox have schema languages of their own. ' +
        'Cells: instantiations / check time / memory used.',
    );
    out.push('');
    const ns = [...new Set(r.typecheck.cells.map((c) => c.n))].sort((a, b) => a - b);
    for (let ci = 0; ci < r.typecheck.compilers.length; ci++) {
      out.push(`### ${r.typecheck.compilers[ci]}`);
      out.push('');
      out.push(
        table(
          ['N', 'zod alone (floor)', 'dynakit', 'ElectroDB', 'ElectroDB + Service', 'Toolbox'],
          ns.map((n) => [
            String(n),
            ...['zod-floor', 'dynakit', 'electrodb', 'electrodb-service', 'toolbox'].map((lib) => {
              const c = typecheckCell(r.typecheck!, lib, n, ci);
              if (!c) return 'n/a';
              const err = c.result.errors > 0 ? ` (**${c.result.errors} errors**)` : '';
              const cell = `${c.result.instantiations.toLocaleString('en')} / ${c.result.checkTime.toFixed(2)} s / ${c.result.memoryMiB.toFixed(0)} MiB${err}`;
              return lib === 'dynakit' ? `**${cell}**` : cell;
            }),
          ]),
        ),
      );
      out.push('');
      const errs = r.typecheck.cells.filter((c) => c.compiler === r.typecheck!.compilers[ci] && c.result.firstError);
      if (errs.length > 0) {
        out.push('Errors (first per project):');
        out.push('');
        for (const c of errs) out.push(`- ${c.lib} N=${c.n}: \`${c.result.firstError!.replace(/`/g, "'")}\``);
        out.push('');
      }
    }
    for (const u of r.typecheck.unavailable) out.push(`- Not measured: ${u}`);
    const a = r.typecheck.attribution;
    if (a) {
      const parts = Object.entries(a.byOrigin).map(([k, v]) => `${k} ${v.toLocaleString('en')} (${((100 * v) / a.total).toFixed(0)}%)`);
      out.push(
        `- Where dynakit's N=${a.n} instantiations come from (TypeScript ${e.typescript}, bench/typecheck/attribute.ts: each instantiation counted for the package that declares the instantiated type; ` +
          `types without a declaration count for the one being instantiated around them): ${parts.join(', ')}.`,
      );
    }
    if (r.typecheck.deepCheck) {
      const d = r.typecheck.deepCheck;
      out.push(`- dynakit at N=${d.n} (TypeScript ${e.typescript}): ${d.errors} errors, ${d.deepErrors} "excessively deep" (TS2589/TS2590), ${d.instantiations.toLocaleString('en')} instantiations.`);
    }
    out.push('');
  }
  if (r.bundle || r.cold) {
    out.push('## Size and start-up');
    out.push('');
  }
  if (r.bundle) {
    out.push(
      'esbuild bundle (minified, ESM, platform node) of a program that defines a table and one entity and runs put + get + query; `@aws-sdk/*`, `@smithy/*` and `zod` external. ' +
        'dynakit is bundled from its ESM build (`sideEffects: false`).',
    );
    out.push('');
    out.push(table(['library', 'minified', 'gzip'], r.bundle.map((b) => [b.lib, kb(b.minified), b.lib === 'dynakit' ? `**${kb(b.gzip)}**` : kb(b.gzip)])));
    out.push('');
    const mods = r.bundle.find((b) => b.lib === 'dynakit')?.modules;
    if (mods !== undefined && mods.length > 0) {
      const total = mods.reduce((a, m) => a + m.bytes, 0);
      out.push(
        `What is in dynakit's part of the bundle (minified bytes per module, ${mods.length} modules, ${kb(total)}): ` +
          mods.slice(0, 14).map((m) => `${m.path.replace(/\.js$/, '')} ${(m.bytes / 1024).toFixed(1)}`).join(', ') +
          (mods.length > 14 ? `, and ${mods.length - 14} more` : '') +
          '.',
      );
      out.push('');
    }
  }
  if (r.cold) {
    out.push(
      'Cold import: ms added by loading the library after `@aws-sdk/client-dynamodb` and `@aws-sdk/lib-dynamodb` are loaded, in a fresh process; ' +
        'median (min–max). `require` loads the CommonJS build, `import` the ESM build. dynakit itself does not load zod at run time, but every dynakit program ' +
        'defines its schemas with zod, so "dynakit + zod" is what an application pays.',
    );
    out.push('');
    out.push(
      table(
        ['loaded after the SDK', 'require (ms)', 'import (ms)'],
        [...new Set(r.cold.map((c) => c.name))].map((name) => {
          const q = (mode: string) => r.cold!.find((c) => c.name === name && c.mode === mode);
          const req = q('require');
          const imp = q('import');
          return [name, req ? fmtSummary(req.added, 1) : 'n/a', imp ? fmtSummary(imp.added, 1) : 'n/a'];
        }),
      ),
    );
    const floor = r.cold.find((c) => c.name === 'nothing (noise floor)' && c.mode === 'require');
    if (floor) out.push('', `Loading the SDK itself took ${fmtSummary(floor.sdk, 0)} ms (require).`);
    out.push('');
  }
  out.push('## What each contender does (fairness)');
  out.push('');
  out.push(FAIRNESS);
  out.push('');
  const analysis = join(REPO_ROOT, 'bench', 'analysis.md');
  if (existsSync(analysis)) {
    out.push(readFileSync(analysis, 'utf8').trim());
    out.push('');
  }
  return out.join('\n');
}

const FAIRNESS = `- **Same model, same key formats.** pk \`USER#{userId}\`, sk \`PROFILE\`, gsi1 \`ORG#{orgId}\` / \`USER#{name}#{userId}\`; e-mail checked by pattern,
  age an integer, \`tags\` a string set, \`address\` a map, timestamps \`createdAt\`/\`updatedAt\`. ElectroDB stores its own \`__edb_e__\`/\`__edb_v__\`
  discriminators; Toolbox and dynakit store \`_et\`.
- **put**: all three validate the item against their schema and build every index key. dynakit validates with zod (the model's full zod schema, including
  \`z.email()\`), checks the 400 KB item size and encodes values (Dates, Sets); ElectroDB validates with its own attribute rules; Toolbox parses and transforms
  with its schema. The hand-written floor does none of that.
- **update**: dynakit requires the item to exist and belong to the entity (\`_et = :User\`), rewrites \`gsi1sk\` because \`name\` composes it, and sets
  \`updatedAt\`. ElectroDB's \`patch\` (the update that requires existence) checks \`attribute_exists(pk) AND attribute_exists(sk)\`, rewrites \`gsi1sk\` and also
  re-sets \`userId\` and its discriminators. Toolbox's update is an upsert; the benchmark adds \`userId exists\` to its condition; it does **not** rewrite
  \`gsi1sk\` (a stale index key unless the caller handles it) and sets \`_et\`/\`createdAt\` with \`if_not_exists\`.
- **delete**: dynakit also guards against deleting another entity's item under the same key (\`attribute_not_exists(pk) OR _et = :User\`); the anchors do not.
- **query**: dynakit and Toolbox filter on the discriminator on the server; ElectroDB filters its own items on the client. All three parse every returned item:
  dynakit revives Sets/Dates and parses the item with its zod schema (so reads are validated too), ElectroDB formats by its attributes, Toolbox parses with its schema.
- **get**: each parses the returned item; dynakit and ElectroDB drop items of another entity.
- **transactions**: 4 puts, 4 updates (add 1 to age, item must exist), 1 delete, 1 condition check. dynakit also checks DynamoDB's rules before sending
  (one action per item, 4 MB, 100 actions).`;
