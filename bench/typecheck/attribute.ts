/**
 * Where a type-check's instantiations come from: runs a patched copy of TypeScript 5.9's `tsc`
 * on the generated dynakit project at N and splits `Instantiations` by the package that declares
 * the instantiated type (dynakit, zod, TypeScript's lib, the project's own files). A type with no
 * declaration of its own (an indexed access, a conditional, a union made while instantiating)
 * counts for the declared type whose instantiation created it, so the split adds up to the total.
 * Also lists the most instantiated declarations and the cost per line of one usage file.
 *
 * The patch hooks `instantiateTypeWithAlias`, where tsc increments its instantiation counter; it
 * is applied to a copy of the compiler in a temp folder, never to node_modules. It only counts,
 * so the total equals what the unpatched compiler reports (checked below).
 *
 * Usage: npx tsx bench/typecheck/attribute.ts [N=60] [--top=30] [--site=src/usage/e1.ts]
 * (`npm run bench` calls `attributeInstantiations` for its type-check section.)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject, prepareDynakitPackage, REPO_ROOT } from './generate.js';

const HOOK_AT = `    totalInstantiationCount++;
    instantiationCount++;
    instantiationDepth++;
    const result = instantiateTypeWorker(type, mapper, aliasSymbol, aliasTypeArguments);`;

// Inherits the origin of the enclosing instantiation for types without a declaration.
const HOOK = `    totalInstantiationCount++;
    instantiationCount++;
    instantiationDepth++;
    const __a = globalThis.__dynakitAttr;
    const __sym = type.aliasSymbol || type.symbol;
    const __decl = __sym && __sym.declarations && __sym.declarations[0];
    const __sf = __decl && getSourceFileOfNode(__decl);
    const __site = currentNode && getSourceFileOfNode(currentNode);
    let __origin = __a.stack.length > 0 ? __a.stack[__a.stack.length - 1] : "(none)";
    if (__sf) __origin = __a.origin(__sf.fileName);
    __a.byOrigin.set(__origin, (__a.byOrigin.get(__origin) || 0) + 1);
    if (__sf) {
      const __label = __sym.escapedName + " " + __a.short(__sf.fileName) + ":" + (getLineAndCharacterOfPosition(__sf, __decl.pos).line + 1);
      __a.byDecl.set(__label, (__a.byDecl.get(__label) || 0) + 1);
    }
    if (__site && __site.fileName.endsWith(__a.siteFile)) {
      const __line = getLineAndCharacterOfPosition(__site, skipTrivia(__site.text, currentNode.pos)).line + 1;
      const __k = __line + "|" + __origin;
      __a.bySiteLine.set(__k, (__a.bySiteLine.get(__k) || 0) + 1);
    }
    __a.stack.push(__origin);
    let result;
    try {
      result = instantiateTypeWorker(type, mapper, aliasSymbol, aliasTypeArguments);
    } finally {
      __a.stack.pop();
    }`;

const SETUP = `
globalThis.__dynakitAttr = {
  stack: [], byOrigin: new Map(), byDecl: new Map(), bySiteLine: new Map(), siteFile: process.env.ATTR_SITE_FILE || "",
  short: (f) => f.replace(/.*\\/node_modules\\//, "").replace(/.*\\/typescript\\/lib\\//, "typescript/lib/").replace(/.*\\/src\\//, "src/"),
  origin: (f) => /\\/node_modules\\/dynakit\\//.test(f) ? "dynakit" : /\\/node_modules\\/zod\\//.test(f) ? "zod" : /\\/typescript\\/lib\\//.test(f) ? "TypeScript lib" : /\\/node_modules\\//.test(f) ? "other packages" : "project files",
};
process.on("exit", () => {
  const a = globalThis.__dynakitAttr;
  const obj = (m) => Object.fromEntries([...m.entries()].sort((x, y) => y[1] - x[1]));
  require("fs").writeFileSync(process.env.ATTR_OUT, JSON.stringify({ byOrigin: obj(a.byOrigin), byDecl: obj(a.byDecl), bySiteLine: Object.fromEntries(a.bySiteLine) }));
});
`;

function patchedCompiler(dir: string): string {
  const src = join(REPO_ROOT, 'node_modules', 'typescript');
  rmSync(dir, { recursive: true, force: true });
  cpSync(src, join(dir, 'typescript'), { recursive: true });
  const file = join(dir, 'typescript', 'lib', '_tsc.js');
  let js = readFileSync(file, 'utf8');
  const run = 'executeCommandLine(sys, noop, sys.args);';
  if (!js.includes(HOOK_AT) || !js.includes(run)) throw new Error('this TypeScript version does not have the expected instantiateTypeWithAlias body; update HOOK_AT');
  js = js.replace(HOOK_AT, HOOK).replace(run, `${SETUP}\n${run}`);
  writeFileSync(file, js);
  return join(dir, 'typescript', 'bin', 'tsc');
}


export interface Attribution {
  /** what the unpatched compiler reports as `Instantiations` */
  readonly total: number;
  /** by the package declaring the instantiated type: dynakit, zod, TypeScript lib, project files, ... */
  readonly byOrigin: Readonly<Record<string, number>>;
  /** by declaration (`name file:line`), most first */
  readonly byDecl: Readonly<Record<string, number>>;
  /** by the line of `siteFile` whose expression was being checked, then by origin (`"12|zod"`) */
  readonly bySiteLine: Readonly<Record<string, number>>;
}

/**
 * Runs the patched compiler on a generated project (the dynakit package's declarations must be
 * in a node_modules above it, as `prepareDynakitPackage` puts them) and returns the split.
 */
export function attributeInstantiations(project: string, siteFile = 'src/usage/e1.ts'): Attribution {
  const out = join(project, '..', `attribution-${process.pid}.json`);
  const compilerDir = join(tmpdir(), `dynakit-attribute-tsc-${process.pid}`);
  let total: number;
  let data: Omit<Attribution, 'total'>;
  try {
    const tsc = patchedCompiler(compilerDir);
    const r = spawnSync(process.execPath, [tsc, '-p', project, '--extendedDiagnostics', '--pretty', 'false'], {
      encoding: 'utf8',
      env: { ...process.env, ATTR_OUT: out, ATTR_SITE_FILE: siteFile },
    });
    total = Number(/^Instantiations:\s+(\d+)/m.exec(r.stdout)?.[1]);
    data = JSON.parse(readFileSync(out, 'utf8')) as Omit<Attribution, 'total'>;
  } finally {
    rmSync(out, { force: true });
    rmSync(compilerDir, { recursive: true, force: true });
  }
  const counted = Object.values(data.byOrigin).reduce((s, v) => s + v, 0);
  if (counted !== total) throw new Error(`attribution counted ${counted} instantiations, tsc reports ${total}`);
  return { total, ...data };
}

function main(): void {
  const args = process.argv.slice(2);
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 60);
  const top = Number(args.find((a) => a.startsWith('--top='))?.slice('--top='.length) ?? 30);
  const root = join(REPO_ROOT, '.tmp', 'attribute');
  mkdirSync(root, { recursive: true });
  prepareDynakitPackage(root);
  const project = join(root, `dynakit-${n}`);
  generateProject(project, 'dynakit', n);
  const siteFile = args.find((x) => x.startsWith('--site='))?.slice('--site='.length) ?? 'src/usage/e1.ts';
  const a = attributeInstantiations(project, siteFile);
  const pct = (v: number): string => `${((100 * v) / a.total).toFixed(1)}%`;
  console.log(`dynakit project, N=${n}, TypeScript from the repo: ${a.total.toLocaleString('en')} instantiations`);
  console.log('\nby the package that declares the instantiated type:');
  for (const [k, v] of Object.entries(a.byOrigin)) console.log(`  ${k.padEnd(16)} ${v.toLocaleString('en').padStart(9)}  ${pct(v)}`);
  console.log(`\nmost instantiated declarations (top ${top}):`);
  for (const [k, v] of Object.entries(a.byDecl).slice(0, top)) console.log(`  ${v.toLocaleString('en').padStart(8)}  ${k}`);
  const lines = readFileSync(join(project, siteFile), 'utf8').split('\n');
  console.log(`\nper line of ${siteFile} (instantiations while checking the expression that starts there, by origin):`);
  const perLine = new Map<number, Record<string, number>>();
  for (const [k, v] of Object.entries(a.bySiteLine)) {
    const [line, origin] = k.split('|') as [string, string];
    const row = perLine.get(Number(line)) ?? {};
    row[origin] = (row[origin] ?? 0) + v;
    perLine.set(Number(line), row);
  }
  for (const [line, row] of [...perLine.entries()].sort((x, y) => x[0] - y[0])) {
    const sum = Object.values(row).reduce((s, v) => s + v, 0);
    const split = Object.entries(row).sort((x, y) => y[1] - x[1]).map(([o, v]) => `${o} ${v}`).join(', ');
    console.log(`  ${String(sum).padStart(5)}  ${String(line).padStart(3)}: ${lines[line - 1]!.trim().slice(0, 70).padEnd(70)}  ${split}`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
