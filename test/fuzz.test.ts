/**
 * Differential fuzzing: random programs (test/support/generate.ts) run natively and compiled
 * with and without continuation reuse; everything observed must match. A failure names the
 * seed; reproduce it with
 *   node --import tsx -e "import('./test/support/generate.ts').then((g) => console.log(g.generateProgram(SEED)))"
 * (the program is run with the prelude of test/support/semantics.ts).
 *
 * The first test leaves out compound assignments, awaits in for-of iterables, comma expressions
 * (where BUGS.md 18, 20–23 were found) and closures over variables assigned elsewhere (28); the
 * second generates everything, including awaits in finally blocks, for await, awaits in case
 * tests, optional chains and tagged templates with awaits, and closures that read or write
 * variables reassigned across awaits.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateProgram, type GenerateOptions } from './support/generate.ts';
import { same } from './support/semantics.ts';

const TODO = { todo: 'see BUGS.md' };
const SEEDS = Number(process.env.FUZZ_SEEDS ?? 60);
const FIRST = Number(process.env.FUZZ_FIRST_SEED ?? 1);

async function fuzz(options: GenerateOptions): Promise<void> {
  const failures: string[] = [];
  for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
    try {
      await same(generateProgram(seed, options), { anyOutcome: true });
    } catch (error) {
      failures.push(`seed ${seed}: ${(error as Error).message.split('\n').slice(0, 3).join(' ').slice(0, 600)}`);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${SEEDS} generated programs differ:\n${failures.join('\n')}`);
}

describe('generated programs', () => {
  test(`${SEEDS} programs, without the constructs of known bugs`, () =>
    fuzz({ compoundAssignments: false, awaitsInIterables: false, sequences: false, mutableClosures: false }));

  test(`${SEEDS} programs, everything (compound assignments, awaits in for-of iterables, comma expressions, closures over reassigned variables)`, () => fuzz({}));
});
