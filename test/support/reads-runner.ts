/**
 * Runs a read command of the model-based read test several ways against DynamoDB Local and compares
 * each with the reference model (reads-model.ts): awaited pages walked by cursor, `pages()`, `all()`,
 * `for await` over items, `count()` (from the start and from the first page's cursor; refused with maxPages), `countPage()` (with its cursor's rest, the whole count), and for
 * parallel scans the merged stream. Items are compared exactly and in order (scans as multisets);
 * the union of the walked pages must be the whole answer, nothing missed or repeated.
 */
import { expect } from 'vitest';
import { ExpressionError } from '../../src/index.js';
import type { Row } from './reads-data.js';
import type { ReadsTable } from './reads-entities.js';
import type { BatchGetCmd, QueryCmd, ReadCmd, ScanCmd, TableCmd } from './reads-commands.js';
import { answer, entityResult, isKnown, tableResult, type Answer } from './reads-model.js';
import { buildRead, type PageLike, type Read } from './reads-builders.js';
import { INDEX_ATTRS, TEMPLATES, compareBytes, composites } from './reads-stored.js';

/** Sets sorted, Dates as ISO, keys sorted: one JSON string per item, compared exactly. */
export function canonical(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (v instanceof Set) return { $set: [...v].map(norm).sort() };
    if (v instanceof Date) return { $date: v.toISOString() };
    if (Array.isArray(v)) return v.map(norm);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => [k, norm((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(norm(value));
}

export const showCmd = (cmd: ReadCmd): string => JSON.stringify(cmd, (_, v: unknown) => (v instanceof Date ? v.toISOString() : v));

type Ordered = QueryCmd | TableCmd;
const MAX_PAGES = 5_000;

/** Counts of what the runs exercised, for the report. */
export const tally = new Map<string, number>();
const count = (key: string, n = 1): void => void tally.set(key, (tally.get(key) ?? 0) + n);

export class ReadsRunner {
  constructor(
    private readonly m: ReadsTable,
    private readonly rows: readonly Row[],
  ) {}

  /** The items (and unknown items) a page or a list of rows stands for, as canonical strings. */
  private expectedOf(cmd: Exclude<ReadCmd, BatchGetCmd>, rows: readonly Row[]): { items: string[]; unknown: string[] } {
    if (cmd.t !== 'table') return { items: rows.map((r) => canonical(entityResult(cmd.project, r))), unknown: [] };
    return {
      items: rows.filter((r) => isKnown(cmd.entities, r)).map((r) => canonical(tableResult(cmd, r))),
      unknown: rows.filter((r) => !isKnown(cmd.entities, r)).map((r) => canonical(tableResult(cmd, r))),
    };
  }

  async run(cmd: ReadCmd): Promise<number> {
    if (cmd.t === 'batchGet') return this.batchGet(cmd);
    const expected = answer(cmd, this.rows);
    count(`${cmd.t}${cmd.t === 'table' ? (cmd.pk === undefined ? ' scan' : ' query') : ''}${cmd.hydrate ? ' hydrated' : ''} (${expected.rows.length === 0 ? 'empty' : 'some'})`);
    if (cmd.t === 'scan' || (cmd.t === 'table' && cmd.pk === undefined)) return this.scan(cmd, expected);
    return this.ordered(cmd, expected);
  }

  private async ordered(cmd: Ordered, expected: Answer): Promise<number> {
    const msg = showCmd(cmd);
    const read = (): Read => buildRead(this.m, cmd);
    const whole = this.expectedOf(cmd, expected.rows);
    const limited = this.expectedOf(cmd, expected.rows.slice(0, cmd.limit ?? Infinity));

    // 1. Awaited pages, each resumed from the previous cursor: the union is the whole answer.
    const pages = await walk(read);
    const walked = joinPages(pages);
    expect(walked, `walk: ${msg}`).toEqual(whole);
    if (cmd.maxPages === undefined && cmd.limit !== undefined) {
      for (const p of pages.slice(0, -1)) expect(size(p), `a page with a cursor holds limit items: ${msg}`).toBe(cmd.limit);
    }
    const last = pages[pages.length - 1]!;
    if (pages.length > 1 && size(last) === 0) {
      count('trailing empty page');
      const allowed = expected.droppable || cmd.pageSize !== undefined || cmd.maxPages !== undefined;
      // A hydrated page that fills its limit has a cursor only when an item follows (docs/querying.md).
      const hydratedFull = cmd.hydrate && cmd.limit !== undefined && cmd.maxPages === undefined;
      expect(allowed && !hydratedFull, `a cursor led to an empty last page: ${msg}`).toBe(true);
    }
    if (cmd.maxPages === undefined && !expected.droppable) {
      for (const p of pages.slice(0, -1)) expect(size(p), `a page with a cursor is empty though nothing is dropped: ${msg}`).toBeGreaterThan(0);
    }

    // 2. pages(), all(), for await: the first `limit` items (a prefix of them with maxPages).
    const viaPages = joinPages(await collect(read().pages()));
    const all = await read().all();
    const viaAll = 'items' in all ? { items: all.items.map(canonical), unknown: all.unknown.map(canonical) } : { items: all.map(canonical), unknown: [] };
    const iterated: string[] = [];
    for await (const item of read()) iterated.push(canonical(item));
    if (cmd.maxPages === undefined) {
      expect(viaPages, `pages(): ${msg}`).toEqual(limited);
      expect(viaAll, `all(): ${msg}`).toEqual(limited);
    } else {
      this.expectPrefix(cmd, expected.rows, viaPages, `pages() with maxPages: ${msg}`);
      expect(viaAll, `all() and pages() agree: ${msg}`).toEqual(viaPages);
    }
    // for await yields the parsed items only (a table read's unknown items are in pages()).
    expect(iterated, `for await: ${msg}`).toEqual(viaAll.items);

    // 3. count(): the whole answer after the filter, limit aside; from a cursor, what follows it.
    // It refuses maxPages (a count stopped short would look complete): the unbounded read counts.
    const unbounded = (): Read => (cmd.maxPages === undefined ? read() : buildRead(this.m, { ...cmd, maxPages: undefined }));
    if (cmd.maxPages !== undefined) await expect(read().count(), `count() refuses maxPages: ${msg}`).rejects.toThrow(/countPage\(\)/);
    expect(await unbounded().count(), `count(): ${msg}`).toBe(expected.rows.length);
    const first = pages[0]!;
    if (first.cursor !== undefined) {
      expect(await unbounded().startAfter(first.cursor).count(), `count() after the first page: ${msg}`).toBe(expected.rows.length - size(first));
    }
    // countPage(): bounded as all() is; complete without a cursor, else its cursor resumes the rest.
    const bounded = await read().countPage();
    expect(bounded.count, `countPage() stays within limit: ${msg}`).toBeLessThanOrEqual(cmd.limit ?? Infinity);
    const rest = bounded.cursor === undefined ? 0 : await unbounded().startAfter(bounded.cursor).count();
    expect(bounded.count + rest, `countPage() and the count after its cursor: ${msg}`).toBe(expected.rows.length);
    return 6 + pages.length + (await this.foreignCursor(cmd, expected));
  }

  /**
   * 4. A cursor of another read of the same range (no filter, `limit(k)`) is only a position: this
   * read resumes right after that item, in its direction (docs/querying.md, "Pagination and cursors").
   */
  private async foreignCursor(cmd: Ordered, expected: Answer): Promise<number> {
    const k = 1 + (expected.rows.length % 3);
    const plain: Ordered = { ...cmd, filter: undefined, limit: k, pageSize: undefined, maxPages: undefined };
    const plainRows = answer(plain, this.rows).rows;
    if (plainRows.length <= k) return 0;
    const msg = showCmd(cmd);
    const { cursor } = await buildRead(this.m, plain);
    expect(cursor, `a page of ${k} with more behind has a cursor: ${msg}`).toBeDefined();
    const skAttr = cmd.t === 'table' ? INDEX_ATTRS[cmd.index]!.sk : TEMPLATES[cmd.entity][cmd.index]!.skAttr;
    const position = String(plainRows[k - 1]!.stored[skAttr]);
    const after = expected.rows.filter((r) => compareBytes(String(r.stored[skAttr]), position) * (cmd.reverse ? -1 : 1) > 0);
    const resumed = buildRead(this.m, cmd).startAfter(cursor);
    const pages = await collect(resumed.pages());
    count('resumed from a foreign cursor');
    if (cmd.maxPages === undefined) expect(joinPages(pages), `resumed from another read's cursor: ${msg}`).toEqual(this.expectedOf(cmd, after.slice(0, cmd.limit ?? Infinity)));
    else this.expectPrefix(cmd, after, joinPages(pages), `resumed from another read's cursor, with maxPages: ${msg}`);
    expect(await buildRead(this.m, { ...cmd, maxPages: undefined }).startAfter(cursor).count(), `count() from another read's cursor: ${msg}`).toBe(after.length);
    return 3;
  }

  private expectPrefix(cmd: Ordered, rows: readonly Row[], got: { items: string[]; unknown: string[] }, msg: string): void {
    const n = got.items.length + got.unknown.length;
    expect(n, msg).toBeLessThanOrEqual(cmd.limit ?? Infinity);
    expect(got, msg).toEqual(this.expectedOf(cmd, rows.slice(0, n)));
  }

  /** Scans, entity or table level: in no order, so compared as multisets (a table scan's unknown items marked). */
  private async scan(cmd: ScanCmd | TableCmd, expected: Answer): Promise<number> {
    const msg = showCmd(cmd);
    const read = (): Read => buildRead(this.m, cmd);
    const mark = (e: { items: string[]; unknown: string[] }): string[] => [...e.items, ...e.unknown.map((u) => `unknown ${u}`)].sort();
    const whole = mark(this.expectedOf(cmd, expected.rows));
    const segments = cmd.t === 'scan' ? cmd.segments : undefined;
    const isSubset = (got: string[]): void => {
      const left = [...whole];
      for (const g of got) {
        const i = left.indexOf(g);
        expect(i, `an item the model does not have, or one returned twice: ${g}: ${msg}`).toBeGreaterThanOrEqual(0);
        left.splice(i, 1);
      }
    };
    let reads = 2;
    if (segments === undefined) {
      const pages = await walk(read);
      expect(mark(joinPages(pages)), `scan walk: ${msg}`).toEqual(whole);
      reads += pages.length;
    } else if (cmd.limit === undefined) {
      await expect(Promise.resolve(read()), `an awaited parallel scan without limit: ${msg}`).rejects.toBeInstanceOf(ExpressionError);
    } else {
      const page = await read();
      expect(page.cursor, msg).toBeUndefined();
      isSubset(page.items.map(canonical));
      expect(page.items.length, `awaited parallel scan: ${msg}`).toBe(Math.min(cmd.limit, whole.length));
    }
    const all = await read().all();
    const got = mark('items' in all ? { items: all.items.map(canonical), unknown: all.unknown.map(canonical) } : { items: all.map(canonical), unknown: [] });
    isSubset(got);
    const want = Math.min(cmd.limit ?? Infinity, whole.length);
    if (cmd.maxPages === undefined) expect(got.length, `scan all(): ${msg}`).toBe(want);
    else expect(got.length, `scan all() with maxPages: ${msg}`).toBeLessThanOrEqual(want);
    // A segmented scan counts every segment too.
    // count() refuses maxPages (a count stopped short would look complete): the unbounded scan counts.
    expect(await buildRead(this.m, { ...cmd, maxPages: undefined }).count(), `scan count(): ${msg}`).toBe(whole.length);
    return reads;
  }

  private async batchGet(cmd: BatchGetCmd): Promise<number> {
    const own = this.rows.filter((r) => r.entity === cmd.entity);
    const t = TEMPLATES[cmd.entity]['primary']!;
    const keyNames = [...composites(t.pk), ...composites(t.sk)];
    const missing: Record<string, Record<string, unknown>> = {
      Task: { tenant: 't1', project: 'a', seq: 3, taskId: 'nobody' },
      Note: { tenant: 't2', at: new Date('2024-01-10T00:00:00.000Z'), noteId: 'nobody' },
      Member: { tenant: 't1', name: 'nobody' },
    };
    const picked = cmd.picks.map((p) => (p === 'missing' || own.length === 0 ? undefined : own[p % own.length]!));
    const keys = picked.map((r) => (r === undefined ? missing[cmd.entity]! : Object.fromEntries(keyNames.map((k) => [k, r.item[k]]))));
    const entity = this.m[cmd.entity] as unknown as { batchGet(keys: unknown[]): PromiseLike<(Record<string, unknown> | undefined)[]> };
    const got = await entity.batchGet(keys);
    count(`batchGet (${picked.filter((r) => r === undefined).length > 0 ? 'with missing' : 'all found'})`);
    expect(got.map((g) => (g === undefined ? 'missing' : canonical(g))), `batchGet: ${showCmd(cmd)}`).toEqual(picked.map((r) => (r === undefined ? 'missing' : canonical(r.item))));
    return 1;
  }
}

const size = (p: PageLike): number => p.items.length + (p.unknown?.length ?? 0);

async function walk(read: () => Read): Promise<PageLike[]> {
  const pages: PageLike[] = [];
  let cursor: string | undefined;
  do {
    const page = await read().startAfter(cursor);
    pages.push(page);
    cursor = page.cursor;
    if (pages.length > MAX_PAGES) throw new Error('the walk does not end');
  } while (cursor !== undefined);
  return pages;
}

async function collect(pages: AsyncIterable<PageLike>): Promise<PageLike[]> {
  const out: PageLike[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

function joinPages(pages: readonly PageLike[]): { items: string[]; unknown: string[] } {
  return { items: pages.flatMap((p) => p.items.map(canonical)), unknown: pages.flatMap((p) => (p.unknown ?? []).map(canonical)) };
}
