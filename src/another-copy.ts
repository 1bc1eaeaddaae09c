/** A class of this copy of dynakit whose instances callers pass back in (a builder, a condition, an entity). */
type DynakitClass = abstract new (...args: never[]) => unknown;

/** A class name as esbuild may leave it in a bundle (`_PutBuilder`, `PutBuilder2`), without those marks. */
const baseName = (name: unknown): string => (typeof name === 'string' ? name.replace(/^_+/, '').replace(/\d+$/, '') : '');

function methodNames(proto: object): string {
  return Object.getOwnPropertyNames(proto).sort().join(',');
}

/**
 * `value` in words when it is an instance of one of `kinds` made by another copy of dynakit, most often
 * its CommonJS build loaded by `require` in a process whose other modules `import` the ES module build
 * (or the reverse): each copy has its own classes, so `instanceof` fails across them. Such an object
 * has a class of the same name with the same methods; anything else (a plain object, another
 * library's `Entity`) gives `undefined`, as does a minifier of the caller's that renames classes.
 *
 * @example anotherCopy(cjsUser.put(item), [PutBuilder]) // 'a PutBuilder made by another copy of dynakit (...)'
 */
export function anotherCopy(value: unknown, kinds: readonly DynakitClass[]): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const kind = kindInChain(value, kinds);
  if (kind === undefined) return undefined;
  const name = baseName(kind.name);
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} made by another copy of dynakit (its ES module and CommonJS builds are both loaded in this process, by import in one module and require in another: load it one way)`;
}

/**
 * The first of `kinds` that a class in `value`'s prototype chain is the other copy's version of.
 * The whole chain, not only `value`'s own class: where a `Condition` is expected, the other copy's
 * `TableKeyCondition` (a subclass) is named by its base class rather than missed.
 */
function kindInChain(value: object, kinds: readonly DynakitClass[]): DynakitClass | undefined {
  for (let proto: unknown = Object.getPrototypeOf(value); typeof proto === 'object' && proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const theirs = (proto as { constructor?: { name?: unknown } }).constructor;
    const kind = kinds.find((k) => k !== theirs && baseName(k.name) === baseName(theirs?.name) && methodNames(k.prototype as object) === methodNames(proto as object));
    if (kind !== undefined) return kind;
  }
  return undefined;
}

/** `; got <what>` for an error message when `value` is one of `kinds` from another copy of dynakit, `''` otherwise. */
export function anotherCopyHint(value: unknown, kinds: readonly DynakitClass[]): string {
  const other = anotherCopy(value, kinds);
  return other === undefined ? '' : `; got ${other}`;
}
