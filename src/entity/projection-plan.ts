/**
 * What an entity's `project(...)` reads: the attributes and document paths it was given, checked
 * against the schema, and the paths a projected read sends. Shared by get, query, scan, batch get
 * and hydrated reads (through `EntityModel.projections`).
 */
import type { z } from 'zod';
import { ExpressionError } from '../errors.js';
import type { DocPath } from '../expressions/ast.js';
import { uniquePaths } from '../expressions/document-path.js';
import { resolveDocPath } from './dotted-names.js';

export class ProjectionPlan {
  /**
   * @param schema the entity's schema, whose map keys with dots a projected path may name (`meta.a.b`)
   * @param readable top-level attributes a read can return (schema fields, timestamps, version)
   * @param cut cuts the parse schema to projected paths (and keeps it), throwing for paths it cannot cut
   */
  constructor(
    private readonly entity: string,
    private readonly schema: z.ZodType,
    private readonly shape: Readonly<Record<string, z.ZodType>>,
    private readonly readable: ReadonlySet<string>,
    private readonly cut: (paths: readonly string[]) => unknown,
  ) {}

  /**
   * Checks a projection of top-level attributes and document paths, and drops repeats. None is
   * refused (the types refuse it too): no ProjectionExpression would be sent, so whole items would
   * be read and each parsed by an empty projection (typically a spread of an empty list).
   *
   * @example User.model.projections.check(['name', 'address.city', 'name']) // ['name', 'address.city']
   */
  check(attributes: readonly string[]): string[] {
    if (attributes.length === 0) throw new ExpressionError(this.entity, '', 'project() needs at least one attribute');
    let nested = false;
    for (const a of attributes) {
      if (this.readable.has(a)) continue;
      const path = this.path(a);
      const head = path[0] as string;
      if (path.length === 1 || !Object.hasOwn(this.shape, head)) throw new ExpressionError(this.entity, a, 'is not an attribute of the schema and cannot be projected');
      nested = true;
    }
    const unique = [...new Set(attributes)];
    // A path the schema cannot cut, or paths that overlap, fail here rather than on the first item read.
    if (nested) this.cut(unique);
    return unique;
  }

  /**
   * The document path of a projected attribute or path: a readable top-level attribute is one
   * segment even when its name holds a dot, and so is a map key with dots on a nested path
   * (`'m.n'.z`, `q.'r.s'`), as `Attr()` and the path types read them.
   */
  path(projected: string): DocPath {
    return resolveDocPath(this.entity, this.schema, (n) => this.readable.has(n), projected);
  }

  /** The top-level attributes a projection reads (`address` for `address.city`), each once. */
  attributes(projection: readonly string[]): string[] {
    return [...new Set(projection.map((p) => this.path(p)[0] as string))];
  }

  /**
   * The paths a projected read sends: the projection's, then the attributes dynakit reads `also`
   * (the discriminator, the TTL, key attributes, what migration steps read), each path once
   * (DynamoDB refuses repeats and overlaps).
   */
  paths(projection: readonly string[], also: readonly string[]): DocPath[] {
    // A path inside an attribute read whole (`address.city` and a migration step's `address`)
    // would overlap it, which DynamoDB refuses: the whole attribute holds it.
    const whole = new Set(also);
    const own = projection.map((p) => this.path(p)).filter((p) => p.length === 1 || !whole.has(p[0] as string));
    return uniquePaths([...own, ...also.map((a) => [a])]);
  }
}
