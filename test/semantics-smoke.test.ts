import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runAll } from './support/differential.ts';

test('a loop awaiting a compiled call, a rejection caught, a timer', async () => {
  const source = `
    async function add(a: number, b: number) { return a + b; }
    export async function main(log: (...v: unknown[]) => void) {
      let total = 0;
      for (let i = 0; i < 5; i++) total = total + await add(i, 1);
      log('total', total);
      try { await Promise.reject(new Error('boom')); } catch (e) { log('caught', (e as Error).message); }
      const v = await new Promise((r) => setTimeout(() => r(42), 1));
      return v;
    }`;
  const { native, reuse, noReuse } = await runAll(source);
  assert.deepEqual(reuse, native);
  assert.deepEqual(noReuse, native);
});
