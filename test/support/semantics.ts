/**
 * Helpers for the differential semantics tests: a prelude of awaitables shared by the programs,
 * and `same()`, which runs a program natively and compiled (with and without continuation
 * reuse) and asserts that all three observed the same thing.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runInThisContext } from 'node:vm';
import { transform, type TransformOptions } from '../../src/compiler/index.ts';
import { guarded, type Guarded, jsonSafe, needsNode24, runCompiled, runNative, runNativeOnNode24, type Observation } from './differential.ts';
import { observeMain } from './observe.mjs';

export type { Guarded };

const compiled = (source: string, options: TransformOptions) => guarded(() => runCompiled(source, options));

/**
 * Prepended to every program:
 * - `later(v, ms)`: a native Promise that resolves with `v` after a timer (really suspends);
 * - `failLater(message, ms)`: a native Promise that rejects with an Error after a timer;
 * - `slow(v)`: a compiled async function that suspends once, then returns `v`;
 * - `quick(v)`: a compiled async function that completes synchronously with `v`;
 * - `boom(message)`: a compiled async function that suspends once, then throws an Error;
 * - `quickFail(message)`: a compiled async function that throws at once (no suspension).
 */
export const PRELUDE = `
const later = <T,>(v: T, ms = 1): Promise<T> => new Promise((r) => setTimeout(() => r(v), ms));
const failLater = (message: string, ms = 1): Promise<never> => new Promise((_, j) => setTimeout(() => j(new Error(message)), ms));
async function slow<T>(v: T): Promise<T> { await later(0); return v; }
async function quick<T>(v: T): Promise<T> { return v; }
async function boom(message: string): Promise<never> { await later(0); throw new Error(message); }
async function quickFail(message: string): Promise<never> { throw new Error(message); }
`;

/** The same prelude for programs compiled as JavaScript. */
export const PRELUDE_JS = `
const later = (v, ms = 1) => new Promise((r) => setTimeout(() => r(v), ms));
const failLater = (message, ms = 1) => new Promise((_, j) => setTimeout(() => j(new Error(message)), ms));
async function slow(v) { await later(0); return v; }
async function quick(v) { return v; }
async function boom(message) { await later(0); throw new Error(message); }
async function quickFail(message) { throw new Error(message); }
`;

export interface SameOptions {
  /** When given, the native run must have produced exactly this log (checks the program itself). */
  log?: unknown[];
  /** When given, the native run must have returned this value. */
  returns?: unknown;
  /** The native run is expected to throw (by default it must return: a typo would otherwise pass). */
  throws?: boolean;
  /** 'program.ts' by default; a .js name compiles (and runs natively) the program as JavaScript. */
  filename?: string;
  /** The native run may return or throw (generated programs). */
  anyOutcome?: boolean;
}

/**
 * `export async function main(log: any) {` (or `main(log)`) becomes `main(log$) { const log = log$;`: closures
 * in the programs capture `log` freely, while a closure capturing a parameter is tested on its
 * own (see BUGS.md).
 */
function prepare(program: string, filename = 'program.ts'): string {
  const javascript = !/\.(ts|mts|cts)$/.test(filename);
  const main = javascript ? 'export async function main(log$) { const log = log$;' : 'export async function main(log$: any) { const log = log$;';
  return (javascript ? PRELUDE_JS : PRELUDE) + program.replace(/export async function main\(log(: any)?\) \{/, main);
}

/** Runs `PRELUDE + program` three ways and asserts compiled == native. Returns the native observation. */
export async function same(program: string, options: SameOptions = {}): Promise<Guarded> {
  const filename = options.filename ?? 'program.ts';
  const source = prepare(program, filename);
  // A native run on Node 24 (for `using`, on Node 20) is compared JSON-safe.
  const onNode24 = needsNode24(source, filename);
  const comparable = onNode24 ? jsonSafe : <T,>(value: T): T => value;
  const native = onNode24 ? await runNativeOnNode24(source, filename) : await guarded(() => runNative(source, filename));
  const reuse = comparable(await compiled(source, { reuseContinuations: true, filename }));
  const noReuse = comparable(await compiled(source, { reuseContinuations: false, filename }));
  if (options.anyOutcome) {
    // either is fine
  } else if (options.throws) {
    assert.ok('threw' in native.outcome, `the native run was expected to throw: ${JSON.stringify(native)}`);
  } else {
    assert.ok('returned' in native.outcome, `the native run threw: ${JSON.stringify(native.outcome)}`);
  }
  if (options.log !== undefined) assert.deepEqual(native.log, comparable(options.log), 'native log (the program itself is wrong)');
  if ('returns' in options) assert.deepEqual(native.outcome, comparable({ returned: options.returns }), 'native result (the program itself is wrong)');
  for (const [name, observed] of [['with', reuse], ['without', noReuse]] as const) {
    assert.deepEqual(observed, native, `compiled ${name} continuation reuse differs from native:\n  native:   ${show(native)}\n  compiled: ${show(observed)}`);
  }
  return native;
}

function show(observation: Observation | Guarded): string {
  return JSON.stringify(observation, (_key, value: unknown) =>
    value === undefined ? '<undefined>' : typeof value === 'bigint' ? `${value}n` : value,
  );
}

/**
 * Compiled-only (native cannot express it): both compilations must observe exactly `expected`
 * (with no unhandled rejections unless `expected` lists them).
 */
export async function compiledOnly(program: string, expected: Observation | Guarded): Promise<void> {
  expected = { unhandledRejections: [], ...expected };
  for (const reuseContinuations of [true, false]) {
    const observed = await compiled(prepare(program), { reuseContinuations });
    assert.deepEqual(observed, expected, `reuseContinuations: ${reuseContinuations}:\n  expected: ${show(expected)}\n  compiled: ${show(observed)}`);
  }
}

/**
 * Sloppy-mode code (ES modules are strict): `program` is a classic script, JavaScript, that
 * declares `async function main(log)`. It runs inside a sloppy function (so its declarations are
 * function-level, and leave nothing on the global object), natively and compiled with
 * `runtime: 'global'` (with and without continuation reuse), and all three must observe the same.
 */
export async function sameSloppy(program: string, options: Pick<SameOptions, 'log' | 'returns' | 'throws'> = {}): Promise<Guarded> {
  const globals = globalThis as typeof globalThis & { reawait?: unknown };
  if (globals.reawait === undefined) {
    const runtimeUrl = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'runtime', 'index.js')).href;
    globals.reawait = Object.freeze({ ...((await import(runtimeUrl)) as object) });
  }
  const source = `(function () {\n${PRELUDE_JS}${program}\nreturn main;\n})()`;
  const run = (code: string) => guarded(() => observeMain(runInThisContext(code, { filename: 'program.js' }) as Main));
  // The compiled script's header declares classes: in a block, so that runs do not collide.
  const compile = (reuseContinuations: boolean) => `{\n${transform(source, { filename: 'program.js', runtime: 'global', reuseContinuations }).code}\n}`;
  const native = await run(source);
  const reuse = await run(compile(true));
  const noReuse = await run(compile(false));
  if (options.throws) assert.ok('threw' in native.outcome, `the native run was expected to throw: ${JSON.stringify(native)}`);
  else assert.ok('returned' in native.outcome, `the native run threw: ${JSON.stringify(native.outcome)}`);
  if (options.log !== undefined) assert.deepEqual(native.log, options.log, 'native log (the program itself is wrong)');
  if ('returns' in options) assert.deepEqual(native.outcome, { returned: options.returns }, 'native result (the program itself is wrong)');
  for (const [name, observed] of [['with', reuse], ['without', noReuse]] as const) {
    assert.deepEqual(observed, native, `compiled ${name} continuation reuse differs from native:\n  native:   ${show(native)}\n  compiled: ${show(observed)}`);
  }
  return native;
}

type Main = (log: (...values: unknown[]) => void) => Promise<unknown>;
