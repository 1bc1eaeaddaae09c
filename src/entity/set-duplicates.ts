/**
 * DynamoDB refuses a set holding one element twice ("Input collection contains duplicates"), which
 * fails the whole request: in a BatchWriteItem, every write of the call. It compares elements by
 * what they store, not by JavaScript identity, so a `Set` can hold what DynamoDB sees as duplicates.
 * Distinct strings are distinct UTF-8 (DynamoDB does not normalise Unicode), so a string set needs no
 * check; strings holding lone surrogates, which UTF-8 cannot encode, are left aside.
 */

/** Above this many elements, binary sets are sorted rather than compared pair by pair. */
const PAIRWISE_MAX = 8;

/**
 * Why a number set (every element a number or bigint, each storable) cannot be stored, or
 * `undefined`. DynamoDB compares set numbers by value (`1`, `1.0` and `1E0` clash). Distinct doubles
 * are distinct decimals, as are distinct bigints, so only a bigint equal to a number in the set
 * clashes: `1` and `1n`. Call it only for sets holding both kinds.
 *
 * @example numberSetDuplicate(new Set([1, 1n])) // 'the number 1 is in the set twice (as 1 and 1n); ...'
 */
export function numberSetDuplicate(set: ReadonlySet<unknown>): string | undefined {
  for (const el of set) {
    // A bigint beyond 2^53 equals no storable number: doubles that large are refused as imprecise.
    if (typeof el === 'bigint' && el <= 9007199254740991n && el >= -9007199254740991n && set.has(Number(el))) {
      return `the number ${el} is in the set twice (as ${el} and ${el}n); DynamoDB compares set numbers by value and refuses a set with duplicate elements`;
    }
  }
  return undefined;
}

/**
 * Why a binary set (every element a `Uint8Array`) cannot be stored, or `undefined`: two elements
 * with the same bytes (a `Set` keeps distinct arrays with equal contents).
 *
 * @example binarySetDuplicate(new Set([Buffer.from('a'), Buffer.from('a')])) // 'two elements hold the same 1 bytes (61); ...'
 */
export function binarySetDuplicate(set: ReadonlySet<unknown>): string | undefined {
  const items = [...set] as Uint8Array[];
  if (items.length <= PAIRWISE_MAX) {
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) if (compareBytes(items[i]!, items[j]!) === 0) return duplicateBytes(items[i]!);
    }
    return undefined;
  }
  items.sort(compareBytes);
  for (let i = 1; i < items.length; i++) if (compareBytes(items[i - 1]!, items[i]!) === 0) return duplicateBytes(items[i]!);
  return undefined;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) return a.byteLength - b.byteLength;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function duplicateBytes(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  const hex = bytes.byteLength > 16 ? `${shown}...` : shown;
  return `two elements hold the same ${bytes.byteLength} bytes${hex === '' ? '' : ` (${hex})`}; DynamoDB compares binary set elements by their bytes and refuses a set with duplicate elements`;
}
