/**
 * `reawait build <dir> --out <dir>`: compiles a source tree. Everything is compiled in memory
 * first; output is written only when no file failed.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { parseSync } from 'oxc-parser';
import { transform } from '../compiler/index.js';
import { isCompileError } from './errors.js';

export interface BuildOptions {
  /** Source directory, as given by the user (error messages show paths under it). */
  inDir: string;
  outDir: string;
  reuseContinuations?: boolean;
  runtime?: 'import' | 'global';
  runtimeSpecifier?: string;
}

export interface BuildOutput {
  /** Source file, as shown in messages. */
  source: string;
  /** Output file path. */
  path: string;
  code: string;
  map: string;
}

export interface BuildResult {
  outputs: BuildOutput[];
  /** `file:line:column: message` lines; non-empty means nothing may be written. */
  errors: string[];
  warnings: string[];
}

const OUTPUT_EXTENSION: Record<string, string> = { '.ts': '.js', '.mts': '.mjs', '.js': '.js', '.mjs': '.mjs' };
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

function isDeclaration(name: string): boolean {
  return /\.d\.m?ts$/.test(name);
}

/** Source files under `dir` (relative paths, sorted), skipping node_modules and `exclude`. */
export function listSources(dir: string, exclude: string): string[] {
  const found: string[] = [];
  const walk = (absolute: string, rel: string): void => {
    const entries = readdirSync(absolute, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childAbsolute = join(absolute, entry.name);
      const childRel = rel === '' ? entry.name : join(rel, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(entry.name) || childAbsolute === exclude) continue;
        walk(childAbsolute, childRel);
      } else if (entry.isFile() && OUTPUT_EXTENSION[extname(entry.name)] !== undefined && !isDeclaration(entry.name)) {
        found.push(childRel);
      }
    }
  };
  walk(resolve(dir), '');
  return found;
}

function isRelativeSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

/**
 * Rewrites relative import specifiers ending in `.ts`/`.mts` to `.js`/`.mjs`. The replacement
 * has the same length, so the source map stays valid.
 */
export function rewriteTsSpecifiers(code: string, filename: string): string {
  if (!code.includes('.ts') && !code.includes('.mts')) return code;
  const parsed = parseSync(filename.replace(/\.[mc]?ts$/, '.js'), code, { sourceType: 'module' });
  if (parsed.errors.length > 0) return code;
  const literals: { start: number; end: number }[] = [];
  for (const item of parsed.module.staticImports) literals.push(item.moduleRequest);
  for (const item of parsed.module.staticExports) {
    for (const entry of item.entries) if (entry.moduleRequest !== null) literals.push(entry.moduleRequest);
  }
  for (const item of parsed.module.dynamicImports) literals.push(item.moduleRequest);
  const edits = new Map<number, string>();
  for (const { start, end } of literals) {
    const text = code.slice(start, end);
    const quote = text[0];
    if (text.length < 2 || (quote !== '"' && quote !== "'" && quote !== '`') || text[text.length - 1] !== quote) continue;
    const specifier = text.slice(1, -1);
    if (quote === '`' && specifier.includes('${')) continue;
    if (!isRelativeSpecifier(specifier) || /\.d\.m?ts$/.test(specifier)) continue;
    const match = /\.(m?)ts$/.exec(specifier);
    if (match === null) continue;
    // Position of "ts" in ".ts"/".mts", just before the closing quote.
    edits.set(end - 1 - 2, 'js');
  }
  if (edits.size === 0) return code;
  let out = '';
  let last = 0;
  for (const at of [...edits.keys()].sort((a, b) => a - b)) {
    out += code.slice(last, at) + edits.get(at)!;
    last = at + 2;
  }
  return out + code.slice(last);
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

export function buildTree(options: BuildOptions): BuildResult {
  const inDir = resolve(options.inDir);
  const outDir = resolve(options.outDir);
  const result: BuildResult = { outputs: [], errors: [], warnings: [] };
  const claimed = new Map<string, string>();
  for (const rel of listSources(inDir, outDir)) {
    const shown = join(options.inDir, rel);
    const ext = extname(rel);
    const outRel = rel.slice(0, -ext.length) + OUTPUT_EXTENSION[ext]!;
    const outPath = join(outDir, outRel);
    const other = claimed.get(outPath);
    if (other !== undefined) {
      result.errors.push(`${shown}:1:1: would be written to ${join(options.outDir, outRel)}, like ${other}`);
      continue;
    }
    claimed.set(outPath, shown);
    let compiled;
    try {
      compiled = transform(readFileSync(join(inDir, rel), 'utf8'), {
        filename: shown,
        reuseContinuations: options.reuseContinuations ?? true,
        runtime: options.runtime ?? 'import',
        ...(options.runtimeSpecifier === undefined ? {} : { runtimeSpecifier: options.runtimeSpecifier }),
      });
    } catch (error) {
      if (isCompileError(error)) result.errors.push(error.message);
      else result.errors.push(`${shown}: internal error: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const w of compiled.warnings) result.warnings.push(`${w.filename}:${w.line}:${w.column}: warning: ${w.message}`);
    const outName = basename(outPath);
    const sourceFromOut = toPosix(relative(dirname(outPath), join(inDir, rel)));
    const map = { ...compiled.map, file: outName, sources: compiled.map.sources.length <= 1 ? [sourceFromOut] : compiled.map.sources };
    const code = rewriteTsSpecifiers(compiled.code, outName);
    result.outputs.push({
      source: shown,
      path: outPath,
      code: `${code.endsWith('\n') ? code : `${code}\n`}//# sourceMappingURL=${outName}.map\n`,
      map: JSON.stringify(map),
    });
  }
  return result;
}

/** Writes the outputs of a successful build. */
export function writeOutputs(outputs: readonly BuildOutput[]): void {
  for (const output of outputs) {
    mkdirSync(dirname(output.path), { recursive: true });
    writeFileSync(output.path, output.code);
    writeFileSync(`${output.path}.map`, output.map);
  }
}
