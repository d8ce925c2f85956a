/**
 * Node module customization hooks that compile local TypeScript and JavaScript files with
 * reawait as they are loaded. Installed by install.ts: in-thread with `module.registerHooks()`
 * (`resolveSync`/`loadSync`), or off-thread with `module.register()` (`initialize`/`resolve`/`load`).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transform } from '../compiler/index.js';
import { COMPILE_ERROR_CODE, isCompileError } from './errors.js';

export interface HookOptions {
  /** `reuseContinuations` for the compiler (default true). */
  reuseContinuations?: boolean;
}

/** Data passed to `initialize` by `module.register()`. */
export interface HookData {
  reuseContinuations: boolean;
}

/** The runtime that compiled code imports (as Node loads it: with AsyncLocalStorage propagation): absolute, so it resolves from any project. */
export const runtimeURL: string = new URL('../runtime.node.bundle.mjs', import.meta.url).href;
/** reawait's own build output (dist/): never compiled. */
const ownDistURL: string = new URL('../', import.meta.url).href;

let reuseContinuations = true;

export function configure(options: HookOptions): void {
  reuseContinuations = options.reuseContinuations ?? true;
}

export function initialize(data: HookData | undefined): void {
  configure(data ?? {});
}

const COMPILED_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs']);
const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);
/** `./x.js` written in TypeScript means `./x.ts`. */
const TS_FOR_JS: Record<string, string> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' };
const EXTENSIONLESS_CANDIDATES = ['.ts', '.mts', '.js', '.mjs', '/index.ts', '/index.mts', '/index.js', '/index.mjs'];

function isNodeModules(url: string): boolean {
  return url.includes('/node_modules/');
}

function stripQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/** Whether the load hook compiles this URL. */
export function shouldCompile(url: string): boolean {
  if (!url.startsWith('file:') || isNodeModules(url) || url.startsWith(ownDistURL)) return false;
  const path = stripQuery(url);
  if (/\.d\.[mc]?ts$/.test(path)) return false;
  return COMPILED_EXTENSIONS.has(extname(path));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
}

/**
 * TypeScript-style resolution of a relative specifier written in a local file: `./x.js` may mean
 * `./x.ts`, and `./x` may mean `./x.ts`, `./x.js` or `./x/index.ts`. Returns the URL to load, or
 * null to let Node resolve it.
 */
export function redirect(specifier: string, parentURL: string | undefined): string | null {
  if (parentURL === undefined || !parentURL.startsWith('file:') || isNodeModules(parentURL)) return null;
  if (!isRelative(specifier) && !specifier.startsWith('/') && !specifier.startsWith('file:')) return null;
  let url: URL;
  try {
    url = new URL(specifier, parentURL);
  } catch {
    return null;
  }
  if (url.protocol !== 'file:' || url.href.startsWith(ownDistURL)) return null;
  const suffix = url.search + url.hash;
  url.search = '';
  url.hash = '';
  const path = fileURLToPath(url);
  const ext = extname(path);
  const counterpart = TS_FOR_JS[ext];
  if (counterpart !== undefined) {
    const parentIsTs = TS_EXTENSIONS.has(extname(stripQuery(parentURL)));
    // In a TypeScript file `./x.js` names the source `./x.ts` even when a build output x.js sits beside it.
    if (parentIsTs || !isFile(path)) {
      const tsPath = path.slice(0, -ext.length) + counterpart;
      if (isFile(tsPath)) return pathToFileURL(tsPath).href + suffix;
    }
    return null;
  }
  if (isFile(path)) return null;
  const base = path.endsWith('/') ? path.slice(0, -1) : path;
  for (const candidate of EXTENSIONLESS_CANDIDATES) {
    if (isFile(base + candidate)) return pathToFileURL(base + candidate).href + suffix;
  }
  return null;
}

/** Compiles one file; the result carries an inline source map. */
export function compileForLoad(url: string): string {
  const filename = fileURLToPath(stripQuery(url));
  const source = readFileSync(filename, 'utf8');
  let result;
  try {
    result = transform(source, { filename, reuseContinuations, runtime: 'import', runtimeSpecifier: runtimeURL });
  } catch (error) {
    if (isCompileError(error)) {
      // Keep the message only: the compiler's own frames are noise for the user.
      const clean = new Error(error.message);
      clean.name = 'CompileError';
      (clean as Error & { code?: string }).code = COMPILE_ERROR_CODE;
      clean.stack = `CompileError: ${error.message}`;
      throw clean;
    }
    throw error;
  }
  for (const warning of result.warnings) {
    process.stderr.write(`${warning.filename}:${warning.line}:${warning.column}: warning: ${warning.message}\n`);
  }
  // The map sits in the file it describes: its one source is the file itself.
  const sources = result.map.sources.length <= 1 ? [basename(filename)] : result.map.sources;
  const map = { ...result.map, file: basename(filename), sources };
  const inline = Buffer.from(JSON.stringify(map)).toString('base64');
  return `${result.code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${inline}\n`;
}

/** Bare `reawait` always means this runtime, the one compiled code uses. */
function resolveOwnRuntime(specifier: string): string | null {
  return specifier === 'reawait' ? runtimeURL : null;
}

// Types of the hooks: @types/node 20 lacks the synchronous variants.
export interface ResolveContext {
  conditions: string[];
  importAttributes: Record<string, string>;
  parentURL?: string;
}
export interface ResolveResult {
  url: string;
  format?: string | null;
  importAttributes?: Record<string, string>;
  shortCircuit?: boolean;
}
export interface LoadContext {
  conditions: string[];
  format?: string | null;
  importAttributes: Record<string, string>;
}
export interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}

function resolved(url: string): ResolveResult {
  const format = shouldCompile(url) ? 'module' : undefined;
  return { url, format, shortCircuit: true };
}

// Off-thread hooks (module.register).

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: (specifier: string, context?: ResolveContext) => Promise<ResolveResult>,
): Promise<ResolveResult> {
  const url = resolveOwnRuntime(specifier) ?? redirect(specifier, context.parentURL);
  if (url !== null) return resolved(url);
  return nextResolve(specifier, context);
}

export async function load(
  url: string,
  context: LoadContext,
  nextLoad: (url: string, context?: LoadContext) => Promise<LoadResult>,
): Promise<LoadResult> {
  if (!shouldCompile(url)) return nextLoad(url, context);
  return { format: 'module', source: compileForLoad(url), shortCircuit: true };
}

// In-thread hooks (module.registerHooks, Node >= 22.15).

export function resolveSync(
  specifier: string,
  context: ResolveContext,
  nextResolve: (specifier: string, context?: ResolveContext) => ResolveResult,
): ResolveResult {
  const url = resolveOwnRuntime(specifier) ?? redirect(specifier, context.parentURL);
  if (url !== null) return resolved(url);
  return nextResolve(specifier, context);
}

export function loadSync(
  url: string,
  context: LoadContext,
  nextLoad: (url: string, context?: LoadContext) => LoadResult,
): LoadResult {
  if (!shouldCompile(url)) return nextLoad(url, context);
  return { format: 'module', source: compileForLoad(url), shortCircuit: true };
}
