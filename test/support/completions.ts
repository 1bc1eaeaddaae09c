/**
 * What an editor offers: TypeScript's LanguageService (the same one tsserver runs in an editor)
 * over one in-memory source file that sits beside the repository's own files and imports dynakit's
 * source. The file may hold incomplete code, as it does while a user types.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The completion entries offered at each marker `/*@name*\/` of `source` (markers are removed
 * before the file is read), by marker name, in the order TypeScript gives them. The file is read
 * as if at `test/unit/<file>` (imports relative to there), under the repository's tsconfig.json.
 *
 * @example completionsAt(`User.Attr('/*@attr*\/')`).get('attr') // ['userId', 'address', 'address.city', ...]
 */
export function completionsAt(source: string, file = 'editor-completions.fixture.ts'): Map<string, string[]> {
  const fileName = join(REPO_ROOT, 'test', 'unit', file);
  const markers = new Map<string, number>();
  const text = source.replace(/\/\*@(\w+)\*\//g, (marker: string, name: string, offset: number) => {
    // The offset is in `source`; every earlier marker was removed from the text.
    const removedBefore = [...markers.keys()].reduce((n, m) => n + `/*@${m}*/`.length, 0);
    if (markers.has(name)) throw new Error(`marker ${name} appears twice`);
    markers.set(name, offset - removedBefore);
    return '';
  });

  const config = ts.getParsedCommandLineOfConfigFile(join(REPO_ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => config.options,
    getScriptFileNames: () => [fileName],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      if (f === fileName) return ts.ScriptSnapshot.fromString(text);
      return existsSync(f) ? ts.ScriptSnapshot.fromString(readFileSync(f, 'utf8')) : undefined;
    },
    getCurrentDirectory: () => REPO_ROOT,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (f) => f === fileName || ts.sys.fileExists(f),
    readFile: (f) => (f === fileName ? text : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  try {
    const offered = new Map<string, string[]>();
    for (const [name, position] of markers) {
      const completions = service.getCompletionsAtPosition(fileName, position, {});
      offered.set(name, completions?.entries.map((e) => e.name) ?? []);
    }
    return offered;
  } finally {
    service.dispose();
  }
}
