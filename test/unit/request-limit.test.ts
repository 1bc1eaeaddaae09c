/** The `Limit` of a paged read's next request: what is owed, scaled by the share of rows a filter kept. */
import { describe, expect, it } from 'vitest';
import { limitFor, MAX_PAGE_SIZE, nextRequestLimit } from '../../src/pagination/page-reader.js';

describe('nextRequestLimit', () => {
  it('asks for what is owed plus one when every row evaluated was returned', () => {
    expect(nextRequestLimit(7, 5, 5, 13)).toBe(8);
    expect(nextRequestLimit(7, 0, 0, 13)).toBe(8);
  });

  it('grows by the growth factor while nothing was returned', () => {
    expect(nextRequestLimit(5, 6, 0, 6)).toBe(24);
    expect(nextRequestLimit(5, 30, 0, 24)).toBe(96);
  });

  it('scales what is owed by evaluated / returned, within the growth factor of the previous Limit', () => {
    // 3 owed (+1), 1 row in 10 kept: 40, under 4 x 24
    expect(nextRequestLimit(3, 100, 10, 24)).toBe(40);
    // 1 row in 100 kept would ask for 400; capped at 4 x 20
    expect(nextRequestLimit(3, 200, 2, 20)).toBe(80);
    // never less than what is owed
    expect(nextRequestLimit(9, 11, 10, 11)).toBe(11);
  });

  it('stays within a 32-bit Limit, and has none for a read without limit or a first request', () => {
    expect(nextRequestLimit(2 ** 40, 10, 1, 2 ** 30)).toBe(MAX_PAGE_SIZE);
    expect(nextRequestLimit(Infinity, 10, 1, undefined)).toBeUndefined();
    expect(nextRequestLimit(5, 10, 1, undefined)).toBe(limitFor(5));
  });
});
