/**
 * helper-57's size and start-up pass: each change keeps behaviour; these tests pin the behaviour
 * of the code that was rewritten to be smaller or to do less at module load.
 */
import { describe, expect, it } from 'vitest';
import { hasLoneSurrogate } from '../../src/entity/text-rules.js';

describe('hasLoneSurrogate (String.prototype.isWellFormed, not a /\\p{Cs}/u regex built at load)', () => {
  const samples = ['', 'abc', 'é', '日本', '😀', 'a😀b', '\ud83d\ude00\ud83d\ude00', '\ud800', '\udfff', 'a\ud800', '\udc00\ud800', '\ud83d', 'x\ude00y', '😀\ud800', '\ud800😀'];

  it('agrees with the regex it replaced on paired, lone and reversed surrogates', () => {
    for (const s of samples) expect(hasLoneSurrogate(s), JSON.stringify(s)).toBe(/\p{Cs}/u.test(s));
  });

  it('flags a lone high, a lone low and a low-then-high pair; accepts astral characters', () => {
    expect(hasLoneSurrogate('a\ud800')).toBe(true);
    expect(hasLoneSurrogate('\udfffz')).toBe(true);
    expect(hasLoneSurrogate('\udc00\ud800')).toBe(true);
    expect(hasLoneSurrogate('USER#😀')).toBe(false);
  });
});
