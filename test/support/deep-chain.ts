/**
 * Run in a child process with a larger stack (see semantics.test.ts): a chain of 10,000
 * compiled async calls descends synchronously (too deep for the default stack, natively as
 * well), the leaf suspends once, and resuming must then unwind the 10,000 frames without
 * recursion. Prints the three observations as JSON.
 */
import { runAll } from './differential.ts';
import { PRELUDE } from './semantics.ts';

const depth = Number(process.argv[2] ?? 10000);
const source = PRELUDE + `
  async function chain(n: number): Promise<number> {
    if (n === 0) { await later(0); return 0; }
    return (await chain(n - 1)) + 1;
  }
  async function throwing(n: number): Promise<number> {
    if (n === 0) { await later(0); throw new Error('leaf'); }
    return (await throwing(n - 1)) + 1;
  }
  export async function main(log: any) {
    log(await chain(${depth}));
    try { await throwing(${depth}); } catch (e: any) { log('caught', e.message); }
    return 'done';
  }`;
process.stdout.write(JSON.stringify(await runAll(source)));
