/**
 * What `transform()` refuses, and where it says so. Nothing is refused as unsupported any more:
 * the constructs once refused are accepted here (their semantics are tested against native in
 * the differential suites). Invalid source is refused with a CompileError whose message starts
 * with `program.ts:LINE:COLUMN:` (1-based, in the user's original text); a function left native
 * is reported by a warning with the same kind of position.
 *
 * Positions are computed from the source text: `at(source, marker, offset)` is where the
 * `marker` text starts (plus `offset` characters).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompileError, transform } from '../src/compiler/index.ts';
import { same, sameSloppy } from './support/semantics.ts';

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
describe('constructs once refused are accepted', () => {
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

});

// ------------------------------------------------------------------------------------------
describe('positions of diagnostics after the source is rewritten', () => {
  /** Where the one warning of `source` points: a function using direct eval is left native. */
  function warnsAt(source: string, marker: string, filename: string): void {
    const { line, column } = at(source, marker);
    const { warnings } = transform(source, { filename });
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.deepEqual(warnings[0], { message: warnings[0]!.message, filename, line, column });
    assert.match(warnings[0]!.message, /eval/);
  }

  test('in the original TypeScript even after type-only lines', () =>
    warnsAt(
      [
        'interface Shape {',
        '  kind: string;',
        '  size: number;',
        '}',
        'type Maybe<T> = T | undefined;',
        'export async function f(p: Maybe<Promise<number>>, s: Shape): Promise<number> {',
        '  return (await p)! + eval("s.size");',
        '}',
      ].join('\n'),
      'eval(',
      'program.ts',
    ));

  // JavaScript: its text is parsed as written, where the lowering of `using` adds text before f.
  test('in the original text after using declarations, which are lowered first', () =>
    warnsAt(
      [
        'async function g() { using r = null; await using s = null; }',
        'export async function f(p) {',
        '  await using t = null;',
        '  return (await p) + eval("1");',
        '}',
      ].join('\n'),
      'eval(',
      'program.js',
    ));
});

// ------------------------------------------------------------------------------------------
describe('functions left native, with a warning', () => {
  /** The warnings of compiling `source` (a sloppy script): message and position of each. */
  function warnings(source: string): { message: string; line: number; column: number }[] {
    return transform(source, { filename: 'program.js', runtime: 'global' }).warnings.map(({ message, line, column }) => ({ message, line, column }));
  }

  const cases: [string, string, string, RegExp][] = [
    ['direct eval', 'async function main(log) {\n  let x = 1;\n  await later(0);\n  log(eval("x + 1"));\n}', 'eval(', /^direct eval or `with` inside an async function: the function is left native$/],
    ['with', 'async function main(log) {\n  const o = { x: 2 };\n  await later(0);\n  with (o) log(x);\n}', 'with (', /^direct eval or `with` inside an async function: the function is left native$/],
    // Annex B.3.2 (sloppy mode): the lowering would lose `f` at the resumption.
    ['a labelled function declaration in a block', "async function main(log) {\n  const p = later(1);\n  { l: function f() { return 'block'; } }\n  await p;\n  log(typeof f, f(), (() => typeof f)());\n}", 'function f', /^a labelled function declaration inside an async function: the function is left native$/],
    ['a labelled function declaration in the body', "async function main(log) {\n  await later(0);\n  a: b: function f() { return 'body'; }\n  log(f());\n}", 'function f', /^a labelled function declaration inside an async function: the function is left native$/],
  ];
  for (const [name, program, marker, message] of cases) {
    test(`${name}: native behaviour, and a warning at it`, async () => {
      await sameSloppy(program);
      const { line, column } = at(program, marker);
      const found = warnings(program);
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.match(found[0]!.message, message);
      assert.deepEqual([found[0]!.line, found[0]!.column], [line, column]);
    });
  }

  test('a labelled statement that is not a function declaration compiles', () =>
    assert.deepEqual(warnings('async function f(p) { l: for (;;) { await p; break l; } m: { await p; break m; } }'), []));
});

// ------------------------------------------------------------------------------------------
describe('limits', () => {
  test('more values live at a suspension than the flags can index (1,023) compile and run as natively', async () => {
    const count = 1100;
    await same(
      [
        'export async function main(log: any) {',
        ...Array.from({ length: count }, (_, i) => `  let v${i}: number = ${i};`),
        '  const r = await later(1);',
        '  v7 = await later(v7 + r);',
        `  return r + ${Array.from({ length: count }, (_, i) => `v${i}`).join(' + ')};`,
        '}',
      ].join('\n'),
      { returns: 1 + 1 + (count * (count - 1)) / 2 },
    );
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
