/**
 * Compiled classic scripts (`runtime: 'global'`): the header that the compiler puts after the
 * directive prologue must leave the program valid and the directive in effect, and the names it
 * declares at the top level must not clash with another compiled script's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createContext, Script } from 'node:vm';
import { transform } from '../src/compiler/index.ts';

test('a directive without its semicolon is still a directive, followed by the header', () => {
  const { code } = transform('"use strict"\nasync function f() { await 1; return this; }\n', { filename: 'script.js', runtime: 'global' });
  assert.doesNotThrow(() => new Script(code));
  assert.match(code, /^"use strict"; /);
});

test('two compiled scripts run in one global scope, each with its own continuation classes', async () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const context = createContext({});
  new Script(readFileSync(join(root, 'dist', 'reawait.global.js'), 'utf8')).runInContext(context);
  const first = 'async function first(x) { await null; const y = await Promise.resolve(x); return y + 1; }\nglobalThis.a = [1, 2].map(async (v) => { await Promise.resolve(0); return first(v); });';
  const second = 'async function second(x, z) { let q = z; await Promise.resolve(0); return [x, q]; }\nglobalThis.b = second(2, 3);';
  for (const [filename, source] of [['first.js', first], ['second.js', second]] as const) {
    const { code } = transform(source, { filename, runtime: 'global' });
    new Script(code, { filename }).runInContext(context);
  }
  const { a, b } = context as { a: Promise<number>[]; b: Promise<number[]> };
  assert.equal(JSON.stringify([await Promise.all(a), await b]), "[[2,3],[2,3]]");
});
