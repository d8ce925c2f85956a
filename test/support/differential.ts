/**
 * Runs one program natively and compiled, in this process, and reports what each observed:
 * the log, the value `main` returned (or the error it threw), and the warnings.
 *
 * A program is an ES module (TypeScript allowed) that exports `async function main(log)`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from 'oxc-transform';
import { transform, type TransformOptions } from '../../src/compiler/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workDir = join(root, '.tmp', 'differential');
/** The runtime as Node loads it (the package's `node` condition: with AsyncLocalStorage propagation). */
const runtimeUrl = pathToFileURL(join(root, 'dist', 'runtime.node.bundle.mjs')).href;
let counter = 0;

export interface Observation {
  log: unknown[];
  outcome: { returned: unknown } | { threw: { name: string; message: string } | unknown };
}

function describeError(error: unknown): unknown {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return error;
}

async function observe(url: string): Promise<Observation> {
  const module = (await import(url)) as { main: (log: (...values: unknown[]) => void) => Promise<unknown> };
  const log: unknown[] = [];
  const record = (...values: unknown[]): void => {
    log.push(values.length === 1 ? values[0] : values);
  };
  try {
    const returned = await module.main(record);
    return { log, outcome: { returned } };
  } catch (error) {
    return { log, outcome: { threw: describeError(error) } };
  }
}

/** The compiled text of a program (for tests that look at the output). */
export function compileProgram(source: string, options: TransformOptions = {}): string {
  return transform(source, { filename: 'program.ts', runtimeSpecifier: runtimeUrl, ...options }).code;
}

/** The native run only strips types (JavaScript, `filename` not ending in .ts, runs as written). */
function stripOnly(source: string, filename = 'program.ts'): string {
  return /\.(ts|mts|cts)$/.test(filename) ? transformSync(filename, source).code : source;
}

export async function runNative(source: string, filename = 'program.ts'): Promise<Observation> {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `native-${process.pid}-${++counter}.mjs`);
  writeFileSync(file, stripOnly(source, filename));
  return observe(pathToFileURL(file).href);
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
