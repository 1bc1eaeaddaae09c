import { roughValueBytes } from '../entity/item-size.js';

// The first placeholders of every command, made once: a string built per call is hashed again
// each time it becomes a property key.
const PRESET = 32;
const NAME_PH = Array.from({ length: PRESET }, (_, i) => `#n${i}`);
const VALUE_PH = Array.from({ length: PRESET }, (_, i) => `:v${i}`);
const namePlaceholder = (i: number): string => (i < PRESET ? NAME_PH[i]! : `#n${i}`);
/** Names searched in order before a `Map` is made (within `PRESET`, whose placeholders the search returns). */
const SEARCHED_NAMES = 16;

/**
 * Allocates `#nK` / `:vK` placeholders for one command. DynamoDB rejects unused entries, so the
 * maps only ever hold what a compiled expression actually referenced; one `Placeholders` is
 * shared by every expression of a command (key condition, filter, update, projection).
 */
export class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  /**
   * The names given placeholders, in order (`#n<i>` for the i-th). A command has a handful, so a
   * search in order beats a `Map` made per command; past `SEARCHED_NAMES` a `Map` takes over, so a
   * projection of hundreds of names is not searched in squares.
   */
  private readonly nameList: string[] = [];
  private nameIndex: Map<string, string> | undefined;
  private valueCount = 0;
  /** Upper bounds of the bytes of the names (each once) and of the values, kept as they are added (see `roughBound`). */
  roughNameBytes = 0;
  roughValueBytes = 0;

  /** Returns the placeholder for an attribute name, reusing it when the name repeats. */
  name(attributeName: string): string {
    const list = this.nameList;
    if (this.nameIndex !== undefined) {
      const known = this.nameIndex.get(attributeName);
      if (known !== undefined) return known;
    } else {
      for (let i = 0; i < list.length; i++) if (list[i] === attributeName) return NAME_PH[i]!;
    }
    const i = list.length;
    const ph = namePlaceholder(i);
    list.push(attributeName);
    if (this.nameIndex !== undefined) this.nameIndex.set(attributeName, ph);
    else if (list.length > SEARCHED_NAMES) this.nameIndex = new Map(list.map((n, k) => [n, namePlaceholder(k)]));
    this.names[ph] = attributeName;
    this.roughNameBytes += 3 * attributeName.length;
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
    return this.nameList.length > 0;
  }

  get hasValues(): boolean {
    return this.valueCount > 0;
  }
}
