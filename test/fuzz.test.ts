/**
 * Differential fuzzing, property-based: fast-check generates random async programs
 * (test/support/programs.ts: every construct reawait compiles, awaits of plain values, resolved
 * and rejected promises, promises settled on a timer, thenables, compiled calls that complete
 * at once, suspend or throw, awaiters (the awaiter protocol when compiled, `then` natively),
 * pending, failing or already complete, and a compiled callee that awaits awaiters in a loop
 * (`spin`: with the dispatcher's chain fix undone, seed 1 fails within 10 programs); closures over variables that change across awaits and closures
 * called in a dead zone, closures in loop-head and catch patterns over a later name of the pattern;
 * awaits in destructuring, class keys and heritage, optional calls;
 * `super` reads, calls, tagged templates and assignments in async methods of classes (static
 * too) and object literals, and in arrows inside them;
 * jumps through finally blocks that await and out of for await; AsyncLocalStorage stores),
 * runs each natively and compiled with and without continuation
 * reuse, and requires the same log, result or error, and unhandled rejections. A compile error
 * (a refused construct) is a failure too: the generator only produces supported programs.
 *
 * CI runs a fixed budget: seed 1, 500 programs (about 45 s on two cores). For a longer local campaign:
 *   FUZZ_SEED=<n> FUZZ_RUNS=<n> node --import tsx --test test/fuzz.test.ts
 * A failure prints the shrunk program and the seed and path that replay it:
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> node --import tsx --test test/fuzz.test.ts
 * Each shrunk counterexample becomes a test in test/semantics.test.ts ('found by the fuzzer'),
 * with an entry in test/BUGS.md while it still fails.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { programArbitrary, render } from './support/programs.ts';
import { same } from './support/semantics.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1);
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const PATH = process.env.FUZZ_PATH;

test(`${RUNS} generated programs (seed ${SEED}) behave the same natively and compiled`, { timeout: 30 * 60_000 }, async () => {
  const property = fc.asyncProperty(programArbitrary, async (program) => {
    await same(render(program), { anyOutcome: true });
  });
  const details = await fc.check(property, { seed: SEED, numRuns: RUNS, ...(PATH ? { path: PATH, endOnFailure: true } : {}) });
  if (!details.failed) return;
  const [program] = details.counterexample ?? [];
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  assert.fail(
    [
      `a generated program differs (after ${details.numRuns} programs, shrunk ${details.numShrinks} times):`,
      '',
      program ? render(program) : '(no counterexample)',
      '',
      error,
      '',
      `replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath} node --import tsx --test test/fuzz.test.ts`,
    ].join('\n'),
  );
});
