/**
 * The errors TypeScript reports for one in-memory source file that sits beside the repository's
 * own files and imports dynakit's source, as a user would read them: each diagnostic's whole
 * message chain, flattened. For tests of what a compile error says, which `@ts-expect-error` in
 * a type test cannot check.
 */
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The messages of the errors in `source`, read as if at `test/unit/<file>` under the repository's
 * tsconfig.json, in the order of their position.
 *
 * @example compileErrors(`AppTable.batchWrite([Doc.put(doc)])`) // ["Type 'PutBuilder<...>' is not assignable ..."]
 */
export function compileErrors(source: string, file = 'compile-errors.fixture.ts'): string[] {
  const fileName = join(REPO_ROOT, 'test', 'unit', file);
  const config = ts.getParsedCommandLineOfConfigFile(join(REPO_ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, language, ...rest) => (f === fileName ? ts.createSourceFile(f, source, language) : getSourceFile(f, language, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === fileName || fileExists(f);
  const program = ts.createProgram([fileName], config.options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(fileName))
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}
