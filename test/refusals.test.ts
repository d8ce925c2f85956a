/**
 * Constructs that reawait does not support yet must be refused by `transform()` with a
 * CompileError whose message starts with `program.ts:LINE:COLUMN:` (1-based, in the user's
 * original text) and names the construct. Syntax errors are CompileErrors too.
 *
 * Positions are computed from the source text: `at(source, marker, offset)` is where the
 * `marker` text starts (plus `offset` characters).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompileError, transform } from '../src/compiler/index.ts';

const TODO = { todo: 'see BUGS.md' };

/** 1-based line and column of the first occurrence of `marker` in `source`, plus `offset` characters. */
function at(source: string, marker: string, offset = 0): { line: number; column: number } {
  const index = source.indexOf(marker);
  assert.ok(index >= 0, `marker ${JSON.stringify(marker)} not in the source`);
  assert.equal(source.indexOf(marker, index + 1), -1, `marker ${JSON.stringify(marker)} is not unique`);
  const before = source.slice(0, index + offset);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return { line, column };
}

interface Refusal {
  /** The source: its first line is line 1. */
  source: string;
  /** Where the error must point: the start of this (unique) text of the source. */
  marker: string;
  offset?: number;
  /** The message must contain this (it names the construct). */
  names: RegExp;
  filename?: string;
}

function refuse({ source, marker, offset = 0, names, filename = 'program.ts' }: Refusal): void {
  const { line, column } = at(source, marker, offset);
  for (const reuseContinuations of [true, false]) {
    let caught: unknown;
    try {
      transform(source, { filename, reuseContinuations });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught !== undefined, 'transform() accepted the source');
    assert.ok(caught instanceof CompileError, `not a CompileError: ${String(caught)}`);
    const prefix = `${filename}:${line}:${column}: `;
    assert.ok(caught.message.startsWith(prefix), `expected the message to start with ${JSON.stringify(prefix)}: ${JSON.stringify(caught.message)}`);
    assert.match(caught.message, names);
    assert.equal(caught.filename, filename);
    assert.equal(caught.line, line);
    assert.equal(caught.column, column);
  }
}

function accepts(source: string, filename = 'program.ts'): void {
  assert.doesNotThrow(() => transform(source, { filename }));
}

// ------------------------------------------------------------------------------------------
describe('unsupported constructs are refused with their position', () => {
  test('closures capturing loop variables and parameters declared by patterns that change after an await are accepted', () =>
    accepts([
      'export async function f(p: Promise<number>, { a }: { a: number }, ...rest: number[]) {',
      '  const reads: (() => unknown)[] = [() => [a, rest]];',
      '  for (let i = 0; i < 3; i++) { reads.push(() => i); await p; i += 0; }',
      '  for (var j = 0; j < 3; j++) { reads.push(() => j); await p; }',
      '  for (let x of [1, 2]) { reads.push(() => x); x = await p; }',
      '  a = await p; rest = [];',
      '  return reads.map((read) => read());',
      '}',
    ].join('\n')));

  test('closures created before the let or const they capture, declared after an await, are accepted', () =>
    accepts([
      'export async function f(p: Promise<number>) {',
      '  const get = () => b;',
      '  const b = await p;',
      '  {',
      '    const x = await p;',
      '    function decl() { return x; }',
      '    return [get(), decl()];',
      '  }',
      '}',
    ].join('\n')));

  test('closures created before the destructuring, class, switch-case or for-head declaration they capture, and reassigned consts, are accepted', () =>
    accepts([
      'export async function f(p: Promise<{ b: number }>, k: number) {',
      '  const get = () => [b, C];',
      '  const { b } = await p;',
      '  class C {}',
      '  switch (k) { case 1: get(); await p; case 2: const y = () => z; let z = await p; y(); }',
      '  for (let g = () => i, i = await p; ; ) return [get(), g()];',
      '  const c = 1; const h = () => c; await p; (c as any) = 2; return h();',
      '}',
    ].join('\n')));

  test('a closure capturing a parameter that is never reassigned is accepted', () =>
    accepts([
      'export async function f(x: number, p: Promise<void>) {',
      '  const twice = () => x * 2;',
      '  await p;',
      '  return twice();',
      '}',
    ].join('\n')));

  test('super(...) with an awaited argument, in an async arrow inside a constructor, is accepted', () =>
    accepts([
      'class A { constructor(public v: number) {} }',
      'export class B extends A {',
      '  constructor(p: Promise<number>) {',
      '    const make = async () => { super(await p); };',
      '    void make;',
      '    super(1);',
      '  }',
      '}',
    ].join('\n')));

  test('await inside destructuring defaults and computed keys is accepted', () =>
    accepts([
      'export async function f(o: { a?: number }, d: Promise<number>) {',
      '  const { a = await d, [await d]: b } = o as any;',
      '  let c; [c = await d] = [];',
      '  try { throw o; } catch ({ a: e = await d }: any) { c = e; }',
      '  for (const { a: g = await d } of [o]) c = g;',
      '  return [a, b, c];',
      '}',
    ].join('\n')));

  test('classes whose heritage or computed keys await are accepted', () =>
    accepts([
      'export async function f(p: Promise<any>) {',
      '  class A extends (await p) { async m() { return await p; } }',
      '  const B = class { [await p]() {} static [await p] = 1; };',
      '  return [A, B];',
      '}',
    ].join('\n')));

  test('a function declaration directly inside a switch that awaits is accepted', () =>
    accepts([
      'export async function f(x: number, p: Promise<number>) {',
      '  switch (x) {',
      '    case 1:',
      '      let y = await p;',
      '      function g() { return 1; }',
      '      return [y, g()];',
      '  }',
      '}',
    ].join('\n')));

  test('let, const and class declarations directly inside a switch that awaits are accepted', () =>
    accepts([
      'export async function f(x: number, p: Promise<number>) {',
      '  switch (x) {',
      '    case 1:',
      '      let y = await p;',
      '      class C {}',
      '    case 2:',
      '      const z = await p;',
      '      return [y, z, C];',
      '  }',
      '}',
    ].join('\n')));

  /** A function with more values live at its await than a continuation has slots (see 'limits'). */
  const tooManyValues = (head: string, type = ': number'): string[] => [
    `${head} {`,
    ...Array.from({ length: 1100 }, (_, i) => `  let v${i}${type} = ${i};`),
    '  const r = await p;',
    `  return r + ${Array.from({ length: 1100 }, (_, i) => `v${i}`).join(' + ')};`,
    '}',
  ];

  test('the position is in the original TypeScript even after type-only lines', () =>
    refuse({
      source: [
        'interface Shape {',
        '  kind: string;',
        '  size: number;',
        '}',
        'type Maybe<T> = T | undefined;',
        ...tooManyValues('const s: Shape | null = null; export async function f(p: Maybe<Promise<number>>): Promise<number>'),
      ].join('\n'),
      marker: 'async function f',
      names: /more than \d+ values live across the awaits/,
    }));

  // JavaScript: its text is parsed as written, where the lowering of `using` adds text before f.
  test('the position is in the original text after using declarations, which are lowered first', () =>
    refuse({
      source: tooManyValues('async function g() { using r = null; await using s = null; } export async function f(p)', '').join('\n'),
      marker: 'async function f',
      names: /more than \d+ values live across the awaits/,
      filename: 'program.js',
    }));
});

// ------------------------------------------------------------------------------------------
describe('limits', () => {
  test('more values live at a suspension than continuation slots: a CompileError, not a RangeError', () => {
    const count = 1100;
    const source = [
      'export async function f(p: Promise<number>) {',
      ...Array.from({ length: count }, (_, i) => `  let v${i} = ${i};`),
      '  const r = await p;',
      `  return r + ${Array.from({ length: count }, (_, i) => `v${i}`).join(' + ')};`,
      '}',
    ].join('\n');
    let caught: unknown;
    try {
      transform(source, { filename: 'program.ts' });
    } catch (error) {
      caught = error;
    }
    // Compiling it would be better still; failing, it must say where.
    if (caught !== undefined) {
      assert.ok(caught instanceof CompileError, `not a CompileError: ${String(caught)}`);
      assert.match(caught.message, /^program\.ts:\d+:\d+: /);
    }
  });
});

// ------------------------------------------------------------------------------------------
describe('syntax errors', () => {
  test('a syntax error in TypeScript', () =>
    refuse({
      source: [
        'export async function f() {',
        '  const x = 1;',
        '  return x +;',
        '}',
      ].join('\n'),
      marker: ';\n}',
      names: /./,
    }));

  test('a syntax error in JavaScript', () =>
    refuse({
      source: [
        'export async function f(p) {',
        '  await p;',
        '  const = 1;',
        '}',
      ].join('\n'),
      marker: '= 1',
      names: /./,
      filename: 'program.js',
    }));

  test('a syntax error after type annotations on the same line', () =>
    refuse({
      source: [
        'type N = number;',
        'export async function f(a: N, b: N): Promise<N> { return a + b }',
        'export const g = (x: number): number => { return x * } ;',
      ].join('\n'),
      marker: '} ;',
      names: /./,
    }));

  test('an early error (a redeclared let) is a CompileError too', () =>
    refuse({
      source: [
        'export async function f(p) {',
        '  let a = await p;',
        '  let a = 2;',
        '  return a;',
        '}',
      ].join('\n'),
      marker: 'a = 2',
      names: /already been declared|redeclar/i,
      filename: 'program.js',
    }));

  test('await outside an async function, in a nested plain function', () =>
    refuse({
      source: [
        'export async function f(p: Promise<number>) {',
        '  function inner() {',
        '    return await p;',
        '  }',
        '  return inner();',
        '}',
      ].join('\n'),
      marker: 'await p',
      names: /./,
    }));
});
