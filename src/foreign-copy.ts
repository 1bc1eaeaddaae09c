/**
 * Names of dynakit classes whose instances callers pass back in (builders, conditions, entities).
 * An object of one of these names that fails `instanceof` was made by another copy of dynakit: most
 * often its CommonJS build, loaded by `require` in a process whose other modules `import` the ES
 * module build (or the reverse). Each copy has its own classes, so each refuses the other's objects.
 */
const DYNAKIT_CLASSES = new Set([
  'Condition', 'KeyCondition', 'AttributeOperand', 'KeyOperand',
  'PutBuilder', 'UpdateBuilder', 'DeleteBuilder', 'CheckBuilder', 'TableDeleteBuilder', 'GetBuilder', 'Entity', 'Table',
]);

/**
 * `value` in words when it is a dynakit object of another copy of the library, `undefined` otherwise.
 * Class names are read as the build leaves them (esbuild may write `_PutBuilder` or `PutBuilder2`);
 * under a minifier of the caller's that renames classes, nothing is recognised and the usual message stands.
 *
 * @example anotherCopy(cjsUser.put(item)) // 'a PutBuilder made by another copy of dynakit (...)'
 */
export function anotherCopy(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const name = typeof raw === 'string' ? raw.replace(/^_+/, '').replace(/\d+$/, '') : '';
  if (!DYNAKIT_CLASSES.has(name)) return undefined;
  const article = /^[AEIOU]/.test(name) ? 'an' : 'a';
  return `${article} ${name} made by another copy of dynakit (its ES module and CommonJS builds are both loaded in this process, by import in one module and require in another: load it one way)`;
}

/** `; got <what>` for an error message when `value` comes from another copy of dynakit, `''` otherwise. */
export function anotherCopyHint(value: unknown): string {
  const other = anotherCopy(value);
  return other === undefined ? '' : `; got ${other}`;
}
