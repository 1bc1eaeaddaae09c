import { roughValueBytes } from '../entity/item-size.js';

// The first placeholders of every command, made once: a string built per call is hashed again
// each time it becomes a property key.
const PRESET = 32;
const NAME_PH = Array.from({ length: PRESET }, (_, i) => `#n${i}`);
const VALUE_PH = Array.from({ length: PRESET }, (_, i) => `:v${i}`);

/**
 * Allocates `#nK` / `:vK` placeholders for one command. DynamoDB rejects unused entries, so the
 * maps only ever hold what a compiled expression actually referenced; one `Placeholders` is
 * shared by every expression of a command (key condition, filter, update, projection).
 */
export class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly nameIndex = new Map<string, string>();
  private valueCount = 0;
  /** Upper bounds of the bytes of the names (each once) and of the values, kept as they are added (see `roughBound`). */
  roughNameBytes = 0;
  roughValueBytes = 0;

  /** Returns the placeholder for an attribute name, reusing it when the name repeats. */
  name(attributeName: string): string {
    let ph = this.nameIndex.get(attributeName);
    if (ph === undefined) {
      const i = this.nameIndex.size;
      ph = i < PRESET ? NAME_PH[i]! : `#n${i}`;
      this.nameIndex.set(attributeName, ph);
      this.names[ph] = attributeName;
      this.roughNameBytes += 3 * attributeName.length;
    }
    return ph;
  }

  /** Returns a fresh placeholder bound to `value`; `bytes`, its stored size when the caller has it. */
  value(value: unknown, bytes: number = roughValueBytes(value)): string {
    const i = this.valueCount++;
    const ph = i < PRESET ? VALUE_PH[i]! : `:v${i}`;
    this.values[ph] = value;
    this.roughValueBytes += bytes;
    return ph;
  }

  get hasNames(): boolean {
    return this.nameIndex.size > 0;
  }

  get hasValues(): boolean {
    return this.valueCount > 0;
  }
}
