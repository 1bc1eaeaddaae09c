/**
 * Whether a JavaScript number or bigint can be sent as a DynamoDB number (`N`). DynamoDB refuses
 * the others with a bare ValidationException, which in a BatchWriteItem fails every write of the
 * call, so every value a request carries (items, update and condition values, N keys) is checked
 * here before sending.
 */

/** DynamoDB's number precision: significant digits (an integer's trailing zeros do not count). */
export const MAX_NUMBER_DIGITS = 38;

const UNDERFLOW = `DynamoDB numbers other than 0 need a magnitude of at least 1E-130`;
const OVERFLOW = `DynamoDB numbers need a magnitude below 1E+126`;

/** Over this many digits, an integer is 1E+126 or more. */
const MAX_INTEGER_DIGITS = 126;

/**
 * Why `n` cannot be stored as a DynamoDB number, naming the limit it breaks; `undefined` when it
 * can. A double's shortest text has at most 17 significant digits, so only its magnitude can break
 * DynamoDB's rules; an integer double beyond 2^53 is refused too, as the SDK's marshaller does: its
 * digits are already rounded.
 *
 * @example storableNumberProblem(1e-131) // '1e-131 is too close to zero: DynamoDB numbers other than 0 need ...'
 */
export function storableNumberProblem(n: number | bigint): string | undefined {
  if (typeof n === 'bigint') return bigintProblem(n);
  // Safe integers (most numbers written) are always storable: one check, then done.
  if (Number.isSafeInteger(n)) return undefined;
  if (!Number.isFinite(n)) return `${n} cannot be stored (DynamoDB numbers are finite)`;
  const magnitude = Math.abs(n);
  // Comparing doubles is exact here: the shortest text of any double below the double 1e-130 is below 10^-130.
  if (magnitude < 1e-130 && n !== 0) return `${n} is too close to zero: ${UNDERFLOW}`;
  if (Number.isInteger(n)) {
    const imprecise = `${n} is beyond Number.MAX_SAFE_INTEGER and cannot be sent without losing precision`;
    if (magnitude >= 1e126) return `${imprecise}, and too large for DynamoDB even as a bigint (${OVERFLOW}): store it as a string`;
    return `${imprecise}; use a bigint or a string`;
  }
  return undefined;
}

function bigintProblem(n: bigint): string | undefined {
  if (n > -9007199254740992n && n < 9007199254740992n) return undefined;
  const digits = (n < 0n ? -n : n).toString();
  if (digits.length > MAX_INTEGER_DIGITS) return `${describe(n, digits)} is too large: ${OVERFLOW}`;
  let significant = digits.length;
  while (digits.charCodeAt(significant - 1) === 48 /* '0' */) significant--;
  if (significant > MAX_NUMBER_DIGITS) {
    return `${describe(n, digits)} has ${significant} significant digits; DynamoDB numbers keep at most ${MAX_NUMBER_DIGITS} significant digits (store it as a string)`;
  }
  return undefined;
}

/** A bigint for a message: whole when short, else its first digits and its length. */
function describe(n: bigint, digits: string): string {
  const sign = n < 0n ? '-' : '';
  return digits.length <= 45 ? `${sign}${digits}` : `${sign}${digits.slice(0, 12)}... (a bigint of ${digits.length} digits)`;
}
