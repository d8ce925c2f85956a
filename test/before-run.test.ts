/**
 * Which top-level declarations another module of an import cycle can call before this module
 * runs (phase 2, before-run.ts). The programs that run such cycles, natively and compiled, are in
 * cli.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from '../src/compiler/phases/1-parse/parse.ts';
import { callableBeforeRun } from '../src/compiler/phases/2-analyze/before-run.ts';

function callable(filename: string, source: string): string[] {
  const { program } = parse(filename, source);
  return [...callableBeforeRun(program)].map((fn) => fn.id?.name ?? '(default)').sort();
}

test('exported declarations, and the declarations their code names', () => {
  const source = [
    "import { x } from './x.mjs';",
    'export async function a() { return b(); }',
    'function b() { return { c }; }',
    'async function c() {}',
    'async function unused() { return a(); }',
    'function later() {}',
    'export { later as renamed };',
    'export default function () { return d; }',
    'function* d() {}',
    'const notHoisted = async () => unused();',
    'export { notHoisted };',
  ].join('\n');
  assert.deepEqual(callable('m.mjs', source), ['(default)', 'a', 'b', 'c', 'd', 'later']);
});

test('a re-export or a bare import can put a module in a cycle too', () => {
  assert.deepEqual(callable('m.mjs', "export * from './x.mjs';\nexport async function a() {}"), ['a']);
  assert.deepEqual(callable('m.mjs', "export { y } from './x.mjs';\nexport async function a() {}"), ['a']);
  assert.deepEqual(callable('m.mjs', "import './x.mjs';\nexport async function a() {}"), ['a']);
});

test('a module that imports nothing, or a script, cannot be in a cycle', () => {
  assert.deepEqual(callable('m.mjs', 'export async function a() {}'), []);
  assert.deepEqual(callable('s.cjs', 'async function a() {}'), []);
});
