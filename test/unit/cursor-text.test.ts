import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/pagination/cursor.js';
import { InvalidCursorError } from '../../src/errors.js';

const keys = [
  { name: 'pk', type: 'S' },
  { name: 'sk', type: 'S' },
] as const;

describe('a cursor is exactly the text encodeCursor wrote', () => {
  // Base64 ignores trailing bits that make no byte, so some edits of a cursor decode as the
  // original; whether one does depends on the cursor's length (review-newcomer hit it by chance).
  it('refuses a character appended or a last character changed, whatever the length', () => {
    for (let n = 1; n <= 8; n++) {
      const cursor = encodeCursor('App', 'primary', { pk: `P#${'x'.repeat(n)}`, sk: 'S' });
      expect(decodeCursor(cursor, 'App', 'primary', keys)).toEqual({ pk: `P#${'x'.repeat(n)}`, sk: 'S' });
      for (const edited of [`${cursor}x`, `${cursor}A`, `${cursor.slice(0, -1)}${cursor.endsWith('A') ? 'B' : 'A'}`]) {
        expect(() => decodeCursor(edited, 'App', 'primary', keys)).toThrow(InvalidCursorError);
      }
    }
  });
});
