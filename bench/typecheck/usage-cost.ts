/**
 * What single calls cost to type-check: one generated entity (E0, ./model.ts) and a usage file
 * that holds only the code given, for each code given; prints the instantiations each adds over an
 * empty usage file, split by package (./attribute.ts). The bench workload (./measure.ts) mixes
 * every call of 60 entities; this isolates one call, or one order of calls, which is how to tell
 * whether a type change makes a call cheaper or only moves the cost to another call (the first
 * call that needs an entity's path union pays for it, whichever call that is).
 *
 * Usage: npx tsx bench/typecheck/usage-cost.ts [--decls] "<code>" ["<code>" ...]
 *   (the usage file imports `E0` and destructures `Attr`; `--decls` also lists dynakit's most
 *   instantiated declarations)
 * Example: npx tsx bench/typecheck/usage-cost.ts "Attr('count');" "Attr('meta.owner.level');" \
 *   "void E0.update({ e0Id: 'x', tenantId: 't' }).set({ title: 'T2' });"
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateProject, prepareDynakitPackage, REPO_ROOT } from './generate.js';
import { attributeInstantiations, type Attribution } from './attribute.js';

const args = process.argv.slice(2);
const decls = args.includes('--decls');
const codes = args.filter((a) => a !== '--decls');
if (codes.length === 0) {
  console.error('usage: npx tsx bench/typecheck/usage-cost.ts [--decls] "<code>" ["<code>" ...]');
  process.exit(2);
}

const root = join(REPO_ROOT, '.tmp', 'usage-cost');
mkdirSync(root, { recursive: true });
prepareDynakitPackage(root);
const project = join(root, 'dynakit-1');
generateProject(project, 'dynakit', 1);
// The collection query of the generated project is not what is measured here.
writeFileSync(join(project, 'src', 'collection.ts'), 'export {};\n');

function measure(code: string): Attribution {
  writeFileSync(join(project, 'src', 'usage', 'e0.ts'), `import { E0 } from '../model/e0.js';\nconst { Attr } = E0;\nvoid Attr;\n${code}\n`);
  return attributeInstantiations(project, 'src/usage/e0.ts');
}

try {
  const empty = measure('');
  console.log(`empty usage file: ${empty.total.toLocaleString('en')} instantiations`);
  for (const code of codes) {
    const a = measure(code);
    const split = Object.entries(a.byOrigin)
      .map(([origin, n]) => [origin, n - (empty.byOrigin[origin] ?? 0)] as const)
      .filter(([, n]) => n !== 0)
      .map(([origin, n]) => `${origin} ${n > 0 ? '+' : ''}${n}`)
      .join(', ');
    console.log(`${a.total - empty.total > 0 ? '+' : ''}${a.total - empty.total}  (${split})  ${code}`);
    if (decls) {
      const own = Object.entries(a.byDecl).filter(([label]) => label.includes('dynakit/'));
      for (const [label, n] of own.slice(0, 25)) console.log(`      ${n}  ${label}`);
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
