/**
 * End-to-end differential tests: every program runs natively and compiled (with and without
 * continuation reuse); the logs and outcomes must be identical. Programs never depend on the
 * interleaving of concurrent tasks (see README, "How timing differs from native await").
 *
 * The prelude (test/support/semantics.ts) provides `later`, `failLater` (native promises that
 * settle after a timer), `slow`, `boom` (compiled callees that suspend) and `quick` (a compiled
 * callee that completes synchronously).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { compiledOnly, same, sameSloppy, type SameOptions } from './support/semantics.ts';

const TODO = { todo: 'see BUGS.md' };

/**
 * Registers a program twice: with WAIT replaced by `later` (a native promise: the body really
 * suspends) and by `quick` (a compiled call that completes synchronously, so the compiled code
 * does not suspend there); WAITFAIL by `failLater` or `quickFail` (rejects / throws at once).
 * `todoWhenSuspending` marks the first as a known bug (BUGS.md).
 */
function bothWays(name: string, program: string, options: SameOptions = {}, todoWhenSuspending = false): void {
  const suspending = program.replaceAll('WAITFAIL', 'failLater').replaceAll('WAIT', 'later');
  const completing = program.replaceAll('WAITFAIL', 'quickFail').replaceAll('WAIT', 'quick');
  test(`${name} (suspending)`, todoWhenSuspending ? TODO : {}, () => same(suspending, options));
  test(`${name} (not suspending)`, () => same(completing, options));
}

// ------------------------------------------------------------------------------------------
describe('blocks and declarations', () => {
  test('nested blocks with awaits of plain values and suspending awaits', () =>
    same(`
      export async function main(log: any) {
        log('a');
        { log('b', await 1); { log('c', await later(2)); } log('d', await slow(3)); }
        { { { log('e', await quick(4)); } } }
        return 'done';
      }`, { log: ['a', ['b', 1], ['c', 2], ['d', 3], ['e', 4]], returns: 'done' }));

  test('var, let and const initialised by awaits', () =>
    same(`
      export async function main(log: any) {
        var a = await later(1);
        let b = await 2;
        const c = await slow(3);
        let d = a + (await quick(b)) + c;
        var e = 'unset';
        log(a, b, c, d, e);
        e = await later('e');
        let f: number, g = await later(7), h = g + 1;
        f = await 6;
        log(e, f, g, h);
        return [a, b, c, d, e, f, g, h];
      }`, { returns: [1, 2, 3, 6, 'e', 6, 7, 8] }));

  test('a var declared without initialiser, assigned from an await, survives a later suspension', () =>
    same(`
      export async function main(log: any) {
        var e;
        e = await later('e');
        await later(0);
        return e;
      }`, { returns: 'e' }));

  test('object and array destructuring of an awaited value', () =>
    same(`
      async function f() { await later(0); return { a: 1, b: [2, 3], c: { d: 4 } }; }
      export async function main(log: any) {
        const { a, b: [c], c: { d } } = await f();
        log(a, c, d);
        let [x, , y = 10, ...rest] = await later([1, 2, undefined, 4, 5]);
        log(x, y, rest);
        var { missing = 'default', ...others } = await slow({ p: 1, q: 2 } as any);
        log(missing, others);
        const [[deep], { e = 'ee' }] = [[await 'deep'], {} as any];
        log(deep, e);
        return a + c + d + x + y;
      }`, { returns: 18 }));

  test('destructuring assignment from an awaited value', () =>
    same(`
      export async function main(log: any) {
        let a = 0, b = 0;
        const o: any = {};
        [a, b] = await later([1, 2]);
        log(a, b);
        ({ a, b: o.q } = await slow({ a: 3, b: 4 }));
        log(a, o.q);
        [b, a] = [a, b];
        log(a, b);
        return [a, b, o.q];
      }`, { returns: [2, 3, 4] }));

  bothWays('empty patterns declared before an await, in blocks and loop heads (were emitted as `let ;`)', `
    export async function main(log: any) {
      const {} = await WAIT({});
      await WAIT(0);
      const [] = [await WAIT(1)];
      await WAIT(0);
      { let {} = {}; await WAIT(0); }
      for (const [] of [[1], [2]]) { await WAIT(0); log('iteration'); }
      try { const {} = null as any; await WAIT(0); } catch (e: any) { log(e.message); }
      return 'done';
    }`, { log: ['iteration', 'iteration', "Cannot destructure 'null' as it is null."], returns: 'done' });

  test('shadowing in nested blocks across awaits', () =>
    same(`
      export async function main(log: any) {
        let x = 'outer';
        {
          let x = await later('block');
          log(x);
          {
            const x = await slow('inner');
            log(x);
            await later(0);
            log(x);
          }
          log(x);
          await 0;
          log(x);
        }
        log(x);
        for (let x = 0; x < 2; x++) { await later(x); log('loop', x); }
        log(x);
        return x;
      }`, { returns: 'outer' }));

  test('shadowing: inner block bindings, the shadowed ones not live across the inner awaits', () =>
    same(`
      export async function main(log: any) {
        let x = 'outer';
        log(x);
        {
          let x = await later('block');
          log(x);
          { const x = await slow('inner'); log(x); }
        }
        for (let x = 0; x < 2; x++) { await later(x); log('loop', x); }
        return 'end';
      }`, { log: ['outer', 'block', 'inner', ['loop', 0], ['loop', 1]], returns: 'end' }));

  test('the TDZ error of a shadowing binding names it as written', () =>
    same(`
      export async function main(log: any) {
        let x = 'outer';
        {
          try { log(x); } catch (e: any) { log(e.message); }
          let x = await later('inner');
          log(x);
        }
        return x;
      }`, { log: ["Cannot access 'x' before initialization", 'inner'], returns: 'outer' }));

  test('the TDZ error of a shadowing binding names it as written, with the outer binding captured and changed', () =>
    same(`
      export async function main(log: any) {
        let x = 'outer';
        const outer = () => x;
        for (let i = 0; i < 2; i++) {
          try { log(x); } catch (e: any) { log(e.message); }
          const x = await later('inner' + i);
          log(x, outer());
        }
        x = await later('changed');
        return [x, outer()];
      }`, { log: ["Cannot access 'x' before initialization", ['inner0', 'outer'], "Cannot access 'x' before initialization", ['inner1', 'outer']], returns: ['changed', 'changed'] }));

  test('shadowing: a shadowed binding live across an await in the inner block (minimal)', () =>
    same(`
      export async function main(log: any) {
        let x = 'outer';
        { let x = await later('inner'); log(x); }
        return x;
      }`, { log: ['inner'], returns: 'outer' }));

  test('a fresh binding per block execution, captured by closures across awaits', () =>
    same(`
      export async function main(log: any) {
        const fns: (() => number)[] = [];
        for (let i = 0; i < 4; i++) {
          const j = i * 10;
          await later(0);
          fns.push(() => j);
          const k = await slow(j + 1);
          fns.push(() => k);
        }
        return fns.map((f) => f());
      }`, { returns: [0, 1, 10, 11, 20, 21, 30, 31] }));

  test('var hoisting and function declarations called before their definition', () =>
    same(`
      export async function main(log: any) {
        log(typeof v, helper(1));
        await later(0);
        var v = await helper2();
        log(v, helper(2));
        { var w = await 5; }
        log(w);
        function helper(n: number) { return 'helper' + n; }
        async function helper2() { await later(0); return 'h2'; }
        return v + w;
      }`, { returns: 'h25' }));

  test('a let read before its initialisation throws ReferenceError', () =>
    same(`
      export async function main(log: any) {
        await later(0);
        try { log(x); } catch (e: any) { log(e.name); }
        let x = await 1;
        log(x);
      }`, { log: ['ReferenceError', 1] }));

  test('assigning to a const throws TypeError after an await', () =>
    same(`
      export async function main(log: any) {
        const c = await later(1);
        try { (c as any) = 2; } catch (e: any) { log(e.name); }
        return c;
      }`, { returns: 1 }));

  test('many variables live across different suspension points are not mixed up', () =>
    same(`
      export async function main(log: any) {
        let a = 1, b = 2, c = 3, d = 4;
        const out: number[] = [];
        for (let i = 0; i < 3; i++) {
          const e = a + (await later(b));
          out.push(e);
          const f = c * (await slow(d));
          out.push(f, e);
          let g = await quick(e + f);
          if (i % 2 === 0) { const h = await later(g * 2); out.push(h); g = h; }
          else { const h2 = await 7; out.push(h2 + g); }
          a = b; b = c; c = d; d = g;
        }
        return [out, a, b, c, d];
      }`));
});

// ------------------------------------------------------------------------------------------
describe('expression statements', () => {
  test('await as a statement, in a call, in a comma expression', () =>
    same(`
      export async function main(log: any) {
        await later(1);
        await 2;
        await slow(3);
        log(await later('x'), await 'y');
        const seq = (log('a'), await later('b'), log('c'), await quick('d'));
        log(seq);
        await await later(await slow(5));
        (await later(log))('called through an awaited function');
        return (await later({ p: 'prop' })).p;
      }`, { returns: 'prop' }));
});

// ------------------------------------------------------------------------------------------
describe('if / else', () => {
  test('await in the test and in both branches', () =>
    same(`
      async function pick(n: number, log: any) {
        if (await later(n > 0)) {
          log('positive', await slow(n));
        } else if (await quick(n < 0)) {
          log('negative', await n);
        } else {
          log('zero', await later(n));
        }
        if (n === 1) log('one'); else log('not one', await later(n));
        return n;
      }
      export async function main(log: any) {
        for (const n of [1, -1, 0, 2]) log('done', await pick(n, log));
        if (await 0) log('never');
        if (!(await later(''))) log('falsy');
      }`));

  test('nested ifs without braces', () =>
    same(`
      export async function main(log: any) {
        for (let i = 0; i < 4; i++)
          if (i % 2 === 0)
            if (await later(i > 1)) log('big even', i);
            else log('small even', await slow(i));
          else log('odd', await i);
      }`));
});

// ------------------------------------------------------------------------------------------
describe('for loops', () => {
  test('await in the body', () =>
    same(`
      export async function main(log: any) {
        let sum = 0;
        for (let i = 0; i < 5; i++) { sum += await later(i); log(i, await slow(sum)); }
        for (var j = 0; j < 3; j++) await quick(j);
        log(j);
        return sum;
      }`, { returns: 10 }));

  test('await in init, test and update', () =>
    same(`
      export async function main(log: any) {
        const order: string[] = [];
        for (let i = await later(0); await slow(i < 3); i = i + await later(1)) {
          order.push('body' + i);
        }
        let k: number;
        for (k = await 10; k > await quick(7); k -= await later(1)) order.push('k' + k);
        for (let m = 0; m < (await 2); m++) order.push('m' + m);
        log(order);
        return k;
      }`, { returns: 7 }));

  test('break and continue after awaits, empty parts', () =>
    same(`
      export async function main(log: any) {
        let i = 0;
        for (;;) {
          i++;
          if (await later(i % 2 === 0)) continue;
          if (await slow(i > 6)) break;
          log('odd', i);
        }
        for (let j = 0; ; j++) { if (j === 3) break; await j; log('j', j); }
        return i;
      }`, { returns: 7 }));

  test('per-iteration let bindings captured by closures (not reassigned in the body)', () =>
    same(`
      export async function main(log: any) {
        const fns: (() => string)[] = [];
        for (let i = 0; i < 3; i++) {
          const label = 'i' + i;
          fns.push(() => label);
          await later(0);
        }
        return fns.map((f) => f());
      }`, { returns: ['i0', 'i1', 'i2'] }));

  test('return from inside a for loop after an await', () =>
    same(`
      async function find(xs: number[], target: number) {
        for (let i = 0; i < xs.length; i++) {
          if ((await later(xs[i])) === target) return i;
        }
        return -1;
      }
      export async function main(log: any) {
        log(await find([5, 6, 7], 6), await find([5, 6, 7], 9));
      }`, { log: [[1, -1]] }));
});

// ------------------------------------------------------------------------------------------
describe('loops whose body ends with an await (resumed in the loop test)', () => {
  // A loop whose one suspension point ends its body, with the value unused and outside any try,
  // is resumed in its test (items.ts, resumesAtEnd): the update and the test run there, and the
  // body is printed without guards. Side effects of the test and the update, their order, and
  // break / continue / labels must be exactly native's.
  bothWays('for: update and test with side effects, run once per iteration after a resumption', `
    export async function main(log: any) {
      let updates = 0, tests = 0;
      const order: string[] = [];
      for (let i = 0; (tests++, order.push('test' + i), i < 4); i++, updates++, order.push('update' + i)) {
        order.push('body' + i);
        await WAIT(i);
      }
      log(order, updates, tests);
      return updates;
    }`, { returns: 4 });

  bothWays('while and for without test or update; break and continue before the await', `
    export async function main(log: any) {
      let n = 0;
      while (n < 5) { n++; if (n === 2) continue; log('while', n); await WAIT(n); }
      let m = 0;
      for (;;) { m++; if (m > 3) break; log('for', m); await WAIT(m); }
      let k = 10;
      for (; k > 7;) { k--; await WAIT(k); }
      outer: for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) { if (b === 1) continue outer; if (a === 2) break outer; log('ab', a, b); await WAIT(b); }
      }
      return [n, m, k];
    }`, { returns: [5, 4, 7] });

  bothWays('values computed in the body before the await, locals of the head, an exception from the test after a resumption', `
    export async function main(log: any) {
      let sum = 0;
      for (let i = 0, limit = 3; i < limit; i++) { const sq = i * i; sum += sq; log(i, sq); await WAIT(sq); }
      try {
        let j = 0;
        for (; (() => { if (j === 2) throw new Error('test threw at ' + j); return true; })(); j++) await WAIT(j);
      } catch (e: any) { log(e.message); }
      return sum;
    }`, { returns: 5 });

  bothWays('the await of a compiled call, and a loop inside a loop that both end with awaits', `
    export async function main(log: any) {
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 2; j++) { seen.push(i * 10 + j); await WAIT(j); }
        await slow(i);
      }
      log(seen);
      return seen.length;
    }`, { returns: 6 });

  test('compiled: the body is printed without guards and the resumption is taken in the test', async () => {
    const { transform } = await import('../src/compiler/index.ts');
    const { code } = transform('export async function f(n: number, x: unknown) { for (let i = 0; i < n; i++) { g(i); await x; } }', { filename: 'f.ts' });
    assert.match(code, /\(\$ra_s !== 0 && \(\$ra_s = 0, i\+\+\)\), \(i < n\)/);
    assert.doesNotMatch(code, /if \(\$ra_s === 0\) \{ g\(i\)/);
  });
});

describe('for-of', () => {
  const ITERABLE = `
    function logged(log: any, values: unknown[], name = 'it') {
      return {
        [Symbol.iterator]() {
          log(name + '.iterator');
          let i = 0;
          return {
            next() { log(name + '.next', i); return i < values.length ? { value: values[i++], done: false } : { value: undefined, done: true }; },
            return(v?: unknown) { log(name + '.return'); return { value: v, done: true }; },
          };
        },
      };
    }`;

  test('await in the iterable and in the body', () =>
    same(`
      export async function main(log: any) {
        let sum = 0;
        for (const x of await later([1, 2, 3])) { sum += x; log(x, await slow(x * 2)); }
        for (const s of await slow('ab')) log(await later(s));
        for (const v of [await 1, await later(2)]) log('v', v);
        return sum;
      }`, { returns: 6 }));

  // Each of these runs twice: WAIT is `later` (the body really suspends) or `quick` (a compiled
  // call that completes synchronously, so compiled code does not suspend in the loop).
  bothWays('break, continue and return inside; return() called on break and return only', ITERABLE + `
      async function firstBig(log: any) {
        for (const x of logged(log, [1, 5, 9], 'r')) { if (await WAIT((x as number) > 4)) return x; }
        return null;
      }
      export async function main(log: any) {
        for (const x of logged(log, [1, 2, 3, 4], 'a')) {
          if (x === 2) { await WAIT(0); continue; }
          log('a body', await WAIT(x));
          if (x === 3) break;
        }
        for (const x of logged(log, [1, 2], 'b')) { log('b body', await WAIT(x)); }
        log('first', await firstBig(log));
        return 'ok';
      }`, {
    log: [
      'a.iterator', ['a.next', 0], ['a body', 1], ['a.next', 1], ['a.next', 2], ['a body', 3], 'a.return',
      'b.iterator', ['b.next', 0], ['b body', 1], ['b.next', 1], ['b body', 2], ['b.next', 2],
      'r.iterator', ['r.next', 0], ['r.next', 1], 'r.return', ['first', 5],
    ],
    returns: 'ok',
  });

  bothWays('return() called when the body throws after an await; the error propagates', ITERABLE + `
      export async function main(log: any) {
        try {
          for (const x of logged(log, [1, 2, 3])) {
            await WAIT(x);
            if (x === 2) throw new Error('in body ' + x);
          }
        } catch (e: any) { log('caught', e.message); }
        try {
          for (const x of logged(log, [1, 2, 3], 'rej')) { log(await WAIT(x)); await boom('rejected ' + x); }
        } catch (e: any) { log('caught', e.message); }
      }`, {});

  bothWays('errors of return() on break propagate; on throw the original error wins', `
      function bad(log: any, kind: string) {
        let i = 0;
        return { [Symbol.iterator]() { return {
          next() { return { value: i++, done: i > 5 }; },
          return() { log('return'); if (kind === 'throws') throw new Error('from return'); return kind === 'primitive' ? 42 : {}; },
        }; } };
      }
      export async function main(log: any) {
        for (const kind of ['throws', 'primitive', 'ok']) {
          try { for (const x of bad(log, kind) as any) { await WAIT(x); break; } log('after', kind); }
          catch (e: any) { log('caught', kind, e.name, e.message); }
          try { for (const x of bad(log, kind) as any) { await WAIT(x); throw new Error('body'); } }
          catch (e: any) { log('caught', kind, e.message); }
        }
      }`, {});

  bothWays('an error from next() does not call return()', `
      export async function main(log: any) {
        const it = { [Symbol.iterator]() { let i = 0; return {
          next() { if (i === 2) throw new Error('next failed'); return { value: i++, done: false }; },
          return() { log('return called'); return {}; },
        }; } };
        try { for (const x of it) log('x', await WAIT(x)); } catch (e: any) { log('caught', e.message); }
        try { for (const x of 5 as any) await WAIT(x); } catch (e: any) { log('not iterable', e.name); }
      }`, { log: [['x', 0], ['x', 1], ['caught', 'next failed'], ['not iterable', 'TypeError']] });

  bothWays('labelled break/continue out of nested for-of closes the inner iterators', ITERABLE + `
      export async function main(log: any) {
        outer: for (const a of logged(log, [1, 2, 3], 'outer')) {
          for (const b of logged(log, ['x', 'y', 'z'], 'inner')) {
            await WAIT(0);
            if (b === 'y' && a === 1) continue outer;
            if (b === 'y' && a === 2) break outer;
            log(a, b);
          }
        }
        log('end');
      }`, {});

  bothWays('return inside for-of inside try/finally: return() then finally', ITERABLE + `
      async function f(log: any) {
        try {
          for (const x of logged(log, [1, 2, 3])) { if (await WAIT(x === 2)) return 'returned ' + x; }
        } finally { log('finally'); }
        return 'end';
      }
      export async function main(log: any) { log(await f(log)); }`,
  { log: ['it.iterator', ['it.next', 0], ['it.next', 1], 'it.return', 'finally', 'returned 2'] });

  bothWays('break out of a switch inside for-of does not close the iterator', ITERABLE + `
      export async function main(log: any) {
        for (const x of logged(log, [1, 2])) {
          switch (x) { case 1: await WAIT(0); log('one'); break; default: log('other'); }
          log('after switch', x);
        }
      }`, {});

  test('destructuring and assignment targets in the head', () =>
    same(`
      export async function main(log: any) {
        for (const [k, v] of Object.entries({ a: 1, b: 2 })) log(k, await later(v));
        for (const { p, q = 'dq' } of [{ p: 1 }, { p: 2, q: 'q2' }] as any[]) log(p, await slow(q));
        let x: unknown; const o: any = {};
        for (x of [1, 2]) await later(x);
        for (o.last of ['m', 'n']) await quick(o.last);
        return [x, o.last];
      }`, { returns: [2, 'n'] }));

  bothWays('iterating a generator and a Map across awaits', `
      function* gen(log: any) { try { yield 1; yield 2; yield 3; } finally { log('gen finally'); } }
      export async function main(log: any) {
        for (const v of gen(log)) { log('g', await WAIT(v)); if (v === 2) break; }
        const m = new Map([['a', 1], ['b', 2]]);
        for (const [k, v] of m) { await WAIT(0); m.set(k + k, v); if (m.size > 5) break; log(k); }
        return [...m.keys()];
      }`, { log: [['g', 1], ['g', 2], 'gen finally', 'a', 'b', 'aa'] });

  test('a for-of whose iterable awaits (body does not), inside another loop', () =>
    same(`
      export async function main(log: any) {
        let b = 2;
        for (const k of [1, 2]) {
          for (const x of [await later(b)]) { b = b + x; }
        }
        let n = 0;
        while (n++ < 2) { for (const x in await later({ p: 1 })) b += x.length; }
        return b;
      }`, { returns: 10 }));

  test('a labelled for-of or for-in whose iterable awaits (body does not)', () =>
    same(`
      export async function main(log: any) {
        L: for (const x of [1, await later(2), 3]) { if (x === 2) continue L; log(x); }
        M: for (const k in await later({ a: 1, b: 2 })) { if (k === 'b') break M; log(k); }
        return 'end';
      }`, { log: [1, 3, 'a'], returns: 'end' }));

  test('per-iteration const captured by closures', () =>
    same(`
      export async function main(log: any) {
        const fns: (() => unknown)[] = [];
        for (const x of ['a', 'b', 'c']) { await later(0); fns.push(() => x); }
        return fns.map((f) => f());
      }`, { returns: ['a', 'b', 'c'] }));

  test('an iterator is not closed at a suspension of the loop body (minimal)', () =>
    same(`
      export async function main(log: any) {
        const it = { i: 0, [Symbol.iterator]() { return this; }, next() { return { value: this.i++, done: this.i > 2 }; }, return() { log('return'); return {}; } };
        for (const x of it) { await later(x); log('body', x); }
      }`, { log: [['body', 0], ['body', 1]] }));
});

// ------------------------------------------------------------------------------------------
describe('for-in', () => {
  test('await in the body', () =>
    same(`
      export async function main(log: any) {
        const o: any = { a: 1, b: 2, c: 3 };
        const seen: string[] = [];
        for (const k in o) { seen.push(k + (await later(o[k]))); }
        for (var key in await later({ x: 1, y: 2 })) await slow(key);
        log(key);
        let k2: string;
        for (k2 in o) { if (k2 === 'b') break; await 0; }
        return [seen, k2];
      }`, { returns: [['a1', 'b2', 'c3'], 'b'] }));

  test('a property deleted during the loop is not visited', () =>
    same(`
      export async function main(log: any) {
        const o: any = { a: 1, b: 2, c: 3 };
        for (const k in o) { log(k); await later(0); delete o.b; }
      }`, { log: ['a', 'c'] }));

  test('inherited properties, null and undefined', () =>
    same(`
      export async function main(log: any) {
        const proto = { inherited: 1 };
        const o = Object.create(proto); o.own = 2;
        for (const k in o) log(k, await slow(o[k]));
        for (const k in null as any) log('never', await later(k));
        for (const k in undefined as any) log('never', await later(k));
        for (const k in 'ab' as any) log('index', await k);
      }`));

  test('continue and labelled continue', () =>
    same(`
      export async function main(log: any) {
        outer: for (const a in { x: 1, y: 2 }) {
          for (const b in { p: 1, q: 2, r: 3 }) {
            if (b === 'q') { await later(0); continue; }
            if (b === 'r' && a === 'x') continue outer;
            log(a, b, await slow(a + b));
          }
        }
      }`));
});

// ------------------------------------------------------------------------------------------
describe('while and do-while', () => {
  test('while with await in test and body', () =>
    same(`
      export async function main(log: any) {
        let i = 0;
        while (await later(i < 3)) { log('i', i); i = i + await slow(1); }
        let j = 0;
        while (j < 10) { j++; if (await quick(j % 3 !== 0)) continue; log('j', j); if (j > 6) break; }
        return [i, j];
      }`, { returns: [3, 9] }));

  test('do-while with await in body and test, continue jumps to the test', () =>
    same(`
      export async function main(log: any) {
        let i = 0; let tests = 0;
        do {
          i++;
          if (i % 2) continue;
          log('even', await later(i));
        } while ((tests++, await slow(i < 6)));
        let k = 0;
        do { k += await later(10); } while (k < 5);
        do log('once', await 1); while (false);
        return [i, tests, k];
      }`, { returns: [6, 6, 10] }));

  test('do-while: a labelled continue targeting a do-while whose test awaits', () =>
    same(`
      export async function main(log: any) {
        let n = 0;
        outer: do {
          n++;
          if (n > 5) throw new Error('runaway loop');
          let m = 0;
          while (true) {
            m++;
            if (m === 2) continue outer;
            log(n, m, await later(n * m));
          }
        } while (await quick(n < 3));
        return n;
      }`, { returns: 3 }));

  test('do-while: a labelled continue to a do-while whose test does not await', () =>
    same(`
      export async function main(log: any) {
        let n = 0;
        outer: do {
          n++;
          if (n > 5) throw new Error('runaway loop');
          let m = 0;
          while (true) {
            m++;
            if (m === 2) continue outer;
            log(n, m, await later(n * m));
          }
        } while (n < 3);
        return n;
      }`, { returns: 3 }));

  test('do-while: an unlabelled continue inside an inner block, the test awaiting', () =>
    same(`
      export async function main(log: any) {
        let n = 0;
        do {
          n++;
          { if (n % 2 === 0) { await later(0); continue; } }
          log('odd', n);
          if (n > 9) throw new Error('runaway loop');
        } while (await slow(n < 5));
        return n;
      }`, { log: [['odd', 1], ['odd', 3], ['odd', 5]], returns: 5 }));
});

// ------------------------------------------------------------------------------------------
describe('labels', () => {
  test('break and continue with labels across nested loops', () =>
    same(`
      export async function main(log: any) {
        const out: string[] = [];
        a: for (let i = 0; i < 3; i++) {
          b: for (let j = 0; j < 3; j++) {
            let k = 0;
            c: while (true) {
              k++;
              await later(0);
              if (k === 2) continue b;
              if (j === 1 && i === 0) continue a;
              if (i === 2 && j === 1) break a;
              if (k > 5) break c;
              out.push('' + i + j + k + (await slow('!')));
            }
          }
        }
        return out;
      }`));

  test('labelled block left by break after awaits', () =>
    same(`
      export async function main(log: any) {
        block: {
          log('in', await later(1));
          if (await slow(true)) break block;
          log('never');
        }
        nested: { inner: { await 0; break nested; } log('skipped'); }
        log('after');
      }`, { log: [['in', 1], 'after'] }));
});

// ------------------------------------------------------------------------------------------
describe('return', () => {
  test('await in the argument', () =>
    same(`
      async function f(x: number) { return await later(x) + await slow(1); }
      async function g() { return await quick(await 5); }
      export async function main(log: any) { log(await f(1), await g()); return await f(await later(10)); }`,
    { log: [[2, 5]], returns: 11 }));

  test('returning a promise adopts it', () =>
    same(`
      async function native() { return later('native'); }
      async function compiled() { return slow('compiled'); }
      async function plain() { return quick('quick'); }
      async function nested() { return native(); }
      async function rejected() { return failLater('nope'); }
      async function thenable() { return { then(r: any) { r('thenable'); } }; }
      async function fromPlain() { await 0; return later('late'); }
      export async function main(log: any) {
        log(await native(), await compiled(), await plain(), await nested(), await thenable(), await fromPlain());
        try { await rejected(); } catch (e: any) { log('caught', e.message); }
        const p = native();
        log(p instanceof Promise, await p);
        return compiled();
      }`, { returns: 'compiled' }));

  test('return of a promise inside try does not catch its rejection', () =>
    same(`
      async function f(log: any) {
        try { return failLater('escapes'); } catch (e) { log('wrongly caught'); }
        return 'no';
      }
      async function g(log: any) {
        try { return await failLater('caught here'); } catch (e: any) { log('caught', e.message); }
        return 'yes';
      }
      export async function main(log: any) {
        try { await f(log); } catch (e: any) { log('outer', e.message); }
        log(await g(log));
      }`, { log: [['outer', 'escapes'], ['caught', 'caught here'], 'yes'] }));

  test('returning nothing', () =>
    same(`
      async function a() { await later(0); }
      async function b() { await later(0); return; }
      async function c() { if (await 1) return; }
      export async function main(log: any) { log(await a(), await b(), await c()); }`,
    { log: [[undefined, undefined, undefined]] }));

  test('returning a rejected compiled task', () =>
    same(`
      async function thrower() { throw new Error('sync throw'); }
      async function passes() { return thrower(); }
      async function passesLater() { await later(0); return boom('late'); }
      export async function main(log: any) {
        try { await passes(); } catch (e: any) { log(e.message); }
        try { await passesLater(); } catch (e: any) { log(e.message); }
      }`, { log: ['sync throw', 'late'] }));
});

// ------------------------------------------------------------------------------------------
describe('throw', () => {
  test('await in the argument', () =>
    same(`
      async function f(kind: number) {
        if (kind === 0) throw await later(new Error('awaited error'));
        if (kind === 1) throw new TypeError(await slow('message'));
        if (kind === 2) throw await 'a string';
        throw await quick(undefined);
      }
      export async function main(log: any) {
        for (let k = 0; k < 4; k++) {
          try { await f(k); } catch (e: any) { log(k, e instanceof Error ? [e.name, e.message] : e); }
        }
      }`));

  test('a synchronous throw before the first await rejects the task, it does not throw at the call', () =>
    same(`
      async function f(x: number) { if (x) throw new Error('early'); await later(0); return 1; }
      export async function main(log: any) {
        let p: Promise<number>;
        try { p = f(1); log('call returned', p instanceof Promise); } catch (e) { log('threw at call'); return; }
        try { await p; } catch (e: any) { log('rejected', e.message); }
      }`, { log: [['call returned', true], ['rejected', 'early']] }));

  test('awaiting an already failed Task does not leave an unhandled rejection (minimal)', () =>
    same(`
      export async function main(log: any) {
        const t = quickFail('failed');
        try { await t; } catch (e: any) { log('caught', e.message); }
        await later(0, 5);
        return 'end';
      }`, { log: [['caught', 'failed']], returns: 'end' }));

  test('a synchronous throw before the first await, observed through then', () =>
    same(`
      async function f(x: number) { if (x) throw new Error('early'); await later(0); return 1; }
      export async function main(log: any) {
        const p = f(1);
        log('call returned', p instanceof Promise);
        log(await p.then(() => 'fulfilled', (e: any) => 'rejected ' + e.message));
      }`, { log: [['call returned', true], 'rejected early'] }));

  test('an uncaught error rejects main', () =>
    same(`
      export async function main(log: any) { log('before'); await later(0); throw new RangeError('out'); }`,
    { throws: true, log: ['before'] }));
});

// ------------------------------------------------------------------------------------------
describe('switch', () => {
  test('await in the discriminant and in case bodies, fall-through, default in the middle', () =>
    same(`
      async function s(x: number, log: any) {
        const out: string[] = [];
        switch (await later(x)) {
          case 1:
            out.push('one', await slow('1'));
          case 2:
            out.push('two');
            await 0;
            break;
          default:
            out.push('default', await later('d'));
          case 3:
            out.push('three', await quick('3'));
            break;
          case 4:
            out.push('four');
        }
        return out;
      }
      export async function main(log: any) {
        for (const x of [1, 2, 3, 4, 5]) log(x, await s(x, log));
      }`));

  test('case tests are evaluated in order, strictly, until one matches', () =>
    same(`
      export async function main(log: any) {
        const t = (v: unknown) => { log('test', v); return v; };
        for (const x of [2, '2', 9]) {
          switch (await slow(x)) {
            case t(1): log('1'); break;
            case t(2): log('2', await later(2)); break;
            default: log('default'); await later(0);
            case t('2'): log('string 2');
          }
        }
      }`));

  test('continue, return and labelled break inside switch inside loops', () =>
    same(`
      async function f(log: any) {
        outer: for (let i = 0; i < 5; i++) {
          switch (i) {
            case 0: await later(0); continue;
            case 1: log('one', await slow(i)); break;
            case 2: if (await quick(true)) break outer;
          }
          log('after', i);
        }
        for (const v of ['a', 'b']) switch (await later(v)) { case 'b': return 'returned ' + v; }
        return 'end';
      }
      export async function main(log: any) { log(await f(log)); }`));

  bothWays('function declarations directly inside a switch that awaits: hoisted, the same function after an await, fall-through', `
    export async function main(log: any) {
      const seen: unknown[] = [];
      for (const x of [1, 2, 3, 4]) {
        switch (x) {
          case 1:
            seen.push(g);
            log('case 1', g(), await WAIT(1), g === seen[seen.length - 1]);
          case 2: {
            log('case 2', await WAIT(2), g());
            break;
          }
          case 3:
            function g() { return 'g' + x; }
            log('case 3', await WAIT(3), g(), await h());
            async function h() { return 'h' + (await WAIT(x)); }
            break;
          default:
            log('default', typeof g, await WAIT(0), h.name, h.length, g());
        }
      }
      switch (await WAIT(5)) {
        case 5:
          let y = await WAIT('y');
          const f0 = k;
          log(y, k(), await WAIT(1), f0 === k);
          function k() { return 'k'; }
      }
      return seen.length;
    }`, { returns: 1 });

  test('a switch without a matching case and without default', () =>
    same(`
      export async function main(log: any) {
        switch (await later(7)) { case 1: log('one'); }
        switch (await 1) {}
        log('end');
      }`, { log: ['end'] }));
});

// ------------------------------------------------------------------------------------------
describe('try / catch / finally', () => {
  test('a rejection is caught; await in catch', () =>
    same(`
      export async function main(log: any) {
        try { await failLater('r1'); log('never'); } catch (e: any) { log('caught', e.message, await later('in catch')); }
        try { await boom('b1'); } catch (e: any) { log('caught', e.message); log(await slow('again')); }
        try { await Promise.reject(42); } catch (e) { log('caught value', e); }
        try { await later(1); throw undefined; } catch (e) { log('caught undefined', e === undefined); }
        try { await later(1); } catch { log('never'); }
        try { await failLater('nobind'); } catch { log('caught without binding', await 1); }
        try { await failLater('pattern'); } catch ({ message }: any) { log('destructured', message); }
      }`));

  test('an error rethrown from catch after an await', () =>
    same(`
      async function f() {
        try { await failLater('first'); }
        catch (e: any) { await later(0); throw new Error(e.message + ' then second'); }
      }
      export async function main(log: any) {
        try { await f(); } catch (e: any) { log(e.message); }
      }`, { log: ['first then second'] }));

  bothWays('finally runs on normal completion, return, break, continue and throw', `
      async function ret(log: any) {
        try { await WAIT(0); return 'ret'; } finally { log('finally after return'); }
      }
      async function thr(log: any) {
        try { await WAIT(0); throw new Error('thr'); } finally { log('finally after throw'); }
      }
      export async function main(log: any) {
        log(await ret(log));
        try { await thr(log); } catch (e: any) { log('caught', e.message); }
        for (let i = 0; i < 3; i++) {
          try { await WAIT(i); if (i === 0) continue; if (i === 1) break; } finally { log('finally', i); }
        }
        try { log('normal', await WAIT(1)); } finally { log('finally normal'); }
        try { try { await WAITFAIL('inner'); } finally { log('inner finally'); } } catch (e: any) { log('outer caught', e.message); }
      }`, {
    log: [
      'finally after return', 'ret', 'finally after throw', ['caught', 'thr'], ['finally', 0], ['finally', 1],
      ['normal', 1], 'finally normal', 'inner finally', ['outer caught', 'inner'],
    ],
  });

  test('finally does not run when the try block suspends (minimal)', () =>
    same(`
      export async function main(log: any) {
        try { await later(0); log('resumed'); } finally { log('finally'); }
      }`, { log: ['resumed', 'finally'] }));

  bothWays('the return value is evaluated before finally; finally can override it', `
      async function a(log: any) { let x = 1; try { x = await WAIT(2); return x; } finally { x = 99; log('finally', x); } }
      async function b() { try { await WAIT(0); return 'try'; } finally { return 'finally'; } }
      async function c() { try { await WAITFAIL('lost'); } finally { return 'swallowed'; } }
      async function d() { try { await WAIT(0); return 'x'; } finally { throw new Error('from finally'); } }
      export async function main(log: any) {
        log(await a(log), await b(), await c());
        try { await d(); } catch (e: any) { log(e.message); }
      }`, { log: [['finally', 99], [2, 'finally', 'swallowed'], 'from finally'] });

  test('errors thrown after resumption are caught by an outer try in a caller', () =>
    same(`
      async function level3(x: number) { await later(0); if (x > 0) throw new Error('deep ' + x); return x; }
      async function level2(x: number) { const v = await level3(x); return v + 1; }
      async function level1(x: number) { try { return await level2(x); } finally { } }
      export async function main(log: any) {
        try { log(await level1(0)); log(await level1(5)); } catch (e: any) { log('caught', e.message); }
        try { await (async () => { await slow(0); null!.x; })(); } catch (e: any) { log('caught', e.name); }
      }`, { log: [1, ['caught', 'deep 5'], ['caught', 'TypeError']] }));

  test('an error from a callee that suspended reaches the caller catch, the caller continues', () =>
    same(`
      async function callee(n: number) { const v = await later(n); if (v % 2) throw new Error('odd ' + v); return v; }
      async function caller(log: any) {
        const results: unknown[] = [];
        for (let i = 0; i < 4; i++) {
          try { results.push(await callee(i)); } catch (e: any) { results.push(e.message); await later(0); }
        }
        return results;
      }
      export async function main(log: any) { return caller(log); }`,
    { returns: [0, 'odd 1', 2, 'odd 3'] }));

  bothWays('nested try blocks in one function, catch of a synchronous error after a suspension', `
      export async function main(log: any) {
        try {
          try {
            await WAIT(0);
            JSON.parse('{bad');
          } catch (e: any) {
            log('inner', e.name);
            await WAIT(0);
            throw new Error('from inner catch');
          } finally { log('inner finally'); }
        } catch (e: any) {
          log('outer', e.message);
        } finally { log('outer finally'); }
        try { await WAIT(0); } catch { log('never'); } finally { log('last finally'); }
      }`, { log: [['inner', 'SyntaxError'], 'inner finally', ['outer', 'from inner catch'], 'outer finally', 'last finally'] });

  test('the catch variable and variables assigned in try survive awaits', () =>
    same(`
      export async function main(log: any) {
        let stage = 'start';
        try {
          stage = 'before';
          await later(0);
          stage = 'after';
          await failLater('x');
          stage = 'unreachable';
        } catch (err: any) {
          await later(0);
          log(stage, err.message);
          const again = await slow(err);
          log(again === err);
        }
        return stage;
      }`, { returns: 'after' }));

  test('a try in a loop that catches on some iterations', () =>
    same(`
      export async function main(log: any) {
        const out: unknown[] = [];
        for (let i = 0; i < 6; i++) {
          try {
            const v = i % 3 === 0 ? await failLater('f' + i) : i % 3 === 1 ? await boom('b' + i) : await later(i);
            out.push(v);
          } catch (e: any) { out.push(e.message); if (i === 4) continue; await later(0); }
          out.push('end' + i);
        }
        return out;
      }`));
});

// ------------------------------------------------------------------------------------------
describe('await operands: order of evaluation', () => {
  test('initialisers and plain assignment', () =>
    same(`
      export async function main(log: any) {
        let x = 1;
        x = await later(x + 1);
        x = (await slow(x)) * 10;
        let y = x;
        y = await quick(y) + 1;
        return [x, y];
      }`, { returns: [20, 21] }));

  test('obj.p = await f(): the object is evaluated before the await', () =>
    same(`
      const o1: any = { name: 'o1' }, o2: any = { name: 'o2' };
      let o = o1;
      async function swap() { await later(0); o = o2; return 2; }
      export async function main(log: any) {
        const note = <T,>(message: string, v: T) => { log(message); return v; };
        const get = () => { log('get object'); return o; };
        get().p = await note('operand', later(1));
        o.q = await swap();
        log(o1, o2);
      }`, { log: ['get object', 'operand', [{ name: 'o1', p: 1, q: 2 }, { name: 'o2' }]] }));

  test('obj[k()] = await f(): object and key are evaluated before the await', () =>
    same(`
      export async function main(log: any) {
        const o: any = {};
        const obj = () => { log('object'); return o; };
        const k = (n: string) => { log('key', n); return n; };
        const v = async (n: number) => { log('value', n); await later(0); return n; };
        obj()[k('a')] = await v(1);
        o[k('b')] = await later(2);
        let i = 0;
        const arr = [0, 0, 0];
        arr[i++] = await slow(10 + (i = 2));
        log(o, arr, i);
      }`));

  test('a key that is an object is converted to a property key after the await', () =>
    same(`
      export async function main(log: any) {
        const o: any = {};
        const key = { toString() { log('toString'); return 'k'; } };
        const note = <T,>(message: string, v: T) => { log(message); return v; };
        o[key as any] = await note('operand', later(1));
        return o;
      }`, { log: ['operand', 'toString'], returns: { k: 1 } }));

  test('assignment to a setter after an await', () =>
    same(`
      export async function main(log: any) {
        const o = { set p(v: number) { log('set', v); } };
        o.p = await later(5);
        log('done');
      }`, { log: [['set', 5], 'done'] }));

  test('compound assignment reads the target before the await', () =>
    same(`
      let shared = 1, idx = 0;
      async function bumpShared() { await later(0); shared = 100; return 10; }
      export async function main(log: any) {
        shared += await bumpShared();
        log('shared', shared);
        let x = 1;
        x += await slow(x = 5);
        log('x', x);
        const o: any = { p: 1 };
        o.p += await (async () => { await later(0); o.p = 100; return 10; })();
        log('o.p', o.p);
        const arr = [1, 2];
        arr[idx] *= await (async () => { await later(0); idx = 1; arr[0] = 50; return 3; })();
        log('arr', arr, idx);
        let s = 'a';
        s += await slow('b') + await later('c');
        log(s);
        let n = 2;
        n **= await quick(3);
        n -= await 1; n <<= await 1; n |= await 1;
        log(n);
      }`, { log: [['shared', 11], ['x', 6], ['o.p', 11], ['arr', [3, 2], 1], 'abc', 15] }));

  test('compound assignment whose right-hand side has lower precedence than the operator', () =>
    same(`
      export async function main(log: any) {
        let b = 2;
        b += (await later(true)) ? 10 : 20;
        let d = 2;
        d += (await later(0)) || 5;
        let e = 2;
        e *= await later(3) + 1;
        let f = 10;
        f -= await slow(3) - 1;
        const o = { p: 2 };
        o.p *= (await later(3)) + 1;
        return [b, d, e, f, o.p];
      }`, { returns: [12, 7, 8, 8, 8] }));

  test('compound assignment to a getter/setter pair evaluates get, then await, then set', () =>
    same(`
      export async function main(log: any) {
        const box = { value: 1 };
        const o = { get p() { log('get'); return box.value; }, set p(v) { log('set', v); box.value = v; } };
        const k = () => { log('key'); return 'p'; };
        const note = <T,>(message: string, v: T) => { log(message); return v; };
        (o as any)[k()] += await note('operand', later(2));
        return box.value;
      }`, { log: ['key', 'get', 'operand', ['set', 3]], returns: 3 }));

  test('logical assignment short-circuits the await', () =>
    same(`
      export async function main(log: any) {
        let a: any = 1, b: any = 0, c: any = null, d: any = 'set';
        const v = async (n: unknown) => { log('evaluated', n); await later(0); return n; };
        a ||= await v('a'); b ||= await v('b');
        a &&= await v('a2'); b &&= await v('b2');
        c ??= await v('c'); d ??= await v('d');
        const o: any = { p: null };
        o.p ??= await slow('op');
        return [a, b, c, d, o.p];
      }`, { returns: ['a2', 'b2', 'c', 'set', 'op'] }));

  test('update expressions with an awaited key', () =>
    same(`
      export async function main(log: any) {
        const arr = [1, 2, 3];
        arr[await later(1)]++;
        --arr[await slow(2)];
        const o: any = { n: 5 };
        log(o[await 'n']++, ++o[await later('n')]);
        return arr;
      }`, { log: [[5, 7]], returns: [1, 3, 2] }));

  test('call arguments are evaluated left to right: f(a(), await b(), c())', () =>
    same(`
      export async function main(log: any) {
        const a = () => { log('a'); return 'A'; };
        const b = async () => { log('b'); await later(0); log('b resumed'); return 'B'; };
        const c = () => { log('c'); return 'C'; };
        const f = (...args: string[]) => { log('f', args); return args.join(''); };
        const callee = () => { log('callee'); return f; };
        log(f(a(), await b(), c()));
        log(callee()(a(), await slow('S'), c()));
        log(f(...(await later(['x', 'y'])), await quick('z')));
        log(Math.max(await later(3), await 9, 4));
      }`));

  test('a method call keeps its receiver across an awaited argument', () =>
    same(`
      const o1 = { name: 'o1', m(x: number) { return this.name + x; } };
      const o2 = { name: 'o2', m(x: number) { return 'other ' + this.name + x; } };
      let o = o1;
      async function swap() { await later(0); o = o2; return 2; }
      export async function main(log: any) {
        log(o.m(await later(1)));
        log(o.m(await swap()));
        log(o1['m'](await 3));
        const s = 'abc';
        log(s.slice(await later(1)), [1, 2, 3].indexOf(await slow(2)));
      }`, { log: ['o11', 'o12', 'o13', ['bc', 1]] }));

  test('the callee is evaluated before an awaited argument', () =>
    same(`
      let f = (x: number) => 'first ' + x;
      async function replaceF() { await later(0); f = (x: number) => 'second ' + x; return 1; }
      export async function main(log: any) {
        log(f(await replaceF()));
        log(f(2));
        let g = (x: number) => 'local ' + x;
        log(g(await slow([g = (x: number) => 'replaced ' + x, 3][1])));
        log(g(4));
        try { (undefined as any)(await later(1)); } catch (e: any) { log(e.name); }
      }`, { log: ['first 1', 'second 2', 'local 3', 'replaced 4', 'TypeError'] }));

  test('new with awaited arguments', () =>
    same(`
      class P { constructor(public a: number, public b: number) {} }
      export async function main(log: any) {
        const p = new P(await later(1), await slow(2));
        const C = () => { log('ctor'); return P; };
        const note = <T,>(message: string, v: T) => { log(message); return v; };
        const q = new (C())(await note('arg', later(3)), 4);
        const d = new Date(await later(0));
        return [p.a + p.b, q.a, q instanceof P, d.getTime()];
      }`, { returns: [3, 3, true, 0] }));

  test('binary operators: the left operand is evaluated before the right await', () =>
    same(`
      let x = 1;
      async function changeX() { await later(0); x = 10; return 1; }
      export async function main(log: any) {
        const a = () => { log('a'); return 1; };
        const b = async () => { log('b'); await later(0); return 2; };
        log(a() + await b());
        log(x + await changeX(), x);
        let y = 1;
        log(y + await slow(y = 5), y);
        log(await later(2) * await slow(3), await later(7) - a(), (await 8) / 2, 2 ** await later(3));
        log(await later(1) < 2, 'p' in await later({ p: 1 }), (await later([])) instanceof Array);
        log(await 1 === await later(1), 1 + 2 * await later(3), (1 + 2) * await later(3));
        log(a() + (await b()) * a() + await quick(100));
      }`));

  test('unary operators on awaited operands', () =>
    same(`
      export async function main(log: any) {
        log(-await later(1), !await slow(0), typeof await later('s'), void await later(1), ~await 1, +await later('4'));
        const o = { p: 1 };
        log(delete (await later(o) as any).p, o);
      }`));

  test('template literals, array and object literals', () =>
    same(`
      export async function main(log: any) {
        const t = (s: string) => { log(s); return s; };
        log(\`\${t('one')}-\${await later('two')}-\${t('three')}\`);
        log([t('a'), await slow('b'), t('c'), ...(await later([1, 2])), await 3]);
        log({ a: t('a'), b: await later('b'), [t('k')]: t('v'), [await slow('ck')]: await 'cv', ...(await later({ s: 1 })) });
      }`));

  test('conditions and the conditional operator', () =>
    same(`
      export async function main(log: any) {
        const v = async (n: string) => { log('evaluated', n); await later(0); return n; };
        for (const c of [true, false]) log(c ? await v('yes') : await v('no'));
        log((await later(0)) ? 'truthy' : 'falsy', (await slow(1)) ? await later('t') : 'f');
        log(await later(true) ? await later(false) ? 'a' : 'b' : 'c');
      }`));

  test('&&, || and ?? with an await on the right short-circuit', () =>
    same(`
      export async function main(log: any) {
        const v = async (n: unknown) => { log('evaluated', n); await later(0); return n; };
        log(0 && await v('and1'), 1 && await v('and2'));
        log(1 || await v('or1'), 0 || await v('or2'));
        log('x' ?? await v('nc1'), null ?? await v('nc2'), undefined ?? await slow('nc3'));
        log((await v(0)) || (await v(null)) || (await v('last')));
        log((await v(1)) && (await v('')) && (await v('never')));
        const o: any = null;
        log(o && await v(o.p));
      }`));

  test('await of await, awaiting the result of member access and calls', () =>
    same(`
      export async function main(log: any) {
        const o = { name: 'o', async m() { await later(0); return this.name; }, get g() { return later('getter'); } };
        log(await await later(later(1)), await (await later(o)).m(), await o.g);
        const f = await later(() => 'called');
        log((await later(f))(), await (await slow(o)).m());
      }`));
});

// ------------------------------------------------------------------------------------------
describe('this and arguments', () => {
  test('this in a compiled function and in arrows inside it', () =>
    same(`
      async function f(this: any, tag: string) {
        const before = this.name;
        await later(0);
        const label = tag;
        const arrow = () => this.name + '/' + label;
        await slow(0);
        return [before, this.name, arrow(), await (async () => { await later(0); return this.name; })()];
      }
      export async function main(log: any) {
        const o = { name: 'o', f };
        log(await o.f('via method'));
        log(await f.call({ name: 'called' }, 'via call'));
        log(await f.apply({ name: 'applied' }, ['via apply']));
        log(await f.bind({ name: 'bound' })('via bind'));
      }`));

  test('arguments across awaits', () =>
    same(`
      async function f(a: number, b?: number) {
        const n = arguments.length;
        await later(0);
        const first = arguments[0];
        await slow(0);
        const arrow = () => arguments[arguments.length - 1];
        return [n, first, arguments.length, Array.from(arguments), arrow(), a, b];
      }
      export async function main(log: any) {
        log(await (f as any)(1, 2, 3));
        log(await f(7));
      }`));

  test('class methods, static methods, fields with async arrows', () =>
    same(`
      class Counter {
        count = 0;
        static created = 0;
        #secret = 's';
        constructor(public name: string) { Counter.created++; }
        async add(n: number) { const before = this.count; this.count += await later(n); return [before, this.count, this.name]; }
        async addTwice(n: number) { await this.add(n); await this.add(await slow(n)); return this.count + this.#secret; }
        static async make(name: string) { await later(0); return new this(name + this.created); }
        static async total(...cs: Counter[]) { let t = 0; for (const c of cs) t += await quick(c.count); return [t, this.name]; }
      }
      export async function main(log: any) {
        const a = await Counter.make('a');
        log(await a.add(2), await a.addTwice(3));
        const b = new Counter('b');
        log(await Counter.total(a, b));
        const add = a.add;
        try { await add(1); } catch (e: any) { log('detached', e.name); }
      }`));

  test('an async arrow class field using this after an await', () =>
    same(`
      class C {
        name = 'c';
        handler = async (x: number) => { await later(0); return this.name + x; };
      }
      export async function main(log: any) {
        const c = new C();
        const detached = c.handler;
        return [await c.handler(1), await detached(2)];
      }`, { returns: ['c1', 'c2'] }));

  test('an async arrow inside a plain function using this and arguments after an await', () =>
    same(`
      function outer(this: any, ...args: unknown[]) { return async () => { await later(0); return [this.name, arguments.length]; }; }
      export async function main(log: any) {
        return await outer.call({ name: 'o' }, 1, 2)();
      }`, { returns: ['o', 2] }));

  test('async arrows inside a compiled function use its this and arguments', () =>
    same(`
      const o = {
        name: 'o',
        async m(a: number, b: number) {
          const inner = async () => { await later(0); return [this.name, arguments.length, arguments[1]]; };
          await slow(0);
          return [await inner(), await (async () => this.name)()];
        },
      };
      export async function main(log: any) { return o.m(1, 2); }`, { returns: [['o', 2, 2], 'o'] }));

  test('object-literal methods across awaits', () =>
    same(`
      export async function main(log: any) {
        const o = {
          v: 1,
          async get() { await later(0); return this.v; },
          async incr(by: number) { this.v += await slow(by); const self = () => this; return self().v; },
          arrow: async () => { await later(0); return typeof this; },
        };
        log(await o.get(), await o.incr(2), await o.get(), await o.arrow());
        const other = { v: 'other', get: o.get };
        log(await other.get());
      }`));

  test('the name and length of compiled functions', () =>
    same(`
      async function decl(a: number, b: number) {}
      const arrow = async (x: number) => { await x; };
      const expr = async function named(a: number, b = 1, ...c: number[]) { await a; };
      const anon = async function () {};
      class C { async m(a: number) { await a; } static async s() {} }
      const o = { async om(a: unknown, b: unknown, c: unknown) { await a; } };
      export async function main(log: any) {
        log(decl.name, decl.length, arrow.name, arrow.length, expr.name, expr.length, anon.name);
        log(C.prototype.m.name, C.prototype.m.length, C.s.name, o.om.name, o.om.length);
        log(typeof decl, Object.getPrototypeOf(decl) === Object.getPrototypeOf(async function () {}));
      }`));

  test('parameters: defaults, destructuring, rest, reassignment across awaits', () =>
    same(`
      async function f(a: number, { b, c = 3 }: any = {}, [d]: number[] = [4], ...rest: number[]) {
        await later(0);
        a = a + (await slow(1));
        return [a, b, c, d, rest];
      }
      export async function main(log: any) {
        log(await f(1));
        log(await f(1, { b: 2 }, [5], 6, 7));
        log((f as any).length);
      }`));
});

// ------------------------------------------------------------------------------------------
describe('async arrows and function expressions', () => {
  test('async arrows passed to Promise.all', () =>
    same(`
      export async function main(log: any) {
        log(await Promise.all([1, 2, 3].map(async (x) => { const y = await later(x * 2); return y + await slow(1); })));
        log(await Promise.all([3, 1, 2].map(async (x) => x * (await quick(10)))));
        log(await Promise.all([10, 1].map(async function (x) { await later(0, x); return x; })));
      }`, { log: [[3, 5, 7], [30, 10, 20], [10, 1]] }));

  test('expression-bodied arrows, IIFEs, named recursive function expressions', () =>
    same(`
      export async function main(log: any) {
        const inc = async (x: number) => await later(x) + 1;
        const plain = async (x: number) => x * 2;
        log(await inc(1), await plain(4));
        log(await (async () => { await slow(0); return 'iife'; })());
        const fact = async function f(n: number): Promise<number> { return n <= 1 ? 1 : n * await f(n - 1); };
        log(await fact(10));
        const sum = await [1, 2, 3, 4].reduce(async (acc: Promise<number>, x) => (await acc) + await later(x), Promise.resolve(0));
        log(sum);
      }`, { log: [[2, 8], 'iife', 3628800, 10] }));

  test('compiled callbacks given to native then and sequential awaits in callbacks', () =>
    same(`
      export async function main(log: any) {
        const r = await later(5).then(async (v) => { await later(0); return v * 2; });
        log(r);
        const results: number[] = [];
        for (const f of [async () => { await later(0, 5); return 1; }, async () => 2]) results.push(await f());
        log(results);
        const p = Promise.resolve(1).then(async (v) => { throw new Error('in callback ' + v); });
        try { await p; } catch (e: any) { log(e.message); }
      }`, { log: [10, [1, 2], 'in callback 1'] }));

  test('closures over variables reassigned across awaits (shared boxes): assignment forms that work', () =>
    same(`
      export async function main(log: any) {
        let counter = 0;
        const inc = () => ++counter;
        inc(); await later(0); inc();
        log('counter', counter, inc());
        let y = 1;
        const getY = () => y;
        [y] = [await later(3)];
        log('destructured', getY(), y);
        const setY = (v: number) => { y = v; };
        setY(10); await later(0); log('set in closure', y, getY()); setY(await later(11)); log('set again', y, getY());
        for (y of [20, 21]) { await later(0); }
        log('for-of target', getY());
        y = 5; await slow(0); log('plain assignment before an await', getY());
        await later(0); y = 6; log('plain assignment after an await', getY());
        const fns: (() => unknown)[] = [];
        for (const k in { a: 1, b: 2 }) { let local = k; fns.push(() => local); await later(0); local += '!'; }
        let m = 0;
        while (m < 3) { let w = m; fns.push(() => w); await later(0); w *= 10; m++; }
        log('per-iteration bindings', fns.map((f) => f()));
        return [counter, y];
      }`, { returns: [3, 6] }));

  test('closures over variables reassigned across awaits: x = await ..., x += await ..., parameters', () =>
    same(`
      async function param(p: number) { const g = () => p; p = await later(p + 1); return g(); }
      export async function main(log: any) {
        let x = 1;
        const getX = () => x;
        x = await later(2);
        log('x = await', getX(), x);
        x += await slow(3);
        log('x += await', getX(), x);
        log('parameter', await param(1));
      }`, { log: [['x = await', 2, 2], ['x += await', 5, 5], ['parameter', 2]] }));

  test('a closure over a parameter that is never reassigned', () =>
    same(`
      async function f(x: number) { const g = () => x * 2; await later(0); return g(); }
      export async function main(log: any) { return f(21); }`, { returns: 42 }));

  test('a closure created before an await over a const declared after it (minimal)', () =>
    same(`
      export async function main(log: any) {
        const get = () => b;
        const b = await later('b');
        return get();
      }`, { returns: 'b' }));

  test('a function declaration hoisted above an await, reading a const declared after it', () =>
    same(`
      export async function main(log: any) {
        function decl() { return b; }
        const before = decl;
        const b = await later('b');
        log(decl(), decl === before);
        return before();
      }`, { log: [['b', true]], returns: 'b' }));

  test('closures over variables that are never reassigned, created before and after awaits', () =>
    same(`
      export async function main(log: any) {
        const a = await later('a');
        const get = () => a + b;
        const b = await slow('b');
        function decl() { return a + b + c; }
        const c = await 'c';
        const obj = { m: () => [a, b, c] };
        await later(0);
        return [get(), decl(), obj.m()];
      }`, { returns: ['ab', 'abc', ['a', 'b', 'c']] }));

  test('two activations of the same function suspended at once keep their own state', () =>
    same(`
      async function work(id: number, delay: number) {
        let acc = id;
        for (let i = 0; i < 3; i++) { acc = acc * 10 + (await later(i, delay)); }
        return acc;
      }
      export async function main(log: any) {
        const [a, b, c] = await Promise.all([work(1, 3), work(2, 1), work(3, 2)]);
        return [a, b, c];
      }`, { returns: [1012, 2012, 3012] }));
});

// ------------------------------------------------------------------------------------------
describe('recursion and deep chains', () => {
  test('recursion ~1000 deep where some levels suspend', () =>
    same(`
      async function sum(n: number): Promise<number> {
        if (n === 0) return 0;
        const here = n % 97 === 0 ? await later(n) : n % 13 === 0 ? await slow(n) : await n;
        return here + (await sum(n - 1));
      }
      export async function main(log: any) { return sum(1000); }`, { returns: 500500 }));

  test('mutual recursion with suspensions on the way back', () =>
    same(`
      async function isEven(n: number): Promise<boolean> { if (n === 0) return true; const r = await isOdd(n - 1); if (n % 50 === 0) await later(0); return r; }
      async function isOdd(n: number): Promise<boolean> { if (n === 0) return false; return isEven(n - 1); }
      export async function main(log: any) { log(await isEven(500), await isOdd(301)); }`,
    { log: [[true, true]] }));

  test('a 10,000-deep chain of compiled calls does not overflow when it resumes', () =>
    // The descent suspends every 500 levels (a synchronous descent of 10,000 frames overflows
    // natively too); the leaf suspends once; resuming must unwind 10,000 frames iteratively.
    same(`
      async function chain(n: number): Promise<number> {
        if (n === 0) { await later(0); return 0; }
        if (n % 500 === 0) await later(0);
        return (await chain(n - 1)) + 1;
      }
      async function throwing(n: number): Promise<number> {
        if (n === 0) { await later(0); throw new Error('leaf'); }
        if (n % 500 === 0) await Promise.resolve();
        return (await throwing(n - 1)) + 1;
      }
      export async function main(log: any) {
        log(await chain(10000));
        try { await throwing(10000); } catch (e: any) { log('caught', e.message); }
      }`, { log: [10000, ['caught', 'leaf']] }));

  test('a 10,000-deep synchronous chain whose leaf suspends once (child process with a 4 MB stack)', async () => {
    // 10,000 nested calls overflow the default stack natively too, so this runs in a child
    // process started with --stack-size; resuming must unwind the chain without recursion.
    const script = join(dirname(fileURLToPath(import.meta.url)), 'support', 'deep-chain.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--stack-size=4000', '--import', 'tsx', script, '10000'], { encoding: 'utf8' });
    const { native, reuse, noReuse } = JSON.parse(stdout);
    assert.deepEqual(native, { log: [10000, ['caught', 'leaf']], outcome: { returned: 'done' } });
    assert.deepEqual(reuse, native);
    assert.deepEqual(noReuse, native);
  });

  test('a 4,000-deep synchronous descent whose leaf suspends once', () =>
    same(`
      async function chain(n: number): Promise<number> {
        if (n === 0) { await later(0); return 0; }
        return (await chain(n - 1)) + 1;
      }
      export async function main(log: any) { return chain(4000); }`, { returns: 4000 }));

  test('a 7,000-deep synchronous descent (native copes; compiled frames must not be much larger)', () =>
    same(`
      async function chain(n: number): Promise<number> {
        if (n === 0) { await later(0); return 0; }
        return (await chain(n - 1)) + 1;
      }
      export async function main(log: any) { return chain(7000); }`, { returns: 7000 }));
});

// ------------------------------------------------------------------------------------------
describe('thenables and promises', () => {
  test('foreign thenables: resolved synchronously, later, rejected, throwing, nested', () =>
    same(`
      export async function main(log: any) {
        log(await { then(r: any) { r('sync'); } });
        log(await { then(r: any) { setTimeout(() => r('timer'), 1); } });
        try { await { then(_: any, j: any) { j(new Error('rejected thenable')); } }; } catch (e: any) { log(e.message); }
        try { await { then() { throw new Error('then threw'); } }; } catch (e: any) { log(e.message); }
        log(await { then(r: any) { r({ then(r2: any) { r2('nested'); } }); } });
        log(await { then(r: any, j: any) { r('first'); r('second'); j(new Error('ignored')); throw new Error('ignored too'); } });
        log(await { then: 5 } as any);
        log(await { then(r: any) { r(later('promise in thenable')); } });
      }`));

  test('then is read once, when awaited', () =>
    same(`
      export async function main(log: any) {
        const counter = { reads: 0 };
        const t = { get then() { counter.reads++; log('read then'); return (r: any) => r('v'); } };
        log(await t, counter.reads);
      }`, { log: ['read then', ['v', 1]] }));

  test('settled native promises, Promise.resolve and rejected values of any kind', () =>
    same(`
      export async function main(log: any) {
        const done = Promise.resolve('done');
        await later(0);
        log(await done, await Promise.resolve(later('inner')));
        for (const reason of [1, 'str', null, undefined, { o: 1 }]) {
          try { await Promise.reject(reason); } catch (e) { log('rejected with', e); }
        }
      }`));

  test('a compiled task awaited twice and awaited by native code', () =>
    same(`
      export async function main(log: any) {
        const t = slow('shared');
        log(await t, await t);
        const q = quick('q');
        log(await q, await Promise.race([q]));
        const results = await Promise.allSettled([boom('x'), slow('y')]);
        log(results.map((r) => r.status));
      }`));
});

// ------------------------------------------------------------------------------------------
describe('miscellaneous', () => {
  // The runtime's signals are symbols (contract.md): a compiled function's own symbols, returned
  // or awaited, on every path (synchronous, after a suspension, through a face), are values.
  bothWays('symbols returned and awaited are values, never signals', `
    const sym = Symbol('mine');
    async function give(v: any) { await WAIT(0); return v; }
    async function direct() { return sym; }
    export async function main(log: any) {
      const a = await direct();
      const b = await give(sym);
      const c = await sym;
      const d = await give(Symbol.for('reawait.suspended'));
      const t = direct();
      log(a === sym, b === sym, c === sym, typeof d, String(d), (await t) === sym);
      return [a, b, c].every((x) => x === sym);
    }`, { returns: true });

  test('a comma expression as the operand of await or as an argument of an awaited call', () =>
    same(`
      export async function main(log: any) {
        const a = await (0, later('a'));
        const b = await (log('first'), slow('b'));
        const c = await slow((0, 'c'));
        return [a, b, c];
      }`, { log: ['first'], returns: ['a', 'b', 'c'] }));

  test('TypeError messages for calling what is not a function, with awaited arguments', () =>
    same(`
      export async function main(log: any) {
        const obj: any = { a: { b: 1 } };
        const k = 'zz';
        const attempts = [
          async () => { await obj[k](await later(1)); },
          async () => { await obj['x'](await later(1)); },
          async () => { await obj[1](await later(1)); },
          async () => { await obj.a.b(await later(1)); },
          async () => { await (0, obj.q)(await later(1)); },
          async () => { await new obj.a(await later(1)); },
          async () => { const nf: any = 5; await nf(await later(1)); },
        ];
        for (const attempt of attempts) { try { await attempt(); log('no error'); } catch (e: any) { log(e.name, e.message); } }
      }`));

  test('an awaited call of what is not a function evaluates its arguments first, then throws', () =>
    same(`
      export async function main(log: any) {
        const t = (name: string, v: unknown) => { log(name); return v; };
        const nf: any = 5;
        const o: any = { m: null };
        const attempts = [
          async () => { await nf(t('a', 1), t('b', 2)); },
          async () => { await o.m(t('c', 1), ...[t('d', 2)]); },
          async () => { await (t('callee', undefined) as any)(t('e', 1)); },
          async () => { await later(0); await nf(t('f', 1)); },
          async () => { const r = await o.m?.(t('g', 1)); log('optional', r); },
        ];
        for (const attempt of attempts) { try { await attempt(); log('no error'); } catch (e: any) { log(e.name, e.message); } }
      }`));

  test('TypeError messages for calls through computed keys that are expressions', () =>
    same(`
      export async function main(log: any) {
        const obj: any = {}; const k = 'zz'; const i = 0;
        const attempts = [
          async () => { await obj[k + 'y'](await later(1)); },
          async () => { await obj[\`t\${k}\`](await later(1)); },
          async () => { await obj[i + 1](await later(1)); },
        ];
        for (const attempt of attempts) { try { await attempt(); } catch (e: any) { log(e.message); } }
      }`, { log: ['obj[(k + "y")] is not a function', 'obj[k] is not a function', 'obj[(i + 1)] is not a function'] }));

  test('return of a comma expression', () =>
    same(`
      async function f() { await later(0); return 1, 6; }
      async function g() { await later(0); return (String('x'), 7); }
      async function m() { return 1, 10; }
      const h = async () => (await later(0), 8);
      export async function main(log: any) {
        return [await f(), await g(), await m(), await h()];
      }`, { returns: [6, 7, 10, 8] }));

  test('a comma expression whose first element is an object literal, before an await', () =>
    same(`
      export async function main(log: any) {
        const v = (({ p: 1 }).p, await later(2));
        return v;
      }`, { returns: 2 }));

  test('a const read in a branch of its own initialiser that is not taken, in nested loops', () =>
    same(`
      export async function main(log: any) {
        for (let g = 0; g < 2; g++) {
          for (const x of [1, 2]) {
            const d: number = await slow(x === 0 ? d : x);
            log(d);
          }
        }
        return 'end';
      }`, { log: [1, 2, 1, 2], returns: 'end' }));

  test('a parenthesised optional chain as the callee keeps its receiver, with an awaited argument', () =>
    same(`
      export async function main(log: any) {
        const a: any = { name: 'a', m(x: any) { return [this?.name, x]; } };
        return [(a?.m)(await later(1)), (a?.m)(1)];
      }`, { returns: [['a', 1], ['a', 1]] }));

  test('optional chains and tagged templates with awaits: receivers, short-circuits, order', () =>
    same(`
      export async function main(log: any) {
        const a: any = { name: 'a', b: { name: 'b', c(x: any) { return [this.name, x]; } }, m(x: any) { return [this?.name, x]; } };
        log(a?.m(await later(1)), a?.b.c(await slow(3)), a.b?.c(await later(4)));
        log(a?.['m'](await later(5)), a?.[await later('m')](6), (await later(a))?.b?.c?.(7));
        let count = 0;
        const get = () => { count++; return a; };
        log(get()?.m(await later(8)), count);
        const n: any = undefined;
        log(n?.[await later(log('skipped key'))], n?.x(await later(log('skipped arg'))), count);
        const tagObj = { pre: '>', tag(this: any, s: TemplateStringsArray, ...v: unknown[]) { return this.pre + s.join('_') + v.join(','); } };
        log(tagObj.tag\`a\${await later(1)}b\${await slow(2)}\`);
        const order: string[] = [];
        const t = (x: string) => { order.push(x); return x; };
        const tagF = (s: TemplateStringsArray, ...v: string[]) => v.join('');
        log(tagF\`\${t('1')}\${await later(t('2'))}\${t('3')}\`, order);
      }`));

  test('delete of an optional chain with an await', () =>
    same(`
      export async function main(log: any) {
        const o: any = { a: { n: 1, m: 2 } };
        const none: any = null;
        log(delete o?.a?.[await later('n')], o.a);
        log(delete none?.a[await later('m')]);
        return o;
      }`, { log: [[true, { m: 2 }], true], returns: { a: { m: 2 } } }));

  test('for await loops nested in each other and in a try whose finally awaits', () =>
    same(`
      async function* agen(n: number) { for (let i = 0; i < n; i++) yield await later(i); }
      export async function main(log: any) {
        for await (const x of agen(2)) { for await (const y of [0, later(1)]) { log(x, y); } }
        try {
          for await (const x of [9]) log('x', x);
        } finally {
          log('fin', await later(1));
        }
        for (let i = 0; i < 2; i++) {
          try { for await (const x of agen(1)) log('loop', i, x); } finally { log('fin', i, await slow(i)); }
        }
        return 'end';
      }`, { returns: 'end' }));

  test('assigning to a property of null: the operand is evaluated and awaited first', () =>
    same(`
      export async function main(log: any) {
        const o: any = null;
        try { o.p = await slow(log('operand evaluated')); } catch (e: any) { log(e.name, e.message); }
        try { await (undefined as any).missing(await later(1)); } catch (e: any) { log(e.name); }
        try { await (globalThis as any).notDefinedAnywhere; await eval('notDefinedAnywhere'); } catch (e: any) { log(e.name, e.message); }
      }`));

  test('writes of every kind between two suspensions are saved', () =>
    same(`
      export async function main(log: any) {
        let a = 0, b = 0, c = 0, d = 0, e: any = 0, f = 0, g: any = 0, h: any = null, i = 0, j = 0, k = 0, l: any = 0, m = 0;
        await later(0);
        a++; ++b; c += 2; [d] = [4]; ({ e } = { e: 5 }); for (f of [6]); for (g in { seven: 1 }); h ??= 8; i ||= 9; j = (k = 10, 11); l = [l][0] + 12; m -= -13;
        await later(0);
        log(a, b, c, d, e, f, g, h, i, j, k, l, m);
        await slow(0);
        let n, o, p, q, r, s, t, u, v, w;
        if (a) n = 1;
        o = a ? 2 : 0;
        [p] = [3];
        ({ q } = { q: 4 } as any);
        for (r of [5]);
        for (s in { six: 1 });
        t ??= 7;
        u ||= 8;
        try { throw 9; } catch (x) { v = x; }
        w = await later(10);
        await later(0);
        log(n, o, p, q, r, s, t, u, v, w);
      }`));

  test('vars without initialiser assigned from awaits in every form survive a later suspension', () =>
    same(`
      export async function main(log: any) {
        var vn, vo, vp, vq, vr;
        vn = await slow(1);
        [vo] = await later([2]);
        ({ vp } = await later({ vp: 3 }) as any);
        vq ??= await later(4);
        for (vr of await later([5]));
        await later(0);
        return [vn, vo, vp, vq, vr];
      }`, { returns: [1, 2, 3, 4, 5] }));

  test('variables changed in catch blocks, switch cases and loops between suspensions', () =>
    same(`
      export async function main(log: any) {
        let x = 0, y = 0, z = 0;
        for (let i = 0; i < 3; i++) {
          try { await failLater('e'); y += 10; } catch { x++; }
          z = z * 2 + (await later(i));
        }
        log(x, y, z);
        let count = 0;
        let s = '';
        label: for (const ch of 'abc') {
          s += ch;
          switch (ch) { case 'b': count += await slow(5); continue label; default: count++; }
          await later(0);
        }
        log(count, s);
        const acc: unknown[] = [];
        let w = 0;
        while (w < 3) {
          acc.push(w);
          if (w++ === 1) { await later(0); continue; }
          acc.push(await slow('x' + w));
        }
        log(acc);
        let q = 1;
        q = q + (q = 10) + await later(q);
        log(q);
        let arr = [1, 2, 3];
        const [first, ...rest] = arr;
        arr = await later([9]);
        log(first, rest, arr);
      }`, { log: [[3, 0, 4], [7, 'abc'], [0, 'x1', 1, 2, 'x3'], 21, [1, [2, 3], [9]]] }));

  test('module-level code, class expressions, string and number method keys, async generators', () =>
    same(`
      const top = await later('top-level');
      const K = class { v = 'k'; async m() { await later(0); return this.v; } };
      const lit = {
        async 'a-b'() { await later(0); return 'dash'; },
        async 42() { await slow(0); return 'num'; },
        f: async function () { await later(0); return 'prop fn'; },
      };
      export async function main(log: any) {
        log(top, await new K().m(), await lit['a-b'](), await lit[42](), await lit.f(), lit.f.name, lit['a-b'].name);
        async function* agen() { yield await later(1); yield 2; }
        const g = agen();
        log(await g.next(), await g.next(), await g.next());
        async function* agen2() { for await (const x of [later('fa'), 'fb']) yield x; }
        const out: unknown[] = [];
        const it = agen2();
        for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value);
        log(out);
      }`));

  test('odd awaited values: a then getter that throws, functions, null, undefined', () =>
    same(`
      export async function main(log: any) {
        const t = { get then() { throw new Error('then getter'); } };
        try { await t; } catch (e: any) { log('caught', e.message); }
        const fnValue = () => 1;
        log(typeof await fnValue, await null, await undefined, await NaN, await 0n);
        const fnThen = Object.assign(() => 0, { then(r: any) { r('function thenable'); } });
        log(await fnThen);
      }`));

  test('defaults that read earlier parameters and arguments', () =>
    same(`
      async function withDefaults(a: number, b = a + 1, c = arguments.length) { await later(0); return [a, b, c, arguments.length]; }
      export async function main(log: any) { log(await withDefaults(1), await withDefaults(1, 5, 9 as any)); }`,
    { log: [[[1, 2, 1, 1], [1, 5, 9, 3]]] }));

  test('a compiled call whose task is never awaited still reports its rejection', () =>
    same(`
      export async function main(log: any) {
        quickFail('unobserved, failed at once');
        boom('unobserved, failed after a suspension');
        await later(0, 10);
        return 'end';
      }`, { returns: 'end' }));

  test('shadowing names used in shorthand properties, patterns, labels, classes and closures', () =>
    same(`
      export async function main(log: any) {
        let x = 'outer', y = 'outer y';
        {
          let x = await later('inner');
          const o = { x, y, get g() { return x; } };
          const { x: px } = o;
          log(o, px, o.g);
          x: for (const x of [1]) { if (x) break x; }
          log(\`\${x}\`, typeof x, [x].map((x) => x + '!'));
          const f = () => x;
          const decl = function () { return x; };
          class C { x = x; m() { return x; } }
          log(f(), decl(), new C().x, new C().m());
        }
        {
          let x: any;
          ({ x } = await later({ x: 'assigned' }));
          ({ x = 'default' } = await later({}) as any);
          log(x);
          for ({ x } of [{ x: 'of' }]) await later(0);
          [x] = await later(['array']);
          log(x, { x });
        }
        try { throw 'thrown'; } catch (x) { await later(0); log(x, { x }); }
        for (const x of ['loop']) { await later(0); log({ x }); }
        switch (1) { case 1: { const x = await later('case'); log({ x }); } }
        log(x, y);
        return { x };
      }`, { returns: { x: 'outer' } }));

  test('a block-level function declaration after a let initialised by an await, in the same block', () =>
    same(`
      export async function main(log: any) {
        let x = 'outer';
        {
          let x = await later('inner');
          function decl() { return x; }
          log(decl());
        }
        return x;
      }`, { log: ['inner'], returns: 'outer' }));

  test('async functions are not constructors and have no prototype', () =>
    same(`
      async function decl() { await later(0); }
      const expr = async function () { await later(0); };
      const arrow = async () => { await later(0); };
      class C { async m() { await later(0); } static async s() { await later(0); } }
      const o = { async m() { await later(0); } };
      export async function main(log: any) {
        const all = [['decl', decl], ['expr', expr], ['arrow', arrow], ['method', C.prototype.m], ['static', C.s], ['literal', o.m]] as const;
        for (const [name, f] of all) {
          let constructed;
          try { new (f as any)(); constructed = 'constructed'; } catch (e: any) { constructed = e.name + ': ' + e.message; }
          log(name, constructed, 'prototype' in f);
        }
      }`));

  test('an async method of an object literal overridden by a later property of the same key', () =>
    same(`
      export async function main(log: any) {
        const o1: any = { async m() { await later(0); return 'async'; }, m: 5 };
        const o2: any = { async m() { await later(0); return 'async'; }, ...{ m: 'spread' } };
        log(typeof o1.m, o1.m === 5, o2.m);
        const o3: any = { async m() { await later(0); return 'async'; }, get m() { return 'getter'; } };
        log(o3.m);
      }`, { log: [['number', true, 'spread'], 'getter'] }));

  test('an async class method overridden by a later method of the same name (JavaScript)', () =>
    same(`
      class C { async m() { await later(0); return 'async'; } m() { return 'plain'; } }
      class D { async m() { await later(0); return 'async'; } get m() { return 'getter'; } }
      export async function main(log) {
        log(new C().m(), new D().m);
      }`, { log: [['plain', 'getter']], filename: 'program.js' }));

  test('long loops: 100,000 awaits of plain values, 2,000 awaits of resolved promises', () =>
    same(`
      export async function main(log: any) {
        let n = 0;
        for (let i = 0; i < 100000; i++) n += await i;
        log(n);
        for (let i = 0; i < 2000; i++) n += await Promise.resolve(1);
        for (let i = 0; i < 2000; i++) n += await quick(1);
        return n;
      }`, { log: [4999950000], returns: 4999954000 }));

  test('function declarations in blocks and async IIFEs in a loop', () =>
    same(`
      export async function main(log: any) {
        {
          function inBlock() { return 'in block'; }
          log(inBlock(), await later(0));
        }
        const pending: Promise<number>[] = [];
        for (const v of [1, 2, 3]) pending.push((async () => { await later(0); return v * 10; })());
        return Promise.all(pending);
      }`, { returns: [10, 20, 30] }));
});

// ------------------------------------------------------------------------------------------
describe('compiled functions seen from native code', () => {
  test('a compiled call returns a Task: a Promise with a synchronous isCompleted', () =>
    compiledOnly(`
      async function sync() { return 1; }
      async function suspends() { await later(0); return 2; }
      async function fails() { throw new Error('f'); }
      const inspect = (p: any) => [p instanceof Promise, typeof p.isCompleted, p.isCompleted, typeof p.then];
      export async function main(log: any) {
        const a = sync(), b = suspends(), c = fails();
        log(inspect(a), inspect(b), inspect(c));
        log(a.isCompleted && (a as any).result, (c as any).isFaulted, (c as any).error.message);
        c.catch(() => {});
        log(await b, (b as any).isCompleted, (b as any).result);
      }`,
    {
      log: [
        [[true, 'boolean', true, 'function'], [true, 'boolean', false, 'function'], [true, 'boolean', true, 'function']],
        [1, true, 'f'],
        [2, true, 2],
      ],
      outcome: { returned: undefined },
    }));

  test('then/catch/finally on a Task return plain Promises', () =>
    compiledOnly(`
      async function f() { await later(0); return 3; }
      export async function main(log: any) {
        const t = f();
        const p = t.then((v) => v * 2);
        log(typeof (p as any).isCompleted, await p, await t.finally(() => log('finally')));
      }`,
    { log: ['finally', ['undefined', 6, 3]], outcome: { returned: undefined } }));
});

// ------------------------------------------------------------------------------------------
describe('the runtime from programs: Task, yieldNow, the documented timing', () => {
  const RUNTIME = `
    const runtime: any = await import(new URL('../../dist/runtime.node.bundle.mjs', import.meta.url).href);
    const { Task, yieldNow } = runtime;`;

  test('yieldNow suspends like native await undefined; Task.fromResult is awaited like a value', () =>
    same(RUNTIME + `
      export async function main(log: any) {
        queueMicrotask(() => log('microtask'));
        await yieldNow();
        log('after yieldNow');
        log(await Task.fromResult('from result'));
      }`, { log: ['microtask', 'after yieldNow', 'from result'] }));

  test('Task.fromResult of a promise: await gives the promise\'s value', () =>
    same(RUNTIME + `
      export async function main(log: any) {
        return await Task.fromResult(later('the value'));
      }`, { returns: 'the value' }));

  test('compiled calls give Tasks; native promises are not Tasks', () =>
    compiledOnly(RUNTIME + `
      export async function main(log: any) {
        const t = quick('q');
        log(t instanceof Task, t.isCompleted, await t);
        const s = slow('s');
        log(s instanceof Task, s.isCompleted, await s, s.isCompleted);
        log(later(1) instanceof Task);
      }`, { log: [[true, true, 'q'], [true, false, 's', true], false], outcome: { returned: undefined } }));

  test('awaiting a completed value continues synchronously (the documented timing difference)', () =>
    compiledOnly(`
      export async function main(log: any) {
        queueMicrotask(() => log('microtask'));
        await 0;
        log('after await 0');
        await quick(1);
        log('after await quick');
        await later(0);
        log('after a real suspension');
      }`, { log: ['after await 0', 'after await quick', 'microtask', 'after a real suspension'], outcome: { returned: undefined } }));

  test('awaiting Task.fromError throws at the await, and leaves no unhandled rejection', () =>
    same(RUNTIME + `
      export async function main(log: any) {
        try { await Task.fromError(new Error('from error')); } catch (e: any) { log(e.message); }
        await later(0, 5);
      }`, { log: ['from error'] }));
});

// ------------------------------------------------------------------------------------------
describe('the awaiter protocol (compiled only)', () => {
  const AWAITER = `
    const GET = Symbol.for('reawait.getAwaiter');
    function manual(log: any, name: string) {
      let completed = false, value: unknown, error: unknown, failed = false;
      let callback: (() => void) | null = null;
      const awaiter = {
        get isCompleted() { log(name + '.isCompleted', completed); return completed; },
        getResult() { log(name + '.getResult'); if (failed) throw error; return value; },
        onCompleted(cb: () => void) { log(name + '.onCompleted'); callback = cb; },
      };
      return {
        awaitable: { [GET]() { log(name + '.getAwaiter'); return awaiter; } },
        complete(v: unknown) { completed = true; value = v; const cb = callback; callback = null; cb?.(); },
        fail(e: unknown) { completed = true; failed = true; error = e; const cb = callback; callback = null; cb?.(); },
      };
    }`;

  test('a completed awaiter continues synchronously', () =>
    compiledOnly(AWAITER + `
      export async function main(log: any) {
        const m = manual(log, 'a');
        m.complete(42);
        log('before');
        const v = await m.awaitable;
        log('after', v);
        return v;
      }`,
    {
      log: ['before', 'a.getAwaiter', ['a.isCompleted', true], 'a.getResult', ['after', 42]],
      outcome: { returned: 42 },
    }));

  test('a pending awaiter: onCompleted, then a driver calls the stored callback', () =>
    compiledOnly(AWAITER + `
      async function inner(log: any, m: any) {
        log('inner start');
        const v = await m.awaitable;
        log('inner resumed', v);
        return (v as number) + 1;
      }
      export async function main(log: any) {
        const m = manual(log, 'p');
        const task = inner(log, m);
        log('returned to driver', task.isCompleted);
        m.complete(10);
        log('driver completed it', task.isCompleted);
        return await task;
      }`,
    {
      log: [
        'inner start', 'p.getAwaiter', ['p.isCompleted', false], 'p.onCompleted',
        ['returned to driver', false],
        'p.getResult', ['inner resumed', 10],
        ['driver completed it', true],
      ],
      outcome: { returned: 11 },
    }));

  test('a callee that suspends again on awaiters, its result unused, still returns to its caller', () =>
    // The dispatcher's fast path re-registers a frame that suspends again by itself; it once
    // dropped the rest of the chain there, so the caller was skipped and the task ended with the
    // callee's value.
    compiledOnly(`
      const GET = Symbol.for('reawait.getAwaiter');
      class Pending { cb: any = null; [GET]() { return this; } get isCompleted() { return false; } getResult() {} onCompleted(c: any) { this.cb = c; } }
      async function leaf(m: Pending, p: Promise<number>) { for (let i = 0; i < 3; i++) await m; await p; await m; return 'leaf'; }
      async function caller(m: Pending, p: Promise<number>) { const r = await leaf(m, p); return r + ' then caller'; }
      export async function main(log: any) {
        const m = new Pending();
        const p = Promise.resolve(1);
        const task: any = caller(m, p);
        let fired = 0;
        while (!task.isCompleted && fired < 10) {
          if (m.cb) { const c = m.cb; m.cb = null; c(); fired++; } else await Promise.resolve();
        }
        log(fired);
        return task;
      }`,
    { log: [4], outcome: { returned: 'leaf then caller' } }));

  test('a frame resumed from an awaiter, its result unused, that calls a callee suspending on an awaiter', () =>
    // The fast path took "the frame suspended again" for "it suspended by itself" and kept the
    // frame as the head of the chain: the callee's continuation was lost, and the caller resumed
    // at once with the awaiter's result in place of the callee's value.
    compiledOnly(`
      const GET = Symbol.for('reawait.getAwaiter');
      class Pending { cb: any = null; [GET]() { return this; } get isCompleted() { return false; } getResult() { return 'awaiter result'; } onCompleted(c: any) { this.cb = c; } }
      async function callee(log: any, m: Pending) { await m; log('callee 1'); await m; log('callee 2'); return 'callee value'; }
      async function caller(log: any, m: Pending) { await m; log('caller resumed'); const v = await callee(log, m); log('caller got', v); return 'caller value'; }
      export async function main(log: any) {
        const m = new Pending();
        const task: any = caller(log, m);
        let fired = 0;
        while (!task.isCompleted && m.cb && fired < 10) { const c = m.cb; m.cb = null; c(); fired++; }
        log('fired', fired);
        return task;
      }`,
    { log: ['caller resumed', 'callee 1', 'callee 2', ['caller got', 'callee value'], ['fired', 3]], outcome: { returned: 'caller value' } }));

  test('a driver loop resuming a compiled loop that awaits awaiters', () =>
    compiledOnly(`
      const GET = Symbol.for('reawait.getAwaiter');
      const pending: (() => void)[] = [];
      let tick = 0;
      const nextTick = () => ({ [GET]() {
        const at = tick;
        return { get isCompleted() { return tick > at; }, getResult() { return tick; }, onCompleted(cb: () => void) { pending.push(cb); } };
      } });
      async function worker(log: any) {
        let sum = 0;
        for (let i = 0; i < 3; i++) { const t = await nextTick(); log('tick', t); sum += t as number; }
        return sum;
      }
      export async function main(log: any) {
        const task = worker(log);
        while (pending.length > 0) { tick++; pending.shift()!(); }
        log('completed', task.isCompleted);
        return await task;
      }`,
    { log: [['tick', 1], ['tick', 2], ['tick', 3], ['completed', true]], outcome: { returned: 6 } }));

  test('onCompleted calling its callback synchronously', () =>
    compiledOnly(`
      const GET = Symbol.for('reawait.getAwaiter');
      const immediate = (log: any, v: unknown) => ({ [GET]() {
        let done = false;
        return { get isCompleted() { return done; }, getResult() { log('getResult'); return v; }, onCompleted(cb: () => void) { log('onCompleted'); done = true; cb(); log('callback returned'); } };
      } });
      async function f(log: any) { const a = await immediate(log, 1); const b = await immediate(log, 2); return a + b; }
      export async function main(log: any) {
        const t = f(log);
        log('isCompleted', t.isCompleted);
        return await t;
      }`,
    {
      log: ['onCompleted', 'getResult', 'callback returned', 'onCompleted', 'getResult', 'callback returned', ['isCompleted', true]],
      outcome: { returned: 3 },
    }));

  test('getResult throwing: the error is thrown at the await and can be caught', () =>
    compiledOnly(AWAITER + `
      async function f(log: any, m: any) {
        try { await m.awaitable; log('never'); }
        catch (e: any) { log('caught', e.message); return 'recovered'; }
      }
      export async function main(log: any) {
        const done = manual(log, 'done');
        done.fail(new Error('already failed'));
        try { await done.awaitable; } catch (e: any) { log('caught sync', e.message); }
        const m = manual(log, 'm');
        const t = f(log, m);
        m.fail(new Error('failed later'));
        return await t;
      }`,
    {
      log: [
        'done.getAwaiter', ['done.isCompleted', true], 'done.getResult', ['caught sync', 'already failed'],
        'm.getAwaiter', ['m.isCompleted', false], 'm.onCompleted', 'm.getResult', ['caught', 'failed later'],
      ],
      outcome: { returned: 'recovered' },
    }));

  test('getResult throwing with no try: the task rejects', () =>
    compiledOnly(AWAITER + `
      async function f(m: any) { await m.awaitable; return 'never'; }
      export async function main(log: any) {
        const m = manual(log, 'm');
        const t = f(m);
        m.fail(new TypeError('bad result'));
        log('faulted', (t as any).isFaulted);
        return await t.then(() => 'fulfilled', (e: any) => ['rejected', e.name, e.message]);
      }`,
    {
      log: ['m.getAwaiter', ['m.isCompleted', false], 'm.onCompleted', 'm.getResult', ['faulted', true]],
      outcome: { returned: ['rejected', 'TypeError', 'bad result'] },
    }));

  test('onCompleted throwing: the task rejects, it does not hang', () =>
    compiledOnly(`
      const GET = Symbol.for('reawait.getAwaiter');
      const broken = { [GET]() { return { isCompleted: false, getResult() { return 1; }, onCompleted() { throw new Error('cannot register'); } }; } };
      async function f(log: any) { log('before'); await broken; log('never'); }
      async function g(log: any) { try { await broken; } catch (e: any) { log('caught in g', e.message); return 'g ok'; } }
      async function h(log: any) { await later(0); log('h resumed'); await broken; log('never'); }
      export async function main(log: any) {
        log(await g(log));
        const t = f(log);
        log('call returned');
        log(await t.then(() => 'fulfilled', (e: any) => 'rejected ' + e.message));
        log(await h(log).then(() => 'fulfilled', (e: any) => 'rejected ' + e.message));
        return 'end';
      }`,
    {
      log: [
        ['caught in g', 'cannot register'], 'g ok', 'before', 'call returned', 'rejected cannot register',
        'h resumed', 'rejected cannot register',
      ],
      outcome: { returned: 'end' },
    }));

  test('awaiters returned by native calls, completed from timers; getAwaiter or isCompleted throwing', () =>
    compiledOnly(`
      const GET = Symbol.for('reawait.getAwaiter');
      function sleepAwaiter(v: unknown) {
        let done = false;
        const a = { get isCompleted() { return done; }, getResult() { return v; }, onCompleted(cb: () => void) { setTimeout(() => { done = true; cb(); }, 1); } };
        return { [GET]() { return a; } };
      }
      const badGet = { [GET]() { throw new Error('getAwaiter threw'); } };
      const badIsCompleted = { [GET]() { return { get isCompleted(): boolean { throw new Error('isCompleted threw'); }, getResult() {}, onCompleted() {} }; } };
      async function returnsAwaitable() { return sleepAwaiter('returned'); }
      export async function main(log: any) {
        log(await sleepAwaiter('direct'));
        const make = (v: unknown) => sleepAwaiter(v);
        log(await make('from a native call'));
        try { await badGet; } catch (e: any) { log(e.message); }
        try { await badIsCompleted; } catch (e: any) { log(e.message); }
        const r = await returnsAwaitable();
        log('an awaitable returned is not unwrapped', typeof r, GET in r);
        log(await later(await sleepAwaiter('nested')));
      }`,
    {
      log: [
        'direct', 'from a native call', 'getAwaiter threw', 'isCompleted threw',
        ['an awaitable returned is not unwrapped', 'object', true], 'nested',
      ],
      outcome: { returned: undefined },
    }));

  test('the awaiter protocol is preferred over then', () =>
    compiledOnly(`
      const GET = Symbol.for('reawait.getAwaiter');
      const both = { [GET]() { return { isCompleted: true, getResult: () => 'awaiter' }; }, then(r: any) { r('then'); } };
      export async function main(log: any) { return await both; }`,
    { log: [], outcome: { returned: 'awaiter' } }));

  test('an awaiter completed from a timer, awaited inside nested compiled calls', () =>
    compiledOnly(`
      const GET = Symbol.for('reawait.getAwaiter');
      const sleep = (v: unknown) => ({ [GET]() {
        let done = false;
        return { get isCompleted() { return done; }, getResult() { return v; }, onCompleted(cb: () => void) { setTimeout(() => { done = true; cb(); }, 1); } };
      } });
      async function leaf(n: number) { return (await sleep(n)) as number * 2; }
      async function mid(n: number) { const a = await leaf(n); const b = await slow(a); return a + b; }
      export async function main(log: any) {
        let total = 0;
        for (let i = 1; i <= 3; i++) { total += await mid(i); log('total', total); }
        return total;
      }`,
    { log: [['total', 4], ['total', 12], ['total', 24]], outcome: { returned: 24 } }));

  test('an awaiter whose callback is called twice is a dispatcher error, not a double resume', () =>
    compiledOnly(`
      const GET = Symbol.for('reawait.getAwaiter');
      let saved: (() => void) | null = null;
      const a = { [GET]() { return { isCompleted: false, getResult: () => 'v', onCompleted(cb: () => void) { saved = cb; } }; } };
      async function f(log: any) { const v = await a; log('resumed', v); return v; }
      export async function main(log: any) {
        const t = f(log);
        saved!();
        try { saved!(); } catch (e: any) { log('second call', e.message); }
        return await t;
      }`,
    {
      log: [['resumed', 'v'], ['second call', 'reawait: an awaiter called its completion callback when nothing was waiting on it']],
      outcome: { returned: 'v' },
    }));
});

// ------------------------------------------------------------------------------------------
describe('async methods with computed and private names', () => {
  test('computed names (strings, symbols, literals) are evaluated once, in order; static and object literal methods', () =>
    same(`
      const sym = Symbol('s');
      let n = 0;
      const order: unknown[] = [];
      const key = (tag: string) => { order.push(tag); return 'k' + (++n); };
      class C {
        async [key('class')](x: number) { await later(0); return x + 1; }
        static async [sym]() { await later(0); return 'static sym'; }
        async ['lit']() { return 'lit'; }
      }
      const o = { async [key('object')]() { await later(0); return 'obj'; }, async plain() { return 'plain'; } };
      export async function main(log: any) {
        const c: any = new C();
        log(await c.k1(1), await (C as any)[sym](), await c.lit(), await (o as any).k2(), await o.plain(), order);
        log(Object.getOwnPropertyNames(C.prototype), c.k1.name, (C as any)[sym].name, c.k1.length, (o as any).k2.name);
      }`, { log: [[2, 'static sym', 'lit', 'obj', 'plain', ['class', 'object']], [['constructor', 'k1', 'lit'], 'k1', '[s]', 1, 'k2']] }));

  test('private async methods, instance and static, with this and private fields after an await', () =>
    same(`
      class C {
        #v = 5;
        async #m(x: number) { await later(0); return this.#v + x; }
        static async #s() { await later(0); return 'static'; }
        async run() { return [await this.#m(1), await C.#s(), this.#m.length, this.#m.name]; }
      }
      export async function main(log: any) { return new C().run(); }`, { returns: [6, 'static', 1, '#m'] }));
});

// ------------------------------------------------------------------------------------------
describe('awaits inside finally', () => {
  test('the pending completion (normal, throw, return) survives the suspensions of finally', () =>
    same(`
      async function a(log: any) { let x = 1; try { x = await later(2); return x; } finally { await later(0); x = 99; log('finally a', x); } }
      async function b(log: any) { try { await later(0); throw new Error('from try'); } finally { log('cleanup b', await later('done')); } }
      async function c(log: any) { try { return 'early'; } catch (e) { return 'caught'; } finally { await later(0); log('finally c'); } }
      async function d(log: any) { try { await later(0); return 'try'; } finally { await later(0); return 'finally wins'; } }
      async function g(log: any) { try { await later(0); } finally { await Promise.reject(new Error('finally throws')); } }
      export async function main(log: any) {
        log(await a(log));
        try { await b(log); } catch (err: any) { log('b threw', err.message); }
        log(await c(log), await d(log));
        try { await g(log); } catch (err: any) { log('g threw', err.message); }
      }`, { log: [['finally a', 99], 2, ['cleanup b', 'done'], ['b threw', 'from try'], 'finally c', ['early', 'finally wins'], ['g threw', 'finally throws']] }));

  test('in loops, with a catch that handles, and nested try/finally that both await', () =>
    same(`
      async function e() {
        const r: unknown[] = [];
        for (const v of [1, 2, 3]) {
          try { if (v === 2) throw new Error('two'); r.push(v); } catch (err: any) { r.push(err.message); } finally { await later(0); r.push('f' + v); }
        }
        return r;
      }
      async function f(log: any) { try { try { await later(0); return 'inner'; } finally { await later(0); log('inner finally'); } } finally { await slow(0); log('outer finally'); } }
      export async function main(log: any) { log(await e(), await f(log)); }`,
      { log: ['inner finally', 'outer finally', [[1, 'f1', 'two', 'f2', 3, 'f3'], 'inner']] }));
});

// ------------------------------------------------------------------------------------------
describe('break and continue through a finally that awaits', () => {
  bothWays('unlabelled break and continue through one finally; normal completion', `
      export async function main(log: any) {
        for (let i = 0; i < 5; i++) {
          try {
            if (i === 1) continue;
            if (i === 3) break;
            log('body', i);
          } finally { log('finally', i, await WAIT(i * 10)); }
          log('after', i);
        }
        let n = 0;
        while (true) {
          try { n++; if (n < 3) continue; break; } finally { log('while finally', n, await WAIT('w')); }
        }
        return n;
      }`, { log: [['body', 0], ['finally', 0, 0], ['after', 0], ['finally', 1, 10], ['body', 2], ['finally', 2, 20], ['after', 2], ['finally', 3, 30],
        ['while finally', 1, 'w'], ['while finally', 2, 'w'], ['while finally', 3, 'w']], returns: 3 });

  bothWays('labelled continue and break to an outer loop through two nested finally blocks that await', `
      export async function main(log: any) {
        const r: unknown[] = [];
        outer: for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            try {
              try {
                if (j === 1) continue outer;
                if (i === 2) break outer;
                r.push([i, j]);
              } finally { r.push('inner ' + await WAIT(i + '' + j)); }
              r.push('between');
            } finally { r.push('outer ' + await WAIT(j)); }
            r.push('after');
          }
          r.push('never');
        }
        return r;
      }`, { returns: [[0, 0], 'inner 00', 'between', 'outer 0', 'after', 'inner 01', 'outer 1', [1, 0], 'inner 10', 'between', 'outer 0', 'after', 'inner 11', 'outer 1', 'inner 20', 'outer 0'] });

  bothWays('a jump to a target between two finally blocks that await runs only the inner one', `
      export async function main(log: any) {
        try {
          for (const x of [1, 2, 3]) {
            try { if (x === 2) continue; if (x === 3) break; log('x', x); } finally { log('inner', x, await WAIT(x)); }
          }
          block: {
            try { if (await WAIT(true)) break block; log('never'); } finally { log('block finally', await WAIT('b')); }
            log('never either');
          }
          log('after block');
        } finally { log('outer', await WAIT('o')); }
      }`, { log: [['x', 1], ['inner', 1, 1], ['inner', 2, 2], ['inner', 3, 3], ['block finally', 'b'], 'after block', ['outer', 'o']] });

  bothWays('a finally that awaits overrides the jump with its own return, throw or jump', `
      async function ret(log: any) {
        for (let i = 0; i < 3; i++) { try { break; } finally { await WAIT(0); return 'finally returned ' + i; } }
        return 'never';
      }
      async function thr(log: any) {
        for (let i = 0; i < 3; i++) { try { continue; } finally { await WAIT(0); if (i === 1) throw new Error('finally threw ' + i); } }
        return 'never';
      }
      async function jmp(log: any) {
        const r: unknown[] = [];
        outer: for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) { try { r.push([i, j]); break outer; } finally { await WAIT(0); if (j < 1) continue; } }
        }
        return r;
      }
      async function keep(log: any) {
        for (let i = 0; i < 3; i++) { try { return 'try returned'; } finally { await WAIT(0); if (i < 2) continue; } }
        return 'loop ended';
      }
      export async function main(log: any) {
        log(await ret(log));
        try { await thr(log); } catch (e: any) { log(e.message); }
        log(await jmp(log), await keep(log));
      }`, { log: ['finally returned 0', 'finally threw 1', [[[0, 0], [0, 1]], 'try returned']] });

  bothWays('the exception of the try part is dropped by a jump in the finally; a jump is dropped by a throw in the finally', `
      export async function main(log: any) {
        for (const x of [1, 2]) {
          try { throw new Error('lost ' + x); } finally { await WAIT(0); continue; }
        }
        try {
          for (;;) { try { break; } finally { await WAITFAIL('from finally'); } }
        } catch (e: any) { log('caught', e.message); }
        return 'done';
      }`, { log: [['caught', 'from finally']], returns: 'done' });

  bothWays('loops of every kind: do-while with an awaiting test, for with an awaiting update, for-of and for-in bodies that await, switch', `
      function* gen(log: any) { try { yield 1; yield 2; yield 3; } finally { log('gen closed'); } }
      export async function main(log: any) {
        let i = 0;
        do {
          try { i++; if (i === 2) continue; if (i === 4) break; log('do', i); } finally { log('do finally', i, await WAIT(i)); }
        } while (await WAIT(i < 10));
        for (let k = 0; k < 4; k = k + (await WAIT(1))) {
          try { if (k % 2) continue; log('for', k); } finally { await WAIT(0); log('for finally', k); }
        }
        outer: for (const v of gen(log)) {
          for (const key in { a: 1, b: 2 }) {
            try { if (key === 'b') continue outer; if (v === 2) break outer; log('of/in', v, key); } finally { log('of/in finally', v, key, await WAIT(v)); }
          }
        }
        for (const v of [1, 2, 3]) {
          switch (v) {
            case 1: try { break; } finally { log('switch finally', await WAIT(v)); }
            case 2: try { if (v === 2) continue; log('fell through'); } finally { log('case 2 finally', v, await WAIT(v)); }
            default: log('default', v);
          }
          log('after switch', v);
        }
      }`);

  bothWays('jumps from catch clauses (awaiting or not), through native finally blocks, and from a native finally', `
      export async function main(log: any) {
        for (const x of [1, 2, 3]) {
          try {
            try { if (x > 1) throw new Error('e' + x); } catch (e: any) { log('catch', await WAIT(e.message)); if (x === 2) continue; break; }
            log('try end', x);
          } finally { log('finally', x, await WAIT(x)); }
        }
        for (const x of [1, 2, 3]) {
          try {
            try { if (x === 1) throw new Error('plain'); } catch (e: any) { log('plain catch', x); continue; }
            try { if (x === 3) break; } finally { log('native finally', x); }
          } finally { log('awaiting finally', x, await WAIT(x)); }
        }
        for (const x of [1, 2]) {
          try { try { log('inner try', x); } finally { if (x === 1) continue; } log('not skipped', x); } finally { await WAIT(0); log('outer finally', x); }
        }
        for (const x of [1, 2]) {
          try { try { if (x === 1) continue; } finally { log('awaiting inside', await WAIT(x)); } } finally { log('native outside', x); }
        }
      }`);

  bothWays('values computed before the jump survive the suspensions of the finally', `
      export async function main(log: any) {
        let total = 0;
        const seen: number[] = [];
        outer: for (let i = 0; i < 4; i++) {
          let local = i * 100;
          for (let j = 0; ; j++) {
            const mark = i + j;
            try {
              try {
                local += mark;
                if (j === i) continue outer;
              } finally { total += await WAIT(local); }
            } finally { seen.push(mark, await WAIT(j)); }
          }
        }
        return [total, seen];
      }`);

  test('a labelled statement around the try, and a jump in a function called from it, are left alone', () =>
    same(`
      export async function main(log: any) {
        labelled: try {
          const inner = () => { for (;;) { break; } return 'inner'; };
          log(inner());
          break labelled;
        } finally { log('finally', await later(1)); }
        log('after');
      }`, { log: ['inner', ['finally', 1], 'after'] }));
});

// ------------------------------------------------------------------------------------------
describe('break and continue out of for await to an enclosing statement', () => {
  bothWays('the iterator is closed (its awaited return() runs) before the jump', `
      function iterable(name: string, log: any) {
        let i = 0;
        return {
          [Symbol.asyncIterator]() {
            return {
              next: async () => ({ done: i >= 3, value: name + i++ }),
              return: async () => { await WAIT(0); log('return', name); return {}; },
            };
          },
        };
      }
      export async function main(log: any) {
        outer: for (let round = 0; round < 3; round++) {
          for await (const v of iterable('a' + round, log)) {
            log('got', v);
            if (round === 0) continue outer;
            if (round === 1) break outer;
          }
          log('never');
        }
        block: {
          for await (const v of iterable('b', log)) { if (v === 'b1') break block; log('b', v); }
          log('not here');
        }
        log('done');
      }`, { log: [['got', 'a00'], ['return', 'a0'], ['got', 'a10'], ['return', 'a1'], ['b', 'b0'], ['return', 'b'], 'done'] });

  bothWays('nested for await loops, a finally that awaits on the way, async generators, a throwing return()', `
      async function* gen(name: string, log: any) { try { for (let i = 0; i < 3; i++) { yield name + i; await WAIT(0); } } finally { log('gen finally', name); } }
      function badReturn() {
        return { [Symbol.asyncIterator]() { return { next: async () => ({ done: false, value: 1 }), return: async () => { throw new Error('return failed'); } }; } };
      }
      export async function main(log: any) {
        outer: for (const round of [0, 1, 2]) {
          for await (const a of gen('a' + round, log)) {
            try {
              for await (const b of gen('b' + round, log)) {
                log(a, b);
                if (round === 0) continue outer;
                if (round === 2) break outer;
                break;
              }
            } finally { log('finally', round, await WAIT(round)); }
            log('after inner', a);
            if (a === 'a11') continue outer;
          }
        }
        try {
          xs: for (const x of [1, 2]) { for await (const v of badReturn()) { log('x', x, v); if (x === 1) continue xs; break; } }
        } catch (e: any) { log('caught', e.message); }
        let count = 0;
        loop: while (true) {
          for await (const v of [WAIT(1), 2, 3]) { count += v; if (count > 2) break loop; }
        }
        return count;
      }`);
});

// ------------------------------------------------------------------------------------------
describe('for await inside async functions', () => {
  test('async generators, sync iterables of promises, break/return/throw closing the iterator, assignment targets', () =>
    same(`
      async function* gen(log: any) { try { yield 1; await later(0); yield 2; yield 3; } finally { log('gen finally'); } }
      const syncIterable = { *[Symbol.iterator]() { yield later('a'); yield 'b'; } };
      function closingIterable(log: any) {
        let i = 0;
        return { [Symbol.asyncIterator]() { return { next: async () => ({ done: i >= 3, value: i++ }), return: async () => { log('return called'); return {}; } }; } };
      }
      async function sum(log: any) { let s = 0; for await (const v of gen(log)) { s += v; await later(0); } return s; }
      async function early(log: any) { for await (const v of gen(log)) { if (v === 2) return 'returned at 2'; } return 'end'; }
      async function brk(log: any) { const seen: unknown[] = []; for await (const v of closingIterable(log)) { seen.push(v); if (v === 1) break; } return seen; }
      async function thr(log: any) { try { for await (const v of closingIterable(log)) { await later(0); throw new Error('body ' + v); } } catch (e: any) { return e.message; } }
      async function syncs() { const r: unknown[] = []; for await (const v of syncIterable) r.push(v); return r; }
      async function cont() { const r: unknown[] = []; let x; for await (x of [1, 2, 3, 4]) { if (x % 2) continue; r.push(x); } return [r, x]; }
      export async function main(log: any) {
        log(await sum(log)); log(await early(log)); log(await brk(log)); log(await thr(log)); log(await syncs()); log(await cont());
      }`, { log: ['gen finally', 6, 'gen finally', 'returned at 2', 'return called', [0, 1], 'return called', 'body 0', ['a', 'b'], [[2, 4], 4]] }));

  test('a rejected next() does not call return(); a throwing return() on break propagates', () =>
    same(`
      function failing(log: any) {
        return { [Symbol.asyncIterator]() { return { next: async () => { throw new Error('next failed'); }, return: async () => { log('return called'); return {}; } }; } };
      }
      function badReturn() {
        return { [Symbol.asyncIterator]() { return { next: async () => ({ done: false, value: 1 }), return: () => { throw new Error('return failed'); } }; } };
      }
      export async function main(log: any) {
        try { for await (const v of failing(log)) log(v); } catch (e: any) { log(e.message); }
        try { for await (const v of badReturn()) { log(v); break; } } catch (e: any) { log(e.message); }
      }`, { log: ['next failed', 1, 'return failed'] }));
});

// ------------------------------------------------------------------------------------------
describe('switch with awaits in case tests', () => {
  test('tests are evaluated lazily, in order, the default last, with fall-through', () =>
    same(`
      async function pick(x: unknown, log: any) {
        const t = (v: unknown) => { log('test ' + String(v)); return v; };
        switch (await later(x)) {
          case t(1): log('one');
          case await later(t(2)): log('two'); break;
          default: log('default');
          case await slow(t(3)): log('three'); return 'r3';
          case t(4): { await later(0); log('four'); break; }
        }
        return 'end';
      }
      export async function main(log: any) { for (const x of [1, 2, 3, 4, 5]) log(await pick(x, log)); }`));
});

// ------------------------------------------------------------------------------------------
describe('lexical declarations directly inside a switch that awaits', () => {
  bothWays('bindings declared by earlier clauses survive a suspension in a later one; dead zones are kept across cases', `
      export async function main(log: any) {
        for (const x of [0, 1, 2, 3, 4]) {
          switch (x) {
            case 0:
              let a = 'a' + x;
              const b = await WAIT('b');
            case 1:
              class C { static n = 'C' + x; }
              let [c, { d }] = [await WAIT('c' + x), { d: 'd' + x }];
            default:
              await WAIT(0);
              try { log(x, a, b); } catch (e: any) { log(x, e.constructor.name, e.message); }
              try { log(x, C.n, c, d); } catch (e: any) { log(x, e.constructor.name, e.message); }
              if (x === 2) break;
            case 3:
              let e = await WAIT('e' + x);
              try { log(x, e, a); } catch (err: any) { log(x, err.constructor.name, err.message); }
          }
          log('after', x);
        }
      }`);

  bothWays('a binding is reassigned across awaits, read by a closure, and a fresh one is made at every entry', `
      export async function main(log: any) {
        const readers: (() => unknown)[] = [];
        for (const x of ['one', 'uno', 'two']) {
          switch (await WAIT(x.length === 3 && x !== 'two' ? 'one' : x)) {
            case 'one':
              let count = 0;
              const name = x.toUpperCase();
              readers.push(() => [name, count]);
            case 'two':
              try {
                count = count + await WAIT(1);
                count += await WAIT(10);
                log(x, name, count, readers.map((r) => r()));
              } catch (e: any) { log(x, e.constructor.name, e.message, readers.map((r) => r())); }
          }
        }
      }`);

  bothWays('case tests that await, a default in the middle, break and continue, a return from a later clause', `
      async function pick(x: number, log: any) {
        switch (x) {
          case await WAIT(1):
            const one = await WAIT('one');
            log('one', one);
          default:
            let fallback = 'default ' + x;
            await WAIT(0);
            log(fallback);
            if (x === 5) break;
          case await WAIT(2):
            const two = await WAIT('two');
            return [two, fallback, one];
        }
        return 'broke';
      }
      export async function main(log: any) {
        for (const x of [1, 2, 5, 7]) {
          try { log(await pick(x, log)); } catch (e: any) { log(x, e.constructor.name, e.message); }
        }
      }`);
});

// ------------------------------------------------------------------------------------------
describe('destructuring declarations in the head of a for loop that awaits', () => {
  bothWays('per-iteration bindings from a pattern, var and let, awaits in the head or the body, continue', `
      export async function main(log: any) {
        const fns: (() => unknown)[] = [];
        for (let [i, { n = 3 }] = [0, {}], k = i + 1; i < n; i++, k *= 2) {
          fns.push(() => n);
          log(i, n, k, await WAIT(i));
          if (i === 1) continue;
          log('after continue', i);
        }
        for (var [a, b] = [await WAIT(1), 2]; a < 4; a += b) log('var', a, await WAIT(b));
        for (let [x, ...rest] = [await WAIT(0), 1, 2]; x < 2; x = x + await WAIT(1)) log('head awaits', x, rest);
        outer: for (let { p, q: [r] } = { p: 'p', q: 'r' }; ; ) {
          for (let [j] = [0]; j < 3; j++) { log('object', p, r, j, await WAIT(j)); if (j === 1) break outer; }
        }
        log(fns.map((f) => f()), a, b);
      }`);
});

// ------------------------------------------------------------------------------------------
describe('destructuring declarations in the head of a for loop whose body awaits', () => {
  bothWays('const patterns: the loop stays as written, each iteration and closure sees the same values', `
      export async function main(log: any) {
        const fns: (() => unknown)[] = [];
        let total = 0;
        for (const [a, { b = 3 }] = [1, {} as any], n = a + b; total < n; ) { fns.push(() => [a, b, n]); total += await WAIT(a); }
        for (const { x, y: [z] } = { x: 'x', y: 'z' }; fns.length < 6; ) { fns.push(() => x + z); log(x, z, await WAIT(fns.length)); }
        return [total, fns.map((f) => f())];
      }`, { log: [['x', 'z', 5], ['x', 'z', 6]], returns: [4, [[1, 3, 4], [1, 3, 4], [1, 3, 4], [1, 3, 4], 'xz', 'xz']] });

  bothWays('a let pattern whose default reads an earlier name of it: a binding per iteration, closures keep theirs', `
      export async function main(log: any) {
        const fns: (() => unknown)[] = [];
        for (let [i, j = i * 10] = [1]; i < 4; i++) { fns.push(() => [i, j]); log(i, j, await WAIT(i)); j += 1; }
        return fns.map((f) => f());
      }`, { log: [[1, 10, 1], [2, 11, 2], [3, 12, 3]], returns: [[1, 11], [2, 12], [3, 13]] });

  for (const [name, loop] of [
    ['a default reads a later name of the pattern: ReferenceError', 'for (let [a = b, b] = [undefined, 1]; ; ) { log(await WAIT(a)); break; }'],
    ['a default of a const pattern reads a later name: ReferenceError', 'for (const { p = q, q } = {} as any; ; ) { log(await WAIT(p)); break; }'],
    ['a closure of an earlier declarator reads the pattern in its initialiser: ReferenceError', 'for (let f = () => z, [z] = [f()]; ; ) { log(await WAIT(z)); break; }'],
    ['a name of a const pattern assigned after an await: TypeError', 'for (const [c, d] = [1, 2]; ; ) { log(c, d, await WAIT(c)); (c as any) = 3; }'],
    ['a const beside a pattern assigned after an await: TypeError', 'for (const [e] = [1], n = 0; ; ) { log(e, await WAIT(n)); (n as any) = 1; }'],
  ] as const) {
    bothWays(`destructuring in the head of a for loop whose body awaits: ${name}`, `
      export async function main(log: any) {
        ${loop}
      }`, { throws: true });
  }
});

// ------------------------------------------------------------------------------------------
describe('let and const patterns that a resumption passes: dead zones and constant names', () => {
  bothWays('names initialised in order, read in their dead zone by the pattern or a closure, assigned when constant', `
    export async function main(log: any) {
      const [m, n = m + 1] = [1];
      await WAIT(0);
      log(m, n);
      try { let [a = b, b] = [undefined, 1]; await WAIT(0); log('never', a, b); } catch (e: any) { log(e.name, e.message); }
      try { const read = () => x; const [x] = [read()]; await WAIT(0); log('never', x); } catch (e: any) { log(e.name, e.message); }
      try { function hoisted() { return y; } const { y = hoisted() } = {} as any; await WAIT(0); log('never', y); } catch (e: any) { log(e.name, e.message); }
      try { const { c, d: [k] } = { c: 1, d: [2] }; await WAIT(0); log(c, k); (k as any) = 3; log('never'); } catch (e: any) { log(e.name, e.message); }
      let [f, g] = [1, 2];
      const swap = () => { [f, g] = [g, f]; };
      await WAIT(0);
      swap();
      return [f, g];
    }`, {
    log: [
      [1, 2],
      ['ReferenceError', "Cannot access 'b' before initialization"],
      ['ReferenceError', "Cannot access 'x' before initialization"],
      ['ReferenceError', "Cannot access 'y' before initialization"],
      [1, 2],
      ['TypeError', 'Assignment to constant variable.'],
    ],
    returns: [2, 1],
  });
});

// ------------------------------------------------------------------------------------------
describe('tagged templates with awaits', () => {
  test('the tag and its receiver are read first; the template object is one per site', () =>
    same(`
      const seen: TemplateStringsArray[] = [];
      function tag(this: any, strings: TemplateStringsArray, ...values: unknown[]) { seen.push(strings); return [this?.name, strings.raw.join('|'), strings.join('|'), values]; }
      const obj = { name: 'obj', tag };
      export async function main(log: any) {
        for (let i = 0; i < 2; i++) log(tag\`a\${await later(i)}b\\n\${i}c\`, obj.tag\`x\${await slow('y')}\\u{41}\`);
        log(seen[0] === seen[2], seen[0] === seen[1], Object.isFrozen(seen[0]), String.raw\`r\${await later(1)}\\t\`);
      }`));
});

// ------------------------------------------------------------------------------------------
describe('optional chains with awaits', () => {
  test('a nullish link skips the rest of the chain, awaits included; receivers kept for calls', () =>
    same(`
      const obj: any = { name: 'o', m(x: number) { return [this.name, x]; }, nested: { f: async (v: unknown) => v } };
      export async function main(log: any) {
        const none: any = null;
        const counter = { count: 0 };
        const side = () => { counter.count++; return later(1); };
        log(none?.m(await side()), counter.count);
        log(obj?.m(await side()), counter.count);
        log((await later(obj))?.name, (await later(none))?.name, (await later(undefined))?.x.y.z);
        log(await obj.nested?.f(await later('v')), await obj.missing?.f(await side()), counter.count);
        log(obj.m?.(await later(2)), none?.[await side()], obj?.['na' + (await later('me'))]);
        const f: any = undefined;
        log(f?.(await side()), counter.count);
      }`));

  bothWays('optional calls with awaited arguments: callee, receiver and arguments in order; nullish callees skip the arguments', `
    export async function main(log: any) {
      const t = (x: string, v?: any) => { log(x); return v; };
      const o: any = { name: 'o', m(...a: unknown[]) { log('call', this?.name, a); return a.length; }, get g() { log('get g'); return this.m; } };
      log(t('f', o.m)?.(t('a1', 1), await WAIT(t('a2', 2)), t('a3', 3)));
      log(t('o', o).m?.(await WAIT(t('a', 1)), t('b', 2)));
      log(t('o', o)?.m(t('a', 1), await WAIT(2)));
      log(t('o', o)?.g(await WAIT(1)), t('o', o).g?.(await WAIT(2)), t('o', o)?.['g'](await WAIT(3)));
      log(t('o', o)?.missing?.(t('skipped', 0), await WAIT(log('never'))));
      log(t('f', null)?.(await WAIT(log('never'))), t('f', undefined)?.(t('never', 0), await WAIT(0)));
      log(t('o', null)?.m(await WAIT(log('never'))).x.y, t('o', o).nothing?.(await WAIT(0)));
      log(t('o', o)?.m(await WAIT(1))?.toFixed(await WAIT(1)));
      return 'end';
    }`, { returns: 'end' });

  for (const [name, body] of [
    ['a callee that is not a function, after the arguments', "const f: any = 5; return t('f', f)?.(t('a', 1), await WAIT(2), t('b', 3));"],
    ['a reassigned callee that is not a function', "let f: any = 5; f = 6; return f?.(await WAIT(2));"],
    ['a member that is not a function', "const o: any = { m: 5 }; return o.m?.(await WAIT(1), t('b', 2));"],
    ['an optional member that is not a function', "const o: any = { m: 5 }; return o?.m(await WAIT(1));"],
    ['an optional computed member that is not a function', "const o: any = { m: 5 }; const k = 'm'; return o?.[k](await WAIT(1));"],
    ['a plain call of a reassigned non-function', "let f: any = 1; f = 2; return f(await WAIT(1), t('b', 2));"],
    ['a member call of a non-function', "const o: any = { m: 5 }; return o.m(await WAIT(1));"],
    ['a getter that throws', "const o: any = { get m() { log('get'); throw new Error('getter'); } }; return o?.m(await WAIT(t('arg', 1)));"],
    ['an argument that throws after the await', "const o: any = { m: () => 1 }; return o?.m(await WAIT(1), t('b', 2), (() => { throw new Error('arg'); })());"],
    ['a rejected argument', "const o: any = { m: () => 1 }; return o?.m(t('a', 1), await WAITFAIL('rejected'), t('never', 2));"],
    ['the callee throws', "const o: any = { m: () => { throw new Error('callee'); } }; return o.m?.(await WAIT(1));"],
  ] as const) {
    bothWays(`optional calls with awaited arguments: ${name}`, `
      export async function main(log: any) {
        const t = (x: string, v?: any) => { log(x); return v; };
        ${body}
      }`, { throws: true });
  }
});

// ------------------------------------------------------------------------------------------
describe('classes whose heritage or computed keys await', () => {
  bothWays('heritage, then computed keys in order, each converted at once; names kept', `
    export async function main(log: any) {
      const t = (x: string, v?: any) => { log(x); return v; };
      const key = (x: string) => ({ toString() { log('toString ' + x); return x; } });
      class Base { base() { return 'base'; } }
      class C extends t('heritage', Base) {
        [t('k1', key('a'))]() { return 1; }
        [await WAIT(t('k2', key('b')))]() { return 2; }
        static [t('k3', 'c')] = t('init c', 3);
        [t('k4', 'd')] = 4;
        get [await WAIT('e')]() { return 5; }
        [t('k5', 'f')]() { return 6; }
      }
      const c: any = new C();
      log(c.a(), c.b(), (C as any).c, c.d, c.e, c.f(), c.base(), C.name);
      const D = class extends (await WAIT(t('h', C))) { [t('dk', 'x')]() { return 'x'; } async am() { return await WAIT('am'); } };
      log(D.name, new D().x(), (new D() as any).a(), await new D().am());
      let E: any;
      E = class Named { static [await WAIT('s')] = 1; };
      const o = { F: class { [await WAIT('m')]() { return 'm'; } } };
      const [G = class { static [await WAIT('g')] = 'g'; }] = [];
      log(E.name, E.s, o.F.name, new o.F().m(), G.name, (G as any).g);
      return Object.getOwnPropertyNames(C.prototype);
    }`, { returns: ['constructor', 'a', 'b', 'e', 'f'] });

  for (const [name, body] of [
    ['a heritage that is not a constructor is checked after the keys', "class C extends t('h', 5) { [await WAIT(t('k', 'a'))]() {} }"],
    ['an awaited heritage that is not a constructor', "const C = class extends (await WAIT(t('h', 5))) { [t('k', 'a')]() {} };"],
    ['a key whose conversion throws, before an await', "const k = { toString() { throw new Error('key'); } }; class C { [t('a', k)]() {} [await WAIT(t('never', 'b'))]() {} }"],
    ['a rejected key', "class C { [t('a', 'a')]() {} [await WAITFAIL('key')]() {} [t('never', 'c')]() {} }"],
    ['a static initialiser that throws after an awaited key', "class C { static [await WAIT('a')] = t('init', 1); static b = (() => { throw new Error('init'); })(); }"],
  ] as const) {
    bothWays(`classes whose keys await: ${name}`, `
      export async function main(log: any) {
        const t = (x: string, v?: any) => { log(x); return v; };
        ${body}
      }`, { throws: true });
  }
});

// ------------------------------------------------------------------------------------------
describe('classes with async methods whose computed keys await, and the class name before an await', () => {
  bothWays('computed keys before and after an await, of async methods too (static, private, getters): one evaluation each, in order', `
    export async function main(log: any) {
      const t = (x: string, v?: any) => { log(x); return v; };
      const key = (x: string) => ({ toString() { log('toString ' + x); return x; } });
      class Base { base() { return 'base'; } }
      class C extends t('heritage', Base) {
        async m() { return 'm' + (await WAIT(1)); }
        [t('k1', key('a'))]() { return 1; }
        async [t('k2', key('am'))]() { return await WAIT('am'); }
        [await WAIT(t('k3', 'b'))]() { return 2; }
        static async [await WAIT(key('sm'))]() { return 'static ' + (await WAIT(3)); }
        async #p() { return await WAIT('p'); }
        p() { return this.#p(); }
        get [t('k4', 'g')]() { return 'getter'; }
        async [t('k5', key('after'))]() { return 'after'; }
      }
      const c: any = new C();
      log(await c.m(), c.a(), await c.am(), c.b(), await (C as any).sm(), await c.p(), c.g, await c.after(), c.base());
      log(Object.getOwnPropertyNames(C.prototype), c.m.name, c.am.name, (C as any).sm.name, c.m() instanceof Promise, 'prototype' in c.am);
      const D = class extends (await WAIT(C)) { async [await WAIT('x')](v: number) { return v + (await WAIT(1)); } };
      log(D.name, await (new D() as any).x(1), await (new D() as any).after());
      const o = { F: class { async [await WAIT('f')]() { return 'f'; } static async s() { return 's'; } } };
      log(o.F.name, await (new o.F() as any).f(), await (o.F as any).s());
      return Object.getOwnPropertyNames(C);
    }`, { returns: ['length', 'name', 'prototype', 'sm'] });

  bothWays('object literals with async methods whose values or keys await', `
    export async function main(log: any) {
      const t = (x: string, v?: any) => { log(x); return v; };
      const o: any = {
        async m() { return await WAIT('m'); },
        [t('k1', 'k')]: await WAIT(1),
        async [await WAIT('n')]() { return 'n'; },
        async [t('k2', 'x')]() { return await WAIT('x'); },
        v: await WAIT('v'),
      };
      log(Object.keys(o), await o.m(), await o.n(), await o.x(), o.v, o.m.name, o.n.name, 'prototype' in o.m);
    }`);

  test('the async methods of such classes and object literals are compiled: their calls return completed Tasks', () =>
    compiledOnly(`
      export async function main(log: any) {
        class C { async m() { return 1; } async [await later('k')]() { return 2; } async [log('x') ?? 'x']() { return 3; } }
        const o: any = { async m() { return 1; }, [await later('k')]: 0, async [await later('n')]() { return 2; } };
        const c: any = new C();
        return [c.m(), c.k(), c.x(), o.m(), o.n()].map((task) => [task.isCompleted, task.result]);
      }`, { log: ['x'], outcome: { returned: [[true, 1], [true, 2], [true, 3], [true, 1], [true, 2]] } }));

  bothWays("the class's own name in its heritage or keys before an await: in its dead zone; closures there see the class", `
    export async function main(log: any) {
      const t = (x: string, v?: any) => { log(x); return v; };
      try { class K { [t('a', K.name)]() {} [await WAIT('b')]() {} } log('never', K); } catch (e: any) { log(e.name, e.message); }
      try { const C = class K { static [t('a', typeof K)] = 1; [await WAIT('b')]() {} }; log('never', C); } catch (e: any) { log(e.name, e.message); }
      try { class K extends t('h', K) { [await WAIT('b')]() {} } log('never', K); } catch (e: any) { log(e.name, e.message); }
      try { const C = class K extends (await WAIT(Object), K) { [t('k', 'x')]() {} }; log('never', C); } catch (e: any) { log(e.name, e.message); }
      try { class K { [t('a', (K as any) = 1)]() {} [await WAIT('b')]() {} } log('never', K); } catch (e: any) { log(e.name, e.message); }
      let getK: any, setK: any;
      const C = class K { [(getK = () => K, setK = () => { (K as any) = 1; }, 'a')]() { return 'a'; } [await WAIT('b')]() { return K; } };
      log(getK() === C, new (C as any)().b() === C, getK().name);
      try { setK(); } catch (e: any) { log(e.name, e.message); }
      let shorthand: any;
      class S { [(shorthand = () => ({ S }), 's')]() {} async [await WAIT('m')]() { return await WAIT(S.name); } }
      log(shorthand().S === S, await (new S() as any).m());
      const K = 'outer';
      const E = class K2 { [K]() {} [await WAIT('e')]() {} };
      return Object.getOwnPropertyNames(E.prototype);
    }`, { returns: ['constructor', 'outer', 'e'] });
});

// ------------------------------------------------------------------------------------------
describe('super and new.target in async functions that await', () => {
  test('super calls and super property reads in class, static and object-literal methods, and arrows inside them', () =>
    same(`
      class Base {
        name = 'base';
        get who() { return 'getter sees ' + this.name; }
        greet(x: unknown) { return \`hello \${x} from \${this.name}\`; }
        static s() { return 'static ' + this.name; }
      }
      class Derived extends Base {
        name = 'derived';
        async run(x: number) {
          const before = super.greet(x);
          await later(0);
          const after = super.greet(await later(x + 1));
          const arrow = async () => { await later(0); return super.who; };
          return [before, after, super.who, await arrow(), new.target];
        }
        static async srun() { await later(0); return [super.s(), new.target]; }
      }
      const o = { __proto__: { hi() { return 'proto hi ' + (this as any).tag; } }, tag: 'obj', async m() { await later(0); return super.hi(); } } as any;
      export async function main(log: any) {
        log(await new Derived().run(1), await Derived.srun(), await o.m());
      }`));
});

// ------------------------------------------------------------------------------------------
describe('super forms with awaits', () => {
  bothWays('assignments to super properties, optional chains and tagged templates on super, in order', `
    export async function main(log: any) {
      const t = (x: string, v?: any) => { log(x); return v; };
      const key = (x: string) => ({ toString() { log('toString ' + x); return x; } });
      class Base {
        set x(v: any) { log('set x', v, (this as any).name); } get x() { log('get x'); return 10; }
        m(...a: any[]) { return [(this as any).name, ...a]; }
        tag(s: TemplateStringsArray, ...v: any[]) { return [(this as any).name, s.join('|'), ...v]; }
      }
      class Derived extends Base {
        name = 'derived';
        async run() {
          super.x = await WAIT(t('v1', 1));
          super[t('k', key('x'))] = await WAIT(t('v2', 2));
          super.x += await WAIT(t('v3', 3));
          super.y = await WAIT(4);
          log(super.y, (this as any).y);
          [super.x] = [await WAIT(5)];
          log(super.m?.(t('a', 1), await WAIT(2)), super.missing?.(await WAIT(log('never'))), super['m']?.(await WAIT(3)));
          log(super.tag\`a\${t('s1', 1)}b\${await WAIT(2)}c\`, super[await WAIT('tag')]?.call(this, ['z']));
          const arrow = async () => { super.x = await WAIT(6); return super.m?.(await WAIT(7)); };
          log(await arrow());
          const o = { name: 'o', tag(s: TemplateStringsArray, ...v: any[]) { return [this.name, ...v]; } };
          log((o?.tag)\`\${await WAIT(1)}\`);
          return 'end';
        }
      }
      return await new Derived().run();
    }`, { returns: 'end' });

  bothWays('super[k] with an await in or after the key: reads, updates, compound assignments, in arrows, static and object-literal methods (fuzzer, seed 1)', `
    class SBase { own: any = 'own'; get g() { return ['g', this.own]; } static get g() { return 'static g'; } }
    Object.assign(SBase.prototype, { p: 'bp', n: 5 });
    Object.assign(SBase, { p: 'sp', n: 50 });
    export async function main(log: any) {
      const t = (x: string, v?: any) => { log(x); return v; };
      const r1 = await new (class extends SBase {
        async run() {
          log(super[await WAIT('p')], [super[t('k', 'n')], await WAIT(1)], \`\${super[await WAIT('g')]}\`, typeof super[await WAIT('n')]);
          log(super[await WAIT('n')]++, ++super[t('k2', 'n')], super.n++, (this as any).n);
          super[await WAIT('n')] += await WAIT(10);
          log((this as any).n, super.n);
          log(super[await WAIT('g')] ?? 'none', super[await WAIT('missing')] ?? 'missing');
          const f = async () => [super[await WAIT('g')], super.n--, --super[await WAIT('n')], (this as any).n];
          log(await f(), await (async () => ++super[await WAIT('n')])());
          try { log(delete super[await WAIT('p')]); } catch (e: any) { log(e.name, e.message); }
          return [this.own, (this as any).n];
        }
      })().run();
      const r2 = await (class extends SBase {
        static async run() { return [super[await WAIT('p')], super[await WAIT('g')], super.n++, ++super[await WAIT('n')], (this as any).n]; }
      }).run();
      const r3 = await ({ __proto__: SBase.prototype, own: 'lit', async run() { return [super[await WAIT('g')], super[await WAIT('n')]++, (this as any).n]; } } as any).run();
      return [r1, r2, r3];
    }`);

  for (const [name, body] of [
    ['a super method that is not a function', 'return super.nope(await WAIT(1));'],
    ['a super tag that is not a function', 'return super.nope\`\${await WAIT(1)}\`;'],
    ['a super setter that throws', "super.bad = await WAIT(1);"],
    ['a super key that throws on conversion, after the value', "super[{ toString() { log('key'); throw new Error('key'); } }] = await WAIT(log('value'));"],
    ['a rejected value assigned to a super property', "super.x = await WAITFAIL('value');"],
  ] as const) {
    bothWays(`super forms with awaits: ${name}`, `
      export async function main(log: any) {
        class Base { m = 5; set bad(v: any) { throw new Error('setter ' + v); } }
        class Derived extends Base { async run() { ${body} } }
        return await new Derived().run();
      }`, { throws: true });
  }

  test('super(...) with an awaited argument, in an async arrow inside a derived constructor', () =>
    same(`
      export async function main(log: any) {
        class A { constructor(public v: number) { log('A', v); } }
        class B extends A {
          m: Promise<unknown>;
          constructor(p: Promise<number>) {
            const make = async () => { log('before'); super(await p, log('arg')); };
            const m = make();
            super(1);
            this.m = m;
          }
        }
        return await new B(later(2)).m;
      }`, { throws: true, log: ['before', ['A', 1], 'arg', ['A', 2]] }));
});

// ------------------------------------------------------------------------------------------
describe('closures over variables that change across awaits (boxed)', () => {
  test('flags set by callbacks, counters, shorthand properties, parameters, nested activations', () =>
    same(`
      export async function main(log: any) {
        let done = false;
        setTimeout(() => { done = true; }, 5);
        let ticks = 0;
        while (!done) { await later(1); ticks++; }
        const b = await later('b');
        const get = () => b;
        let count = 0;
        const inc = () => ++count;
        inc(); await later(0); inc(); count += 10; await slow(0);
        const { v } = { v: count };
        const shorthand = () => ({ count });
        async function counter(start: number) {
          const bump = () => start++;
          await later(0); bump(); await later(0); bump();
          return [start, bump()];
        }
        let total = 0;
        [1, 2].forEach((n) => { total += n; });
        await later(0);
        return [ticks > 0, get(), count, inc(), v, shorthand(), await counter(5), await counter(1), total];
      }`));
});

// ------------------------------------------------------------------------------------------
describe('boxed variables written by lowered assignments (BUGS.md 28)', () => {
  test('x = await, x += await, x ||= await and destructuring into a boxed variable or parameter', () =>
    same(`
      async function withParam(x: number) { const get = () => x; x = await later(5); x += await later(1); return [x, get()]; }
      export async function main(log: any) {
        let x = 1;
        const get = () => x;
        x = await later(2); log(get());
        x += await later(3); log(get());
        x ||= await later(9); log(get());
        ({ x } = { x: await later(7) }); log(get());
        return [x, get(), await withParam(0)];
      }`, { log: [2, 5, 5, 7], returns: [7, 7, [6, 6]] }));
});

// ------------------------------------------------------------------------------------------
describe('found by test262', () => {
  test('an async function that never awaits keeps its default and destructured parameters', () =>
    same(`
      async function f(a = 1, b = 2) { return [a, b]; }
      async function g({ x } = { x: 5 }) { return x; }
      const y: any = null;
      async function h(x = y()) { return x; }
      export async function main(log: any) { return [await f(10), await g(), await h().then(() => 'resolved', (e: any) => e.constructor.name)]; }`,
      { returns: [[10, 2], 5, 'TypeError'] }));

  test('awaiting a native promise with a patched then, a foreign thenable, and a compiled task from native code: same ticks as native', () =>
    same(`
      async function quickTask() { return 1; }
      export async function main(log: any) {
        const p = Promise.resolve(42);
        (p as any).then = function (...a: any[]) { log('patched'); return Promise.prototype.then.apply(this, a as any); };
        const ticks = async (name: string) => { for (let i = 1; i <= 3; i++) { await Promise.resolve(); log(name + ' tick ' + i); } };
        const a = ticks('a'); log('await', await p); await a;
        const b = ticks('b'); log('thenable', await { then(r: any) { r('v'); } }); await b;
        const native = new Function('task', 'log', 'return (async () => { log("native got", await task()); })()');
        const c = ticks('c'); await native(quickTask, log); await c;
      }`));
});

// ------------------------------------------------------------------------------------------
// Shrunk counterexamples of the property-based fuzzer (test/fuzz.test.ts), verbatim.
describe('found by the fuzzer', () => {
  test('an expression statement that is a parenthesised object literal with an await after a spread', () =>
    same(`
      const o: any = { p: 1, q: 2 };
      export async function main(log: any) {
        let a: any = 1, b: any = 2;
        if (0) {} else {
          ({ ...o, p: (0 && (await 0)), ...{ q: 0 } });
        }
        log(0, 0);
        return [a, b];
      }`, { log: [[0, 0]], returns: [1, 2] }));

  test('parenthesised object literals, functions and classes as expression statements that await', () =>
    same(`
      export async function main(log: any) {
        ({ q: log('q'), p: await later(1) });
        (function (this: any) { log('this', this); }).call(await later(2));
        (class { static x = log('static') }).name + (await later(3));
        return 'end';
      }`, { log: ['q', ['this', 2], 'static'], returns: 'end' }));

  test('an async arrow whose body is a comma expression, in nested loops (seed 4)', () =>
    same(`
      export async function main(log: any) {
        let a: any = 1, b: any = 2;
        for (const x0 of [0, 0]) {
          {
            for (let i0 = 0; i0 < 1; i0++) {
              log(0, (await (async (p0: any) => (0, 1))(0)));
            }
          }
        }
        log(1, 0);
        return [a, b];
      }`));

  test('an async arrow whose body is a comma expression, in a while loop (seed 5)', () =>
    same(`
      export async function main(log: any) {
        let a: any = 1, b: any = 2;
        {
          { let g0 = 0; while (g0++ < 1) {
            log(0, (await (async (p0: any) => (0, 1))(0)));
          } }
        }
        log(1, 0);
        return [a, b];
      }`));

  test('an async arrow whose body is a comma expression, as a new argument (seed 6)', () =>
    same(`
      class Box { v: any; constructor(v: any) { this.v = v; } }
      export async function main(log: any) {
        let a: any = 1, b: any = 2;
        log(0, new Box(((await (async (p0: any) => (0, 1))(0)) && 1)).v);
        log(1, 0);
        return [a, b];
      }`));

  test('an async arrow whose body is a comma expression with an optional chain, in a finally (seed 7)', () =>
    same(`
      const maybe = (v: any) => (typeof v === 'number' && v % 2 ? { p: v, q: [v], f(x: any) { return [this.p, x]; } } : null);
      export async function main(log: any) {
        let a: any = 1, b: any = 2;
        try {} finally {
          for (const x0 of [0, 0]) {
            log(0, (await (async (p0: any) => (0, (maybe(0)?.q[0 ? 0 : 1] ?? 1)))(0)));
          }
        }
        log(1, 0);
        return [a, b];
      }`));

  test('an async arrow whose body is a comma expression, in a template literal (seed 9)', () =>
    same(`
      export async function main(log: any) {
        let a: any = 1, b: any = 2;
        if (1) {
          log(0, (await \`\${(await (async (p0: any) => (0, 1))(0))}-\${0}\`));
        }
        return [a, b];
      }`));

  test('an async arrow whose body is a comma expression, in a try block (seed 10)', () =>
    same(`
      const msg = (e: any) => (e instanceof Error ? e.message : e);
      export async function main(log: any) {
        let a: any = 1, b: any = 2;
        {
          if (1) {
            try {
              log(0, (await (async (p0: any) => (0, 1))(0)));
            } catch (e0) {
              log('caught', msg(e0));
            }
          }
        }
        log(1, 0);
        return [a, b];
      }`));

  test('an expression statement: a comma expression whose last operand is an object literal with an await (seed 11)', () =>
    same(`
      const o: any = { p: 1, q: 2 };
      export async function main(log: any) {
        let a: any = 1, b: any = 2;
        if (0) {} else {
          0, ({ ...o, p: 0, ...{ q: (await 0) } });
        }
        return [a, b];
      }`));

  test('async arrows whose bodies are comma expressions, with and without awaits', () =>
    same(`
      export async function main(log: any) {
        const f = async () => (0, 1);
        const g = async (x: any) => (log('g'), x + 1);
        const h = async (x: any) => (await later(x), log('h'), x * 2);
        return [await f(), await g(1), await h(3)];
      }`, { log: ['g', 'h'], returns: [1, 2, 6] }));

  test('a closure created before a shadowing let, called in its dead zone, names it as written (seed 1)', () =>
    same(`
      const msg = (e: any) => (e instanceof Error ? e.message : e);
      export async function main(log: any) {
        let a: any = 1;
        {
          const f0 = () => a;
          try { log(0, f0()); } catch (e0) { log(1, msg(e0)); }
          let a = 0;
          log(2, f0());
        }
        let [d0, d1 = (await 0)] = [0];
        return a;
      }`, { log: [[1, "Cannot access 'a' before initialization"], [2, 0]], returns: 1 }));

  test('two shadowing bindings of one name read in their dead zones (seed 1)', () =>
    same(`
      const msg = (e: any) => (e instanceof Error ? e.message : e);
      export async function main(log: any) {
        let a: any = 1;
        {
          const f0 = () => a;
          try { log(0, f0()); } catch (e0) { log(1, msg(e0)); }
          let a = 0;
        }
        {
          const f1 = () => a;
          try { log(2, f1()); } catch (e1) { log(3, msg(e1)); }
          let a = 0;
        }
        await 0;
        return a;
      }`, { log: [[1, "Cannot access 'a' before initialization"], [3, "Cannot access 'a' before initialization"]], returns: 1 }));

  bothWays('shadowing bindings of one name in blocks apart, read in their dead zones, live across awaits, with the shadowed one live too', `
    const msg = (e: any) => (e instanceof Error ? e.message : e);
    export async function main(log: any) {
      let a: any = 1;
      const fns: any[] = [];
      for (let i = 0; i < 2; i++) {
        {
          const f0 = () => a;
          fns.push(f0);
          try { log(0, f0()); } catch (e0) { log(1, msg(e0)); }
          log('outer', await WAIT(i));
          let a = await WAIT('first ' + i);
          log(2, f0(), await WAIT(a));
        }
        a = await WAIT(a + 1);
        {
          const f1 = () => a;
          try { log(3, f1()); } catch (e1) { log(4, msg(e1)); }
          label: { let a = 'second'; log(5, f1(), await WAIT(a)); }
        }
        {
          try { log(6, a); } catch (e1) { log(7, msg(e1)); }
          let a = 'third';
          fns.push(() => a);
          await WAIT(0);
          a += '!';
        }
      }
      log(fns.map((f) => f()));
      return a;
    }`, { returns: 3 });

  test('shadowing bindings of one name read in their dead zones, one block inside the other (BUGS.md 19)', () =>
    same(`
      const msg = (e: any) => (e instanceof Error ? e.message : e);
      export async function main(log: any) {
        let a: any = 1;
        {
          const f0 = () => a;
          try { log(0, f0()); } catch (e0) { log(1, msg(e0)); }
          let a = 0;
          {
            const f1 = () => a;
            try { log(2, f1()); } catch (e1) { log(3, msg(e1)); }
            let a = await later(5);
            log(a);
          }
        }
        return a;
      }`, { log: [[1, "Cannot access 'a' before initialization"], [3, "Cannot access 'a' before initialization"], 5], returns: 1 }));

  bothWays('shadowing bindings read in their dead zones, one block inside the other: the outer one dead in the inner block, or live after it or around it in a loop', `
    const msg = (e: any) => (e instanceof Error ? e.message : e);
    export async function main(log: any) {
      const fns: any[] = [];
      {
        const f0 = () => a;
        try { log(0, f0()); } catch (e) { log(1, msg(e)); }
        let a = await WAIT('outer');
        {
          const f1 = () => a;
          try { log(2, f1()); } catch (e) { log(3, msg(e)); }
          let a = await WAIT('inner');
          fns.push(f1);
          log(4, f1(), a, await WAIT(0));
        }
        log(5, f0());
        fns.push(f0);
      }
      {
        const g0 = () => b;
        let b = 'outer b';
        { const g1 = () => b; let b = await WAIT('inner b'); log(6, g1(), b); }
        log(7, g0(), b);
      }
      {
        const h0 = () => c;
        let c = 0;
        for (let i = 0; i < 2; i++) {
          log(8, c);
          { const h1 = () => c; let c = await WAIT(i); fns.push(h1); log(9, h1(), c); }
          c += 10;
        }
        log(10, h0());
      }
      return fns.map((f) => f());
    }`, { returns: ['inner', 'outer', 0, 1] });

  test('a switch case binding read in its dead zone from a later case, shadowed there by a block read in its own (seed 6)', () =>
    same(`
      const msg = (e: any) => (e instanceof Error ? e.message : e);
      export async function main(log: any) {
        switch (0) {
          case 1:
            let v0 = 0;
          default:
            try { log(0, v0); } catch (e) { log(1, msg(e)); }
            {
              const f0 = () => v0;
              try { log(2, f0()); } catch (e0) { log(3, msg(e0)); }
              let v0 = await later(4);
              log(4, f0());
            }
        }
        await 0;
      }`, { log: [[1, "Cannot access 'v0' before initialization"], [3, "Cannot access 'v0' before initialization"], [4, 4]] }));

  test('a destructuring for-of or for await head meeting undefined, null or a non-iterable names .for (seed 2)', async () => {
    const heads = [
      'for await (const { p: x0, [key(0)]: x1 = 0 } of [w0, later(0)]) { var w0 = 0; }',
      'for (const { p } of [null]) { await 0; }',
      'for (const [p] of [1]) { await 0; }',
      'for await (const [p] of [undefined]) {}',
    ];
    for (const head of heads) {
      await same(`
        const key = (v: any) => (typeof v === 'number' && v % 2 ? 'p' : 'q');
        export async function main(log: any) {
          ${head}
        }`, { throws: true });
    }
  });

  bothWays('destructuring errors name the value as V8 does: loop heads declared or assigned, lowered or not, lowered declarations, catch parameters', `
    const msg = (e: any) => (e instanceof Error ? e.message : e);
    const key = (v: any) => (typeof v === 'number' && v % 2 ? 'p' : 'q');
    const f = (v: any) => v;
    export async function main(log: any) {
      const o: any = {};
      for (const v of [undefined, null, 1, {}, true, Symbol('s'), 1n, 's'] as any[]) {
        o.v = v;
        try { for (const { p } of [v]) { await WAIT(0); } } catch (e) { log(1, msg(e)); }
        try { for (const { p = 1 } of [v]) { await WAIT(0); } } catch (e) { log(2, msg(e)); }
        try { for (let { [key(1)]: p, ...r } of [v]) { await WAIT(0); } } catch (e) { log(3, msg(e)); }
        try { for (const [p] of [v]) { await WAIT(0); } } catch (e) { log(4, msg(e)); }
        try { for (var [w] of [v]) { await WAIT(0); } } catch (e) { log(5, msg(e)); }
        try { for (const [p, q = await WAIT(0)] of [v]) {} } catch (e) { log(6, msg(e)); }
        try { for (const { p, q = await WAIT(0) } of [v]) {} } catch (e) { log(7, msg(e)); }
        try { for await (const [p] of [v]) {} } catch (e) { log(8, msg(e)); }
        try { for await (const { p } of [v]) {} } catch (e) { log(9, msg(e)); }
        let a: any, b: any;
        try { for ({ p: a } of [v]) { await WAIT(0); } } catch (e) { log(10, msg(e)); }
        try { for ([a] of [v]) { await WAIT(0); } } catch (e) { log(11, msg(e)); }
        try { for ([a, b = await WAIT(0)] of [v]) {} } catch (e) { log(12, msg(e)); }
        try { for ({ p: a, q: b = await WAIT(0) } of [v]) {} } catch (e) { log(13, msg(e)); }
        try { for await ([a] of [v]) {} } catch (e) { log(14, msg(e)); }
        try { for await ({ p: a } of [v]) {} } catch (e) { log(15, msg(e)); }
        try { const x = v; const [q = await WAIT(0)] = x; } catch (e) { log(16, msg(e)); }
        try { const [q = await WAIT(0)] = await WAIT(v); } catch (e) { log(17, msg(e)); }
        try { const [q = await WAIT(0)] = f(v); } catch (e) { log(18, msg(e)); }
        try { const [q = await WAIT(0)] = o.v; } catch (e) { log(19, msg(e)); }
        try { const { p, q = await WAIT(0) } = o.v; } catch (e) { log(20, msg(e)); }
        try { [a = await WAIT(0)] = v; } catch (e) { log(21, msg(e)); }
        try { try { throw v; } catch ([c = await WAIT(0)]) {} } catch (e) { log(22, msg(e)); }
        try { try { throw v; } catch ({ c = await WAIT(0) }) {} } catch (e) { log(23, msg(e)); }
        try { try { throw v; } catch ({ c, d = await WAIT(0) }) {} } catch (e) { log(24, msg(e)); }
      }
    }`);

  test('destructuring errors of a declaration whose initialiser awaits, or that a resumption passes (BUGS.md 31)', () =>
    same(`
      const msg = (e: any) => (e instanceof Error ? e.message : e);
      export async function main(log: any) {
        const x: any = {}, n: any = null;
        try { const [a] = x; await later(0); } catch (e) { log(1, msg(e)); }
        try { const [a] = 1 as any; await later(0); } catch (e) { log(2, msg(e)); }
        try { const { a } = n; await later(0); } catch (e) { log(3, msg(e)); }
        try { const { a } = await later(null as any); } catch (e) { log(4, msg(e)); }
        try { const [a] = await later(1 as any); } catch (e) { log(5, msg(e)); }
        try { let a; ({ a } = await later(null as any)); } catch (e) { log(6, msg(e)); }
      }`));

  bothWays('destructuring errors name the value as V8 does: declarations passed by a resumption, initialisers that await or hold renamed, boxed names or this, assignments, for heads, catch and parameter patterns (BUGS.md 31)', `
    const msg = (e: any) => (e instanceof Error ? e.message : e);
    const id = (v: any) => v;
    async function params([b]: any, { a }: any, { c }: any = null) { await WAIT(0); return [a, b, c]; }
    async function keyed({ [id('a')]: a }: any, { a: d = 1 }: any) { await WAIT(0); return [a, d]; }
    async function ofThis(this: any) { try { const { a } = this; await WAIT(0); } catch (e) { return msg(e); } }
    export async function main(log: any) {
      const o: any = {};
      for (const v of [undefined, null, 1, {}, 's'] as any[]) {
        o.v = v;
        const x = v;
        try { const [a] = x; await WAIT(0); } catch (e) { log(1, msg(e)); }
        try { const { a } = x; await WAIT(0); } catch (e) { log(2, msg(e)); }
        try { let [a] = o.v; await WAIT(0); } catch (e) { log(3, msg(e)); }
        try { var [w] = id(x); await WAIT(0); } catch (e) { log(4, msg(e)); }
        try { const { a = 1 } = x; await WAIT(0); } catch (e) { log(5, msg(e)); }
        try { const { [id('a')]: a } = x; await WAIT(0); } catch (e) { log(6, msg(e)); }
        try { const { ...r } = x; await WAIT(0); } catch (e) { log(7, msg(e)); }
        try { const [a] = 1 as any; await WAIT(0); } catch (e) { log(8, msg(e)); }
        try { const [a] = this ?? x; await WAIT(0); } catch (e) { log(9, msg(e)); }
        try { const { a } = await WAIT(x); } catch (e) { log(10, msg(e)); }
        try { const [a] = await WAIT(x); } catch (e) { log(11, msg(e)); }
        try { const [a] = id(await WAIT(x)); } catch (e) { log(12, msg(e)); }
        try { const { a } = id(await WAIT(x)); } catch (e) { log(13, msg(e)); }
        try { const { a } = o[await WAIT('v')]; } catch (e) { log(14, msg(e)); }
        try { const [a] = o[await WAIT('v')]; } catch (e) { log(15, msg(e)); }
        try { const [a] = x, [b] = await WAIT(x); } catch (e) { log(16, msg(e)); }
        try { let a; ({ a } = await WAIT(x)); } catch (e) { log(17, msg(e)); }
        try { let a; [a] = await WAIT(x); } catch (e) { log(18, msg(e)); }
        try { for (let [a] = x, i = 0; i < 1; i++) await WAIT(0); } catch (e) { log(19, msg(e)); }
        try { for (let { a } = x, i = 0; i < 1; i++) await WAIT(0); } catch (e) { log(20, msg(e)); }
        try { try { throw x; } catch ({ a }) { await WAIT(0); } } catch (e) { log(21, msg(e)); }
        try { try { throw x; } catch ([a]) { await WAIT(0); } } catch (e) { log(22, msg(e)); }
        try { await params(x, {}, {}); } catch (e) { log(23, msg(e)); }
        try { await params([], x, {}); } catch (e) { log(24, msg(e)); }
        try { await params([], {}, x); } catch (e) { log(25, msg(e)); }
        try { await keyed(x, {}); } catch (e) { log(26, msg(e)); }
        try { await keyed({}, x); } catch (e) { log(27, msg(e)); }
      }
      log(28, await ofThis.call(null), await ofThis.call(undefined));
      const z: any = 0;
      {
        const z: any = null; // renamed in the compiled code
        try { const { a } = z; await WAIT(0); } catch (e) { log(29, msg(e)); }
        try { const [a] = z; } catch (e) { log(30, msg(e)); }
        try { for (let [a] = z; ;) { await WAIT(0); break; } } catch (e) { log(31, msg(e)); }
        try { for (const { a } = z; ;) { break; } } catch (e) { log(32, msg(e)); }
        switch (z) { case null: try { let [a] = z; await WAIT(0); } catch (e) { log(33, msg(e)); } }
      }
      let y: any = null;
      const read = () => y; // y is boxed
      await WAIT(0);
      y = undefined;
      try { const { a } = y; } catch (e) { log(34, msg(e), read()); }
      try { const [a] = y; } catch (e) { log(35, msg(e)); }
      return z;
    }`, { returns: 0 });

  bothWays('a loop head pattern left to the engine reads the iterator method and the for await value once', `
    export async function main(log: any) {
      const iterable = { get [Symbol.iterator]() { log('get iterator'); return function* () { yield 1; }; } };
      for (const [p] of [iterable]) { log(p); await WAIT(0); }
      const results = { [Symbol.asyncIterator]() { let done = false; return { next: async () => {
        const result = { done, get value() { log('get value'); return { p: 2 }; } }; done = true; return result; } }; } };
      for await (const { p } of results) { log(p); await WAIT(0); }
    }`, { log: ['get iterator', 1, 'get value', 2] });

  test('a boxed var declared in a nested block that does not await (seed 2)', () =>
    same(`
      export async function main(log: any) {
        const f = () => w0;
        { var w0 = 0; }
        w0 = 1;
        await 0;
        return f();
      }`, { returns: 1 }));

  test('boxed vars declared in statements without awaits: if, try, switch, labels, loop bodies, patterns', () =>
    same(`
      export async function main(log: any) {
        const read = () => [a, b, c, d, e, g, h];
        if (log) { var a = 1; } else { var a = -1; }
        try { var b = 2; } finally { var c; }
        switch (a) { case 1: var d = 4; break; default: var d = -4; }
        block: { var e = 5; if (e) break block; e = -5; }
        for (let i = 0; i < 2; i++) { var g = i; }
        { var { h } = { h: 7 }; }
        log(read());
        await later(0);
        a++; b++; c = 3; d++; e++; g++; h++;
        log(read());
        await 0;
        { var a = 10; }
        return read();
      }`));
});

// ------------------------------------------------------------------------------------------
describe('awaits inside destructuring defaults and computed keys', () => {
  bothWays('declarations: the source first, then each property in order, defaults only for undefined, computed keys, rest', `
    export async function main(log: any) {
      const src: any = {
        get a() { log('get a'); return undefined; },
        get b() { log('get b'); return 2; },
        get k() { log('get k'); return 'K'; },
        get n() { log('get n'); return null; },
        x: 9, y: 10,
      };
      const source = () => { log('source'); return src; };
      const key = (k: string) => { log('key', k); return k; };
      const { a = await WAIT('A'), b = await WAIT('B'), [await WAIT(key('k'))]: c, n = await WAIT('n'), ...rest } = source();
      log(a, b, c, n, rest);
      let { p: { q = await WAIT('q') } = await WAIT({} as any), r = (log('r default'), 'r') } = {} as any;
      var { v = await WAIT('v'), [key('w')]: w = await WAIT('w') } = {} as any;
      const objKey = { toString() { log('toString'); return 'x'; } };
      const { [await WAIT(objKey) as any]: viaObject } = src;
      return [a, b, c, n, q, r, v, w, viaObject];
    }`, { returns: ['A', 2, 'K', null, 'q', 'r', 'v', 'w', 9] });

  bothWays('array patterns: the iterator is stepped lazily and closed when the pattern is done first, or by a throw', `
    function counting(log: any, name: string, n: number) {
      let i = 0;
      return { [Symbol.iterator]() { log(name, 'iterator'); return this; },
        next() { i++; log(name, 'next', i); return { value: i === 1 ? undefined : i, done: i > n }; },
        return() { log(name, 'return'); return {}; } };
    }
    export async function main(log: any) {
      const [a = await WAIT('a'), , c = await WAIT('c')] = counting(log, 'one', 5);
      log(a, c);
      const [d = await WAIT('d'), e = await WAIT('e'), f = await WAIT('f'), ...g] = counting(log, 'two', 2);
      log(d, e, f, g);
      const [h = await WAIT('h'), [i = await WAIT('i')] = counting(log, 'inner', 1)] = counting(log, 'three', 1);
      log(h, i);
      try {
        const [j = await WAIT('j'), k = await WAITFAIL('k fails')] = counting(log, 'four', 1);
        log('never', j, k);
      } catch (error: any) { log('caught', error.message); }
      try {
        const [l = await WAIT('l'), { m } = null as any] = counting(log, 'five', 3);
        log('never', l, m);
      } catch (error: any) { log('caught', error.message); }
      const [...all] = [await WAIT(1), 2];
      const [first = await WAIT('first'), ...others] = [undefined, 2, 3];
      return [all, first, others];
    }`, { returns: [[1, 2], 'first', [2, 3]] });

  bothWays('errors: next() throwing does not close; a null source; TDZ of a later name in a default', `
    export async function main(log: any) {
      const broken = { [Symbol.iterator]() { return { next() { throw new Error('next fails'); }, return() { log('return'); return {}; } }; } };
      try { const [a = await WAIT('a')] = broken; log('never', a); } catch (error: any) { log(error.message); }
      try { const { a = await WAIT('a') } = null as any; log('never', a); } catch (error: any) { log(error.name, error.message); }
      try { const { b, c = await WAIT('c') } = undefined as any; log('never', b, c); } catch (error: any) { log(error.name, error.message); }
      try { const { [await WAIT('k')]: d } = null as any; log('never', d); } catch (error: any) { log(error.name, error.message); }
      try { const { e = await WAIT(f), f } = {} as any; log('never', e, f); } catch (error: any) { log(error.name, error.message); }
      try { const [g = await WAIT(h), h] = [] as any[]; log('never', g, h); } catch (error: any) { log(error.name, error.message); }
      const { i = () => 'named', j = class {} } = {} as any;
      return [i.name, j.name];
    }`, { returns: ['i', 'j'] });

  bothWays('assignment patterns: targets (members first), defaults, computed keys, the value of the assignment', `
    export async function main(log: any) {
      const o: any = {};
      const target = () => { log('target'); return o; };
      const key = (k: string) => { log('key', k); return k; };
      const src: any = { get p() { log('get p'); return undefined; }, get s() { log('get s'); return 's'; } };
      let x: any, y: any, rest: any;
      const value = ({ p: target().p = await WAIT('p'), [key('s')]: target()[key('t')] = await WAIT('no'), ...rest } = src);
      log(value === src, o, rest);
      [x = await WAIT('x'), target().y = await WAIT('y'), ...target().z] = [undefined, undefined, 3, 4];
      ({ a: [y = await WAIT('y2')] = [] } = {} as any);
      log(x, y, o);
      return [x, y, o.p, o.t, o.y, o.z];
    }`, { returns: ['x', 'y2', 'p', 's', 'y', [3, 4]] });

  bothWays('catch parameters, for-of, for-in and for await targets; closures over the bound names after the loop', `
    export async function main(log: any) {
      const fns: any[] = [];
      for (const { v, w = await WAIT(v * 10) } of [{ v: 1 }, { v: 2, w: 5 }] as any[]) fns.push(() => [v, w]);
      for (const [i, j = await WAIT('j' + i)] of [[1], [2, 3]] as any[]) { fns.push(() => [i, j]); }
      let p: any, q: any;
      for ({ p, q = await WAIT('dq') } of [{ p: 1 }, { p: 2, q: 'given' }] as any[]) log(p, q);
      for (const k in { first: 1, second: 2 }) { const [c = await WAIT(k)] = []; log(c); }
      try { throw { code: 1 }; } catch ({ code, message = await WAIT('m' + code) }: any) { log(code, message); }
      async function* gen() { yield { a: 1 }; yield { a: 2, b: 'given' }; }
      for await (const { a, b = await WAIT('b' + a) } of gen()) fns.push(() => [a, b]);
      const it = { [Symbol.iterator]() { return { next() { log('next'); return { value: 1, done: false }; }, return() { log('return'); return {}; } }; } };
      for (const [x = await WAIT(0)] of [it]) log('body', x);
      try { for (const { y = await WAITFAIL('target fails') } of [{}]) log('never', y); } catch (error: any) { log(error.message); }
      const out: any = {};
      for (out[await WAIT('key')] of ['x', 'y']) log({ ...out });
      return fns.map((f) => f());
    }`, { returns: [[1, 10], [2, 5], [1, 'j1'], [2, 3], [1, 'b1'], [2, 'given']] });
});

describe('faces of async function declarations (BUGS.md 16)', () => {
  const describeFace = `
      const AsyncFunctionPrototype = Object.getPrototypeOf(async function () {});
      function shape(f: any) {
        let constructed;
        try { new f(); constructed = 'constructed'; } catch (e: any) { constructed = e.name + ': ' + e.message; }
        return [f.name, f.length, Object.getOwnPropertyNames(f).sort().join(','), Object.getPrototypeOf(f) === AsyncFunctionPrototype, constructed];
      }`;

  test('module level: called before the declaration, no prototype, arguments or caller, not a constructor', () =>
    same(`${describeFace}
      const early = hoisted(2);
      async function hoisted(a: number, b = 1) { await later(0); return a * 10; }
      export default async function withDefault(x: number) { return x; }
      export async function named() { await later(0); return 'named'; }
      export async function main(log: any) {
        log(await early, shape(hoisted), shape(withDefault), shape(named), await named(), await withDefault(3));
      }`));

  test('in a function body (after its directives), in blocks and in a class static block', () =>
    same(`${describeFace}
      function outer() {
        'use strict';
        const before = inner(1);
        async function inner(x: number) { await later(0); return x + 1; }
        let inBlock;
        {
          inBlock = blocked();
          async function blocked() { return 'block'; }
        }
        class C { static result: any; static { this.result = shape(inStatic); async function inStatic(a: any) { return a; } } }
        return [before, shape(inner), inBlock, C.result];
      }
      export async function main(log: any) {
        const [before, innerShape, inBlock, staticShape] = outer();
        log(await before, innerShape, await inBlock, staticShape);
      }`));

  test('recursion through the name, and reassigning the name', () =>
    same(`
      async function countdown(n: number): Promise<number> { if (n === 0) { await later(0); return 0; } return 1 + (await countdown(n - 1)); }
      async function replaced() { return 'first'; }
      export async function main(log: any) {
        log(await countdown(5));
        const first = replaced;
        (replaced as any) = async () => 'second';
        log(await first(), await replaced(), first === replaced);
      }`));

  test('declared inside a function that awaits: at function level and in a block that awaits', () =>
    same(`${describeFace}
      export async function main(log: any) {
        const early = local(1);
        const before = local;
        await later(0);
        async function local(x: number) { await later(0); return x * 2; }
        log(await early, before === local, shape(local), await local(2));
        for (let i = 0; i < 2; i++) {
          const value = inLoop(i);
          await later(0);
          log(await value, await inLoop(10), shape(inLoop));
          async function inLoop(x: number) { await later(0); return 'loop ' + x; }
        }
      }`));

  const inSwitches = `${describeFace}
      function inSwitch(k: number) {
        switch (k) {
          default:
            return ['default', shape(inDefault)];
          case 1:
            return [inCase(), shape(inCase), typeof inDefault];
            async function inCase(a: any, b = 1) { await later(0); return 'case'; }
          case 2:
            async function inDefault() {}
        }
      }
      function noAnnexB() { switch (1) { case 1: async function h() {} } return typeof h; }
      async function awaiting(k: number) {
        const f = 1;
        switch (k) {
          case 0: await WAIT(0);
          case 1:
            const before = f;
            await WAIT(0);
            return [before === f, shape(f), await f(2)];
            async function f(x: number) { await WAIT(0); return x * 2; }
        }
      }
      async function boxed() {
        switch (0) {
          case 0:
            const call = () => g;
            const first = shape(g);
            await WAIT(0);
            (g as any) = 'changed';
            return [first, call()];
            async function g() {}
        }
      }
      export async function main(log: any) {
        const [value, ...rest] = inSwitch(1);
        log(await value, rest, inSwitch(3));
        log(await awaiting(0), await awaiting(1));
        log(await boxed(), noAnnexB());
        return 'done';
      }`;
  const caseShape = (name: string, length: number) => [name, length, 'length,name', true, 'TypeError: f is not a constructor'];
  const expected = {
    log: [
      ['case', [caseShape('inCase', 1), 'function'], ['default', caseShape('inDefault', 0)]],
      [[true, caseShape('f', 1), 4], [true, caseShape('f', 1), 4]],
      [[caseShape('g', 0), 'changed'], 'undefined'],
    ],
    returns: 'done',
  };
  bothWays('declared directly in a switch case (in a switch that awaits or not, first after a default, boxed): made by the runtime too', inSwitches, expected);
  bothWaysSloppy('the same in sloppy mode, where Annex B makes no variable of them', inSwitches.replaceAll(/: any|: number/g, '').replace('(g as any)', 'g').replace('export ', ''), expected);
});

describe('sloppy mode', () => {
  test('assigning to the name of a named async function expression is ignored in sloppy mode', () =>
    sameSloppy(`
      var ref = async function self() {
        self = 1;
        [self] = [2];
        ({ self } = { self: 3 });
        ({ self = 4 } = {});
        self++;
        var viaArrow = () => { self = 5; return self; };
        return [self === ref, viaArrow() === ref, typeof (self += 1)];
      };
      var awaits = async function later2() { await later(0); later2 = 0; return later2 === awaits; };
      async function main(log) {
        log(await ref(), await awaits());
      }`, { log: [[[true, true, 'string'], true]] }));

  test('the same assignment throws a TypeError in strict mode', () =>
    same(`
      const ref = async function self() { await later(0); (self as any) = 1; return self; };
      export async function main(log: any) {
        try { await ref(); } catch (e: any) { log(e.name); }
      }`, { log: ['TypeError'] }));

  test('assigning to arguments in a function that awaits', () =>
    sameSloppy(`
      async function assign(a) {
        await later(0);
        arguments = [a, 'assigned'];
        await later(0);
        return arguments;
      }
      async function destructure() {
        for await ([arguments = 4] of [[]]) { await later(0); }
        var first = arguments;
        await later(0);
        ({ arguments } = { arguments: 'shorthand' });
        await later(0);
        return [first, arguments];
      }
      async function main(log) {
        log(await assign('x'), await destructure());
      }`, { log: [[['x', 'assigned'], [4, 'shorthand']]] }));
});

describe('for await over a sync iterator (CreateAsyncFromSyncIterator)', () => {
  test('one constructor lookup per resolved promise value, and the ticks of the spec', () =>
    same(`
      export async function main(log: any) {
        const p = Promise.resolve(0);
        const descriptor = Object.getOwnPropertyDescriptor(Promise.prototype, 'constructor')!;
        const ticks = Promise.resolve(0).then(() => log('tick 1')).then(() => log('tick 2')).then(() => log('tick 3')).then(() => log('tick 4')).then(() => log('tick 5'));
        Object.defineProperty(Promise.prototype, 'constructor', { get() { log('constructor'); return Promise; }, configurable: true });
        const run = (async () => {
          log('pre');
          for await (const x of [p]) log('loop', x);
          log('post');
        })();
        Object.defineProperty(Promise.prototype, 'constructor', descriptor);
        await ticks;
        await run;
      }`));

  test('a value whose constructor getter throws rejects the step: the loop throws a tick later', () =>
    same(`
      export async function main(log: any) {
        const p = Promise.resolve(0);
        Object.defineProperty(p, 'constructor', { get() { throw new Error('constructor'); } });
        const ticks = Promise.resolve(0).then(() => log('tick 1')).then(() => log('tick 2')).then(() => log('tick 3'));
        const run = (async () => { log('start'); for await (const x of [p]) log('never'); })();
        run.catch((e: any) => log('catch', e.message));
        await ticks;
      }`, { log: ['start', 'tick 1', 'tick 2', ['catch', 'constructor'], 'tick 3'] }));

  test('next() throwing, or a result that is not an object, rejects the step (no synchronous throw)', () =>
    same(`
      const throwing = { [Symbol.iterator]() { return { next() { throw new Error('next'); } }; } };
      const notObject = { [Symbol.iterator]() { return { next() { return 1; } }; } };
      export async function main(log: any) {
        for (const iterable of [throwing, notObject]) {
          const ticks = Promise.resolve(0).then(() => log('tick 1')).then(() => log('tick 2')).then(() => log('tick 3'));
          const run = (async () => { for await (const x of iterable as any) log('never'); })();
          log('started');
          run.catch((e: any) => log('catch', e.name));
          await ticks;
        }
      }`));

  test('a rejected value: the loop throws; the iterator is closed first where the engine does so (ES2025, Node 24; not Node 20)', () =>
    same(`
      export async function main(log: any) {
        const iterable = { [Symbol.iterator]() { let i = 0; return { next() { i++; return i === 1 ? { value: later('one'), done: false } : { value: failLater('two'), done: false }; }, return() { log('return'); return {}; } }; } };
        try { for await (const x of iterable) log(x); } catch (e: any) { log('caught', e.message); }
        const throwing = { [Symbol.iterator]() { return { next() { return { value: Promise.reject(new Error('three')), done: false }; }, return() { log('return throws'); throw new Error('ignored'); } }; } };
        try { for await (const x of throwing) log(x); } catch (e: any) { log('caught', e.message); }
        const last = { [Symbol.iterator]() { return { next() { return { value: Promise.reject(new Error('four')), done: true }; }, return() { log('not called: the result was the last'); return {}; } }; } };
        try { for await (const x of last) log(x); } catch (e: any) { log('caught', e.message); }
      }`));
});

// ------------------------------------------------------------------------------------------
describe('closures over var, catch parameters and destructured variables that change across awaits', () => {
  bothWays('a var is one binding for the whole function, boxed on entry: closures created before its declaration and in loops share it', `
    export async function main(log: any) {
      const early = () => v;
      log(early());
      var v = 1;
      const fns: any[] = [];
      for (let i = 0; i < 3; i++) { var w = i * 10; fns.push(() => w); await WAIT(i); w += 1; }
      v = await WAIT(2);
      log(early(), fns.map((f) => f()));
      var v = 10;
      var v;
      const bump = () => { v++; return v; };
      await WAIT(0);
      log(bump(), v);
      return [early(), v];
    }`, { returns: [11, 11] });

  bothWays('a parameter re-declared by var, and a var written by a closure across awaits', `
    async function f(x: number) {
      const get = () => x;
      var x = (await WAIT(x)) + 1;
      const set = (n: number) => { x = n; };
      await WAIT(0);
      set(100);
      return [get(), x];
    }
    export async function main(log: any) {
      var total = 0;
      const add = (n: number) => { total += n; };
      for (const n of [1, 2, 3]) { add(n); await WAIT(n); }
      return [await f(1), total];
    }`, { returns: [[100, 100], 6] });

  bothWays('a catch parameter of a catch clause that awaits, and destructured variables, captured and changed', `
    export async function main(log: any) {
      try { throw 'e1'; } catch (e) { const get = () => e; await WAIT(0); e = 'e2'; log(get()); }
      try { throw { code: 1 }; } catch ({ code }: any) { const get = () => code; code = await WAIT(2); log(get()); }
      const { a, b: [c] } = { a: 1, b: [2] } as any;
      let { d, ...others } = { d: 3, e: 4 } as any;
      const read = () => [a, c, d, others];
      await WAIT(0);
      d = 5; others = null;
      log(read());
      var { p, q = 5 } = { p: 6 } as any;
      const getP = () => [p, q];
      p = await WAIT(7);
      return getP();
    }`, { log: ['e2', 2, [1, 2, 5, null]], returns: [7, 5] });
});

// ------------------------------------------------------------------------------------------
describe('closures over vars of loop heads without awaits and over reassigned function declarations', () => {
  bothWays('a var declared in the head of a for, for-in or for-of loop that does not await, captured and changed after an await', `
    export async function main(log: any) {
      const get = () => [i, k, x, j];
      await WAIT(0);
      for (var i = 0; i < 3; i++) {}
      log(get());
      for (var k in { a: 1, b: 2 }) log('k', k);
      for (var x of [1, 2, 3]) if (x === 2) break;
      log(get());
      outer: for (var j = 0; j < 2; j++) for (var q of [1]) { continue outer; }
      log(get(), q);
      i = await WAIT(10);
      log(get());
      const fns: (() => unknown)[] = [];
      for (var m = 0; m < 3; m++) fns.push(() => m);
      await WAIT(0);
      for (var [y, z] = [1, 2]; y < 3; y++) fns.push(() => [y, z]);
      for (var { w } of [{ w: 1 }, { w: 2 }]);
      await WAIT(0);
      log(fns.map((f) => f()), (() => w)());
      w = 5;
      return [get(), y, z, (() => w)()];
    }`, {
    log: [[3, undefined, undefined, undefined], ['k', 'a'], ['k', 'b'], [3, 'b', 2, undefined], [[3, 'b', 2, 2], 1], [10, 'b', 2, 2], [[3, 3, 3, [3, 2], [3, 2]], 2]],
    returns: [[10, 'b', 2, 2], 3, 2, 5],
  });

  bothWays('a function declaration reassigned after an await: at the top of the function, in a block, per loop iteration, in a switch', `
    export async function main(log: any) {
      function g() { return 'g1'; }
      const call = () => g();
      log(call());
      await WAIT(0);
      g = () => 'g2';
      log(call(), g(), g.name);
      const fns: (() => unknown)[] = [];
      for (let i = 0; i < 3; i++) {
        function inner() { return i; }
        fns.push(() => inner());
        await WAIT(i);
        if (i === 1) inner = () => 'replaced';
      }
      log(fns.map((f) => f()));
      {
        function b() { return 'b1'; }
        const read = () => b;
        await WAIT(0);
        b = function () { return 'b2'; };
        log(read()(), b.name, read() === b);
      }
      for (const key of [0, 1, 2]) {
        switch (key) {
          case 0:
            function s() { return 'case'; }
            const callS = () => s();
            log(callS());
            await WAIT(0);
            s = () => 'changed';
            log(callS());
          case 1:
            log('fall through', s());
            await WAIT(0);
            break;
          default:
            log(typeof s, s.name);
        }
      }
      return g.name;
    }`, {
    log: ['g1', ['g2', 'g2', 'g'], [0, 'replaced', 2], ['b2', 'b', true], 'case', 'changed', ['fall through', 'changed'], ['fall through', 'case'], ['function', 's']],
    returns: 'g',
  });

  bothWays('function declarations after an await: recursion, a closure created before, one reassigning itself, an async one', `
    export async function main(log: any) {
      const early = () => late();
      log(early());
      await WAIT(0);
      function late() { return 'late'; }
      function count(n: number): number { return n ? count(n - 1) + 1 : 0; }
      log(count(3));
      const self = () => once;
      function once() { (once as any) = 'used'; return self(); }
      await WAIT(0);
      log(once(), self());
      async function task() { await WAIT(0); return 'task'; }
      const callTask = () => task();
      log(await callTask());
      task = async () => 'task2';
      await WAIT(0);
      log(await callTask(), task.name);
    }`, { log: ['late', 3, ['used', 'used'], 'task', ['task2', 'task']] });

  test('a function declaration that is also a var or a parameter, reassigned after an await', () =>
    same(`
      async function param(h, k) {
        const call = () => h();
        function h() { return 'declared'; }
        await later(0);
        const before = call();
        h = () => k;
        await later(0);
        return [before, call(), h.name];
      }
      export async function main(log) {
        const read = () => [typeof g, g === first];
        var g;
        const first = g;
        log(read());
        function g() { return 1; }
        await later(0);
        var g = 5;
        log(read());
        await later(0);
        g = () => 2;
        log(read(), g.name);
        return param(() => 'p', 'q');
      }`, { filename: 'program.js', log: [['function', true], ['number', false], [['function', false], 'g']], returns: ['declared', 'q', 'h'] }));

  test('sloppy mode: a function declaration of the function body reassigned after an await', () =>
    sameSloppy(`
      async function main(log) {
        function g() { return 'g1'; }
        const call = () => g();
        await later(0);
        g = function () { return 'g2'; };
        log(call(), g.name);
      }`, { log: [['g2', 'g']] }));

  bothWays('anonymous functions and classes assigned to boxed variables take their names', `
    export async function main(log: any) {
      let x: any = 1;
      const readX = () => x;
      await WAIT(0);
      x = () => 1;
      log(readX().name);
      x = class {};
      log(readX().name);
      let y: any;
      const readY = () => y;
      await WAIT(0);
      y ??= function () {};
      log(readY().name);
      var z: any;
      const readZ = () => z;
      [z = () => 0] = [];
      await WAIT(0);
      log(readZ().name);
      ({ z = class {} } = {} as any);
      return readZ().name;
    }`, { log: ['x', 'x', 'y', 'z'], returns: 'z' });
});

// ------------------------------------------------------------------------------------------
describe('closures created before the let or const they capture, declared after an await (BUGS.md 9)', () => {
  bothWays('the box is made on entry to the block: dead zone errors before, the value after, per loop iteration', `
    export async function main(log: any) {
      const get = () => b;
      try { get(); } catch (e: any) { log(e.name, e.message); }
      await WAIT(0);
      try { get(); } catch (e: any) { log(e.name, e.message); }
      const b = await WAIT('b');
      log(get());
      function decl() { return c; }
      let c = await WAIT('c');
      const setC = (v: any) => { c = v; };
      log(decl());
      await WAIT(0);
      setC('c2');
      log(decl(), c);
      let x = 'outer';
      { let x = await WAIT('inner'); function inner() { return x; } log(inner()); }
      const fns: any[] = [];
      for (let i = 0; i < 3; i++) { fns.push(() => d); if (i === 1) { try { fns[1](); } catch (e: any) { log(e.message); } } const d = await WAIT(i * 10); }
      const early = () => { e = 'written early'; };
      try { early(); } catch (error: any) { log(error.name, error.message); }
      let e = await WAIT('e');
      early();
      log(fns.map((f) => f()), e);
      return [get(), x];
    }`, { returns: ['b', 'outer'] });
});

// ------------------------------------------------------------------------------------------
describe('loop variables captured by closures and changed across awaits: a binding per iteration', () => {
  bothWays('for-let: a box per iteration, copied before the update, on continue too; closures called after the loop', `
    export async function main(log: any) {
      const fns: (() => number)[] = [];
      for (let i = 0; i < 6; i++) {
        fns.push(() => i);
        await WAIT(0);
        i += 1;
        log(fns.map((f) => f()));
        if (i === 3) continue;
        log('after continue', i);
      }
      const more: (() => number)[] = [];
      for (let i = 0; i < 3; i++) { more.push(() => i); await WAIT(0); i += 0; }
      let k = 0;
      for (let j = 0; j < 3;) { more.push(() => j * 10); j = j + await WAIT(1); k++; }
      return [fns.map((f) => f()), more.map((f) => f()), k];
    }`, { returns: [[1, 3, 5], [0, 1, 2, 10, 20, 30], 3] });

  bothWays('closures of the initialiser see the initial binding; closures of the test and the update their iteration', `
    export async function main(log: any) {
      const fns: (() => unknown)[] = [];
      for (let i = 0, g = () => i, bump = () => ++i; fns.push(() => 't' + i) && i < 3; fns.push(() => 'u' + i), i++) {
        fns.push(() => i);
        log(await WAIT(i), g(), i);
        if (i === 1) log('bump', bump(), i, g());
        i += 0;
      }
      return fns.map((f) => f());
    }`);

  bothWays('labelled continue to an outer loop, break, and an inner loop whose head awaits', `
    export async function main(log: any) {
      const fns: (() => string)[] = [];
      outer: for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j += await WAIT(1)) {
          fns.push(() => i + ':' + j);
          await WAIT(0);
          if (j === 1) { j = 9; i += 0; continue outer; }
          if (i === 2) break outer;
        }
      }
      for (let n = await WAIT(0); n < 3; n++) fns.push(() => 'n' + n);
      return fns.map((f) => f());
    }`, { returns: ['0:0', '0:9', '1:0', '1:9', '2:0', 'n0', 'n1', 'n2'] });

  bothWays('an await that throws inside the loop: the closures keep their iteration', `
    export async function main(log: any) {
      const fns: (() => number)[] = [];
      try {
        for (let i = 0; i < 5; i++) {
          fns.push(() => i);
          if (i === 2) await WAITFAIL('stop');
          i += await WAIT(0);
        }
      } catch (e: any) { log(e.message); }
      return fns.map((f) => f());
    }`, { log: ['stop'], returns: [0, 1, 2] });

  bothWays('var in a loop head: one binding; for-in and for-of let, const and var changed in the body', `
    export async function main(log: any) {
      const fns: (() => unknown)[] = [];
      for (var i = 0; i < 3; i++) { fns.push(() => i); await WAIT(0); }
      for (let x of [1, 2, 3]) { fns.push(() => x); await WAIT(0); x *= 10; }
      for (var y of [1, 2]) { fns.push(() => y); await WAIT(0); }
      for (let [a, b] of [[1, 2], [3, 4]]) { fns.push(() => a + b); a = await WAIT(10); }
      for (let key in { p: 1, q: 2 }) { fns.push(() => key); key += await WAIT('!'); }
      for (const c of [5, 6]) { fns.push(() => c); await WAIT(0); }
      return [fns.map((f) => f()), i, y];
    }`, { returns: [[3, 3, 3, 10, 20, 30, 2, 2, 12, 14, 'p!', 'q!', 5, 6], 3, 2] });
});

// ------------------------------------------------------------------------------------------
describe('closures created before the declaration they capture: patterns, classes, switch cases, loop heads, consts', () => {
  bothWays('destructuring declarations: dead zone errors before, the values after', `
    export async function main(log: any) {
      const get = () => [a, b, c, rest];
      try { get(); } catch (e: any) { log(e.name, e.message); }
      const { a, b = await WAIT(2), ...rest } = await WAIT({ a: 1, x: 9 } as any);
      let [c = a + 3] = [] as any[];
      try { let [d = e2, e2] = [] as any[]; log(d); } catch (e: any) { log(e.name, e.message); }
      await WAIT(0);
      c += 1;
      return get();
    }`, { log: [['ReferenceError', "Cannot access 'a' before initialization"], ['ReferenceError', "Cannot access 'e2' before initialization"]], returns: [1, 2, 5, { x: 9 }] });

  bothWays('a class declaration: dead zone before, the class after, reassigned', `
    export async function main(log: any) {
      const get = () => C;
      try { get(); } catch (e: any) { log(e.name, e.message); }
      await WAIT(0);
      class C { static n = 1; static self() { return C; } }
      log(get().n, get().self() === C, C.name);
      await WAIT(0);
      (C as any) = { n: 2 };
      return [get().n, typeof get().self];
    }`, { returns: [2, 'undefined'] });

  bothWays('declarations in switch cases: the cases skipped leave them in their dead zone', `
    export async function main(log: any) {
      const calls: (() => unknown)[] = [];
      for (const k of [1, 2, 3]) {
        switch (k) {
          case 1:
            calls.push(() => y);
            await WAIT(0);
          case 2:
            calls.push(() => [y, z]);
            let y = k * 10;
            const [z] = [await WAIT(k)];
            log(k, calls.at(-1)!());
            break;
          default:
            calls.push(() => y);
            await WAIT(0);
        }
      }
      return calls.map((f) => { try { return f(); } catch (e: any) { return e.name + ': ' + e.message; } });
    }`, { returns: [10, [10, 1], [20, 2], "ReferenceError: Cannot access 'y' before initialization"] });

  bothWays('a closure in a for head created before a later declarator of the head', `
    export async function main(log: any) {
      const fns: (() => unknown)[] = [];
      for (let g = () => i, i = (log((() => { try { return g(); } catch (e: any) { return e.message; } })()), await WAIT(0)); i < 2; i++) {
        fns.push(g, () => i);
        await WAIT(0);
      }
      return fns.map((f) => f());
    }`, { returns: [0, 0, 0, 1] });

  bothWays('a closure inside an initialiser, before an await in it', `
    export async function main(log: any) {
      let g: any;
      const c = (g = () => c, await WAIT(1));
      let h: any;
      let d = [(h = () => d), await WAIT(2)][1];
      d++;
      return [g(), h()];
    }`, { returns: [1, 3] });

  bothWays('assigning to a captured const throws TypeError, before its declaration ReferenceError', `
    export async function main(log: any) {
      const c = 1;
      const get = () => c;
      await WAIT(0);
      try { (c as any) = 2; } catch (e: any) { log(e.name, e.message); }
      try { (c as any) += await WAIT(3); } catch (e: any) { log(e.name, e.message); }
      const set = () => { (d as any) = 5; };
      const read = () => d;
      try { set(); } catch (e: any) { log(e.name, e.message); }
      await WAIT(0);
      const d = 3;
      try { set(); } catch (e: any) { log(e.name, e.message); }
      try { [(d as any)] = [4]; } catch (e: any) { log(e.name, e.message); }
      return [get(), read(), c, d];
    }`, {
      log: [
        ['TypeError', 'Assignment to constant variable.'],
        ['TypeError', 'Assignment to constant variable.'],
        ['ReferenceError', "Cannot access 'd' before initialization"],
        ['TypeError', 'Assignment to constant variable.'],
        ['TypeError', 'Assignment to constant variable.'],
      ],
      returns: [1, 3, 1, 3],
    });
});

// ------------------------------------------------------------------------------------------
describe('parameters declared by patterns, captured and changed across awaits', () => {
  bothWays('object and array patterns, defaults, rest; a default reading an earlier boxed parameter', `
    async function f({ a, b = 2 }: any, [c, ...d]: any, e = a + c, ...r: any[]) {
      const get = () => [a, b, c, d, e, r];
      const before = get();
      await WAIT(0);
      a++; b = await WAIT(20); c = 'c'; d = []; e = -1; r = ['r'];
      return [before, get()];
    }
    async function g(x: number, read = () => x, copy = x) {
      await WAIT(0);
      x = 2;
      return [read(), copy, x];
    }
    export async function main(log: any) {
      log(await f({ a: 1 }, [3, 4, 5], undefined, 'x', 'y'));
      log(await f({ a: 1, b: 7 }, [3], 9));
      return g(1);
    }`, {
      log: [
        [[1, 2, 3, [4, 5], 4, ['x', 'y']], [2, 20, 'c', [], -1, ['r']]],
        [[1, 7, 3, [], 9, []], [2, 20, 'c', [], -1, ['r']]],
      ],
      returns: [2, 1, 2],
    });
});

// ------------------------------------------------------------------------------------------
describe('function names through restored declarations', () => {
  test('anonymous functions and classes declared before an await keep the name of their binding', () =>
    same(`
      export async function main(log: any) {
        const arrow = () => 1, fn = function () {}, Klass = class {};
        let later1 = async () => 2;
        var v = () => 3;
        await later(0);
        for (let i = 0, step = () => 1; i < 1; i += step()) { await null; log(step.name); }
        log(arrow.name, fn.name, Klass.name, later1.name, v.name);
        await 0;
        log(arrow(), (await later1()), v());
      }`));

  test('anonymous functions and classes kept in temps, and renamed declarations, keep their names (BUGS.md 32)', () =>
    same(`
      export async function main(log: any) {
        const name = (f: any) => f.name;
        log(name(class {}, await later(0)));
        log((await later(function () {})).name);
        log(({ x: class {}, y: await later(0) }).x.name);
        const g = 1, K = 2;
        { function g() {} class K {} await later(0); log(g.name, K.name); }
        return [g, K];
      }`, { log: ['', '', 'x', ['g', 'K']], returns: [1, 2] }));

  bothWays('anonymous functions and classes spilled, in argument scratch, receivers, callees, conditional results, awaited, or property values (named by their keys, computed ones converted once, in order), parameter defaults (BUGS.md 32)', `
    async function defaults(a = class {}, b = function () {}, { c = () => 1 }: any = {}, [d = class {}]: any = []) {
      await WAIT(0);
      return [a.name, b.name, c.name, d.name];
    }
    export async function main(log: any) {
      const name = (f: any) => f.name;
      const c = log.length >= 0;
      log(1, name(class {}, await WAIT(0)), name(function () {}, await WAIT(0)), name(() => 1, await WAIT(0)));
      log(2, (await WAIT(function () {})).name, (await WAIT(class {})).name);
      log(3, [class {}, await WAIT(0)][0].name);
      log(4, (c ? class {} : await WAIT(0)).name, (c ? () => 1 : await WAIT(0)).name, ((await WAIT(0)) || function () {}).name);
      log(5, await (class { static n() { return this.name; } }).n(), await (class { static n() { return this.name; } }).n.call(class {}));
      log(6, (await class {}).name, (await function () {}).name);
      log(7, ({ x: class {}, y: await WAIT(0) }).x.name, ({ x: (class {}), y: await WAIT(0) }).x.name, ({ x: (0, class {}), y: await WAIT(0) }).x.name);
      const o: any = { 'a b': class {}, 1: class {}, [Symbol('s')]: class {}, [await WAIT('k')]: class {}, z: await WAIT(0) };
      log(8, o['a b'].name, o[1].name, Object.getOwnPropertySymbols(o).map((s) => o[s].name), o.k.name);
      log(9, ({ __proto__: class {}, y: await WAIT(0) } as any).__proto__ === Object.prototype);
      log(10, ({ x: async () => 1, y: await WAIT(0) }).x.name, name(async () => 1, await WAIT(0)));
      const key = { toString() { log('key'); return 'k'; } };
      log(11, Object.keys({ [key as any]: log('value'), y: await WAIT(0) }), ({ [key as any]: class {}, y: await WAIT(0) } as any).k.name);
      log(12, await defaults());
    }`, {
      log: [
        [1, '', '', ''], [2, '', ''], [3, ''], [4, '', '', ''], [5, '', ''], [6, '', ''], [7, 'x', 'x', ''], [8, 'a b', '1', ['[s]'], 'k'],
        [9, false], [10, 'x', ''], 'key', 'value', 'key', [11, ['k', 'y'], 'k'], [12, ['a', 'b', 'c', 'd']],
      ],
    });

  // V8 names a class after making it when the key that names it is computed, over its static
  // `name` member; the compiler names such classes through literal keys (BUGS.md 44).
  test('a class with a static `name` member keeps it where the compiler names the class: parameter defaults, declarations whose class awaits', () =>
    same(`
      async function defaults(C = class { static name() { return 1; } }, F = class { static name = 'field'; }) {
        await later(0);
        return [typeof C.name, F.name];
      }
      export async function main(log: any) {
        log(await defaults());
        const E = class { static [await later('name')]() {} };
        const G = class { static [await later('x')]() {} static get name() { return 'getter'; } };
        const H = class { static [await later('x')]() {} };
        log(typeof E.name, G.name, H.name);
      }`, { log: [['function', 'field'], ['function', 'getter', 'H']] }));

  bothWays('renamed function and class declarations keep their names: in blocks that await or not, switches, generators, a class reading its own name (BUGS.md 32)', `
    export async function main(log: any) {
      const g: any = 1, K: any = 2, h: any = 3;
      {
        log(1, g.name, h.name);
        function g() { return g; }
        function* h() {}
        { function g() {} class K {} log(2, g.name, K.name); }
        await WAIT(0);
        log(3, g.name, h.name, g() === g);
      }
      {
        class K { static self() { return K; } static [(log(4), 'k')]() {} }
        const before = K;
        await WAIT(0);
        log(5, K.name, K.self() === K, before === K);
      }
      {
        class K { static [await WAIT('k')]() {} static self() { return K; } }
        log(6, K.name, K.self() === K, typeof K.k);
      }
      switch (c()) {
        case false: function g() {}
        case true: log(7, g.name); await WAIT(0);
        default: log(8, g.name);
      }
      for (const i of [1, 2]) {
        switch (i) {
          case 1: log(9, typeof g);
          case 2: { function g() {} log(10, g.name, i); await WAIT(0); log(11, g.name); }
        }
      }
      const f = () => [g, K];
      { log(12, g.name); function g() {} class K { static self() { return K; } } log(13, K.name, K.self() === K); }
      return [g, K, h, f()];
      function c() { return true; }
    }`, { returns: [1, 2, 3, [1, 2]] });
});

// ------------------------------------------------------------------------------------------
describe("declarations of a class's own name inside its heritage or keys evaluated before an await", () => {
  bothWays('parameters, variables, catch parameters, function and class names that shadow the class name; references to it around them', `
    export async function main(log: any) {
      const t = (x: string, v?: any) => { log(x); return v; };
      let get: any;
      const C = class K {
        [((K: any) => K)('a')]() {}
        [(() => { let K = 'b'; return K; })()]() {}
        [(get = (K = 0) => (K ? K : typeof K), 'c')]() {}
        [(function K() { return K.name; })()]() {}
        [await WAIT('d')]() { return K; }
      };
      log(Object.getOwnPropertyNames(C.prototype), get(), get(1), new (C as any)().d() === C);
      try { class K { [((k: any) => K)(1)]() {} [await WAIT('e')]() {} } log('never', K); } catch (e: any) { log(e.name, e.message); }
      let late: any;
      class L extends (late = (x: any) => [x, L], t('h', Object)) {
        [((L: any) => L)('f')]() {}
        [(() => { try { throw 'g'; } catch (L) { return L; } })()]() {}
        [class L { static n = 'i'; }.n]() {}
        [await WAIT('j')]() {}
      }
      log(Object.getOwnPropertyNames(L.prototype), late(1)[1] === L);
      try { const D = class K extends (((K: any) => K)(Object), K) { [await WAIT('k')]() {} }; log('never', D); } catch (e: any) { log(e.name, e.message); }
      return 'done';
    }`, {
    log: [
      [['constructor', 'a', 'b', 'c', 'K', 'd'], 'number', 1, true],
      ['ReferenceError', "Cannot access 'K' before initialization"],
      'h',
      [['constructor', 'f', 'g', 'i', 'j'], true],
      ['ReferenceError', "Cannot access 'K' before initialization"],
    ],
    returns: 'done',
  });

  bothWays("a closure in the heritage sees the class's own binding, not the declaration's, which may change", `
    export async function main(log: any) {
      let get: any;
      class K extends (get = () => K, Object) {}
      const C = K;
      await WAIT(0);
      (K as any) = 1;
      log(get() === C, K);
      return 'done';
    }`, { log: [[true, 1]], returns: 'done' });

  bothWays('a class declaration whose heritage awaits, captured by a closure created before it', `
    export async function main(log: any) {
      const get = () => L;
      try { get(); } catch (e: any) { log(e.name, e.message); }
      class L extends (await WAIT(Object)) { static [(log(typeof get), 'k')] = 1; }
      log(get() === L, L.name);
      (L as any) = 1;
      log(get());
      return 'done';
    }`, { log: [['ReferenceError', "Cannot access 'L' before initialization"], 'function', [true, 'L'], 1], returns: 'done' });
});

// ------------------------------------------------------------------------------------------
describe('closures created in a for-in/of head or a catch parameter pattern before a name that follows an await there', () => {
  bothWays('for-of, for-in, for await and catch patterns: the closures see the names once bound, each iteration its own; dead zones, constants', `
    export async function main(log: any) {
      const t = (x: any, f: any) => { try { log(x, f()); } catch (e: any) { log(x, e.name, e.message); } return undefined; };
      const fns: any[] = [];
      for (const { x = () => y, y = await WAIT(1), z = t('z', x) } of [{}, { y: 2 }]) { fns.push(x); log(x()); }
      log(fns.map((f) => f()));
      for (let [a = () => [b, c], b = t('b', a), c = await WAIT('c')] of [[], [undefined, 0, 'C']]) { log(a()); c = 'changed'; fns.push(a); }
      log(fns.map((f) => f()));
      for (const { [(fns.push(() => k), 'length')]: k = await WAIT(3) } in { ab: 1, abc: 2 }) log(k);
      log(fns.map((f) => f()));
      try { throw {}; } catch ({ e = () => f, f = await WAIT('f'), g = t('g', e) }) { fns.push(e); log(e()); f = 'F'; }
      log(fns.map((f) => f()));
      try { for (const { a = () => b, b = (a(), await WAIT(0)) } of [{}]) log('never'); } catch (e: any) { log(e.name, e.message); }
      try { try { throw {}; } catch ({ a = () => b, b = (a(), await WAIT(0)) }) { log('never'); } } catch (e: any) { log(e.name, e.message); }
      try { for (const { a = () => (b = 1), b = await WAIT(0) } of [{}]) a(); } catch (e: any) { log(e.name, e.message); }
      for await (const { x = () => y, y = await WAIT('fa') } of [{}]) { fns.push(x); }
      log(fns.map((f) => f()));
      return 'done';
    }`, {
    log: [
      ['z', 1], 1, ['z', 2], 2, [1, 2],
      ['b', 'ReferenceError', "Cannot access 'b' before initialization"], [undefined, 'c'], [0, 'C'],
      [1, 2, [undefined, 'changed'], [0, 'changed']],
      2, 3, [1, 2, [undefined, 'changed'], [0, 'changed'], 2, 3],
      ['g', 'f'], 'f', [1, 2, [undefined, 'changed'], [0, 'changed'], 2, 3, 'F'],
      ['ReferenceError', "Cannot access 'b' before initialization"],
      ['ReferenceError', "Cannot access 'b' before initialization"],
      ['TypeError', 'Assignment to constant variable.'],
      [1, 2, [undefined, 'changed'], [0, 'changed'], 2, 3, 'F', 'fa'],
    ],
    returns: 'done',
  });

  bothWays('no await in the pattern, the body awaits: the closures see the names once bound', `
    export async function main(log: any) {
      const fns: any[] = [];
      for (const { a = () => b, b } of [{ b: 1 }, { b: 2 }]) { fns.push(a); await WAIT(0); log(a()); }
      try { throw { b: 3 }; } catch ({ a = () => b, b }) { fns.push(a); await WAIT(0); b = 4; log(a()); }
      for (const k in { x: 1 }) { let { a = () => c, c = k } = {} as any; fns.push(a); await WAIT(0); }
      return fns.map((f) => f());
    }`, { log: [1, 2, 4], returns: [1, 2, 4, 'x'] });

  bothWays('a closure of the pattern called while the loop suspends in its body, across iterations', `
    export async function main(log: any) {
      const fns: any[] = [];
      for (let { get = () => v, v = await WAIT('v' + fns.length) } of [{}, {}]) {
        fns.push(get);
        log(get());
        v = await WAIT(v + '!');
        log(fns.map((f) => f()));
      }
      return fns.map((f) => f());
    }`, { log: ['v0', ['v0!'], 'v1', ['v0!', 'v1!']], returns: ['v0!', 'v1!'] });
});

describe('bindings of one name in loop heads and catch clauses apart, read in their dead zones (BUGS.md 19)', () => {
  bothWays('they keep their name in the messages', `
    export async function main(log: any) {
      for (const i of [0, 1]) {
        try { for (const { a = b, b } of [{}]) { await WAIT(0); log('never', a); } } catch (e: any) { log(e.message); }
        try { for (let [c = d, d] of [[]]) { await WAIT(0); log('never', c); } } catch (e: any) { log(e.message); }
        try { try { throw {}; } catch ({ a = b, b }) { await WAIT(0); log('never', a); } } catch (e: any) { log(e.message); }
        try { switch (i) { case 0: await WAIT(0); log(b); let b = 1; } } catch (e: any) { log(e.message); }
      }
      return 'done';
    }`, {
    log: ['b', 'd', 'b', 'b', 'b', 'd', 'b'].map((name) => `Cannot access '${name}' before initialization`),
    returns: 'done',
  });

  // Fuzzer, seed 14 (fourth session), shrunk: the head's x1 and the block's x1 are both read in
  // their dead zones; the loop that awaits around the block is the head's own scope.
  bothWays('a loop head\'s binding and one of a block in its body', `
    export async function main(log: any) {
      const msg = (e: any) => (e instanceof Error ? e.message : e);
      const fns: (() => unknown)[] = [];
      for (const [x0, f0 = void fns.push(() => x1), x1 = 0] of [[0], [0]]) {
        {
          const f1 = () => x1;
          try { log(0, f1()); } catch (e0) { log(1, msg(e0)); }
          let x1 = 0;
          log(2, f1());
        }
        await WAIT(0);
      }
      log('closures', fns.map((f) => f()));
    }`, {
    log: [[1, "Cannot access 'x1' before initialization"], [2, 0], [1, "Cannot access 'x1' before initialization"], [2, 0], ['closures', [0, 0]]],
  });

  // The same seed, shrunk again once the loop no longer counted: the head's x1 is read after the
  // block too. The block has no await, so nothing in it saves or restores the head's x1.
  bothWays('a loop head\'s binding read after a block in its body that declares the same name', `
    export async function main(log: any) {
      const msg = (e: any) => (e instanceof Error ? e.message : e);
      const fns: (() => unknown)[] = [];
      for (const [x0, f0 = void fns.push(() => x1), x1 = 0] of [[0], [0]]) {
        {
          const f1 = () => x1;
          try { log(0, f1()); } catch (e0) { log(1, msg(e0)); }
          let x1 = 1;
          log(2, f1());
        }
        log(3, ({ x1 }).x1);
        await WAIT(0);
      }
      log('closures', fns.map((f) => f()));
    }`, {
    log: [[1, "Cannot access 'x1' before initialization"], [2, 1], [3, 0], [1, "Cannot access 'x1' before initialization"], [2, 1], [3, 0], ['closures', [0, 0]]],
  });

  // The same seed, shrunk a third time: the block awaits, and the head's x1, live across that
  // await, is saved inside the block, where the block's x1 shadows it. One of them is renamed;
  // the renamed one's dead-zone box throws V8's message with the name as written.
  test('a loop head\'s binding live across an await inside a block that declares the same name', () =>
    same(`
      export async function main(log: any) {
        const msg = (e: any) => (e instanceof Error ? e.message : e);
        const fns: (() => unknown)[] = [];
        for (const [x0, f0 = void fns.push(() => x1), x1 = 0] of [[0], [0]]) {
          {
            const f1 = () => x1;
            try { log(0, f1()); } catch (e0) { log(1, msg(e0)); }
            let x1 = await later(1);
            log(2, f1());
          }
          log(3, ({ x1 }).x1);
        }
        log('closures', fns.map((f) => f()));
      }`, {
      log: [[1, "Cannot access 'x1' before initialization"], [2, 1], [3, 0], [1, "Cannot access 'x1' before initialization"], [2, 1], [3, 0], ['closures', [0, 0]]],
    }));
});

// ------------------------------------------------------------------------------------------
/** Registers a sloppy-mode program (see sameSloppy) twice, as bothWays does. */
function bothWaysSloppy(name: string, program: string, options: Parameters<typeof sameSloppy>[1] = {}): void {
  test(`${name} (suspending)`, () => sameSloppy(program.replaceAll('WAIT', 'later'), options));
  test(`${name} (not suspending)`, () => sameSloppy(program.replaceAll('WAIT', 'quick'), options));
}

describe('function declarations in blocks in sloppy mode (Annex B), captured and changed across awaits', () => {
  bothWaysSloppy('a closure over the block\'s function, reassigned after an await', `
    async function f(p) {
      {
        function g() { return 1; }
        const call = () => g();
        const before = call();
        await p;
        g = () => 2;
        return [before, call(), g.name];
      }
    }
    async function main(log) {
      return f(WAIT(0));
    }`, { returns: [1, 2, 'g'] });

  bothWaysSloppy('the function-level variable each evaluation copies the function to: in blocks, loops, switches; where it is not made', `    async function annexB(log) {
      const readVar = () => (typeof g === 'function' ? g() : typeof g);
      log('before', readVar());
      await WAIT(0);
      {
        log('hoisted in the block', g(), readVar());
        const call = () => g();
        await WAIT(0);
        function g() { return 1; }
        log('declaration evaluated', readVar(), g.name);
        g = () => 2;
        log('block binding changed', call(), readVar());
        await WAIT(0);
        log('after an await', call(), readVar());
      }
      log('outside', g(), readVar());
      g = () => 3;
      await WAIT(0);
      log('var changed', readVar());
      const fns = [];
      for (let i = 0; i < 3; i++) {
        { function h() { return i; } fns.push(() => h()); await WAIT(i); if (i === 1) h = () => 'replaced'; }
      }
      log('per iteration', fns.map((f) => f()), h());
      for (const k of [1, 2]) {
        switch (k) {
          case 1: function s() { return 's' + k; } const cs = () => s(); await WAIT(0); s = () => 't'; log('switch', cs(), s());
          case 2: log('case 2', typeof s === 'function' ? s() : typeof s);
        }
      }
      log('after the switch', s());
      return 'done';
    }
    async function notCopied(q, log) {
      let c = 'lexical';
      { function c() {} }
      { function q() {} }
      { let t = 'let'; { function t() {} } log(typeof t); }
      { async function ag() {} }
      await WAIT(0);
      log(typeof c, typeof q, typeof t, typeof ag);
      function top() { return 'top'; }
      var v = 'var';
      const readTop = () => [top(), typeof v];
      log(readTop());
      await WAIT(0);
      { function top() { return 'block'; } function v() {} }
      log(readTop(), top.name);
      return 'done';
    }
    async function main(log) {
      log(await annexB(log));
      return notCopied('param', log);
    }`, {
    log: [
      ['before', 'undefined'], ['hoisted in the block', 1, 'undefined'], ['declaration evaluated', 1, 'g'], ['block binding changed', 2, 1],
      ['after an await', 2, 1], ['outside', 1, 1], ['var changed', 3], ['per iteration', [0, 'replaced', 2], 2], ['switch', 't', 't'],
      ['case 2', 't'], ['case 2', 's2'], ['after the switch', 's1'], 'done',
      'string', ['string', 'string', 'undefined', 'undefined'], ['top', 'string'], [['block', 'function'], 'top'],
    ],
    returns: 'done',
  });

  bothWaysSloppy('a function declaration as an if or else clause (Annex B.3.4): in a block of its own, copied when evaluated', `
    async function ifClauses(k) {
      const read = () => [typeof g, typeof h];
      const before = read();
      await WAIT(0);
      if (k) function g() { return g.name; } else function h() { return 'h'; }
      const after = read();
      await WAIT(0);
      return [before, after, read(), k ? g() : h()];
    }
    async function main(log) {
      log(await ifClauses(1));
      return ifClauses(0);
    }`, {
    log: [[['undefined', 'undefined'], ['function', 'undefined'], ['function', 'undefined'], 'g']],
    returns: [['undefined', 'undefined'], ['undefined', 'function'], ['undefined', 'function'], 'h'],
  });

  test('in strict code, no function-level variable', () =>
    same(`
      export async function main(log: any) {
        const read = () => typeof (globalThis as any).g;
        { function g() {} const call = () => g; await later(0); (g as any) = 1; log(call(), read()); }
        return read();
      }`, { log: [[1, 'undefined']], returns: 'undefined' }));
});

describe('function declarations and variables of the body named like parameters', () => {
  const program = `    async function patterned([g]) {
      const before = g();
      const call = () => g();
      await WAIT(0);
      g = () => 2;
      return [before, call(), g.name];
      function g() { return 1; }
    }
    async function defaults(log, g = 'param', read = () => g, write = (v) => { g = v; }) {
      const call = () => g;
      log(typeof read(), typeof call());
      await WAIT(0);
      write('written');
      log(read(), typeof call(), call().name);
      g = 'body';
      return [read(), call()];
      function g() {}
    }
    async function vars({ a }, read = () => a, write = (v) => { a = v; }) {
      var a;
      const before = a, call = () => a;
      await WAIT(0);
      a = 'body';
      write('written');
      return [before, a, read(), call()];
    }
    async function simple(g, h = 1) { const c = () => g; await WAIT(0); return [typeof g, c() === g]; function g() {} }
    async function rest(...[g]) { const c = () => g; const t = typeof c(); await WAIT(0); g = 5; return [t, c()]; function g() {} }
    async function merged([a], b) { var a, b; const c = () => [a, b]; await WAIT(0); a = 2; return c(); }
    async function computed({ [(() => 'k')()]: k }) { const c = () => k; await WAIT(0); k = 'changed'; return [typeof c(), k]; function k() {} }
    async function errors([g]) { await WAIT(0); return typeof g; function g() {} }
    export async function main(log) {
      log(await patterned([0]), await patterned({ [Symbol.iterator]: function* () { log('iterated'); yield 0; } }));
      log(await defaults(log));
      log(await vars({ a: 'param' }));
      log(await simple(1), await rest(1), await merged([1], 'b'), await computed({ k: 1 }));
      try { await errors(null); } catch (e) { log(e.name, e.message); }
      return 'done';
    }`;
  const expected = {
    log: [
      'iterated', [[1, 2, 'g'], [1, 2, 'g']], ['string', 'function'], ['written', 'function', 'g'], ['written', 'body'], ['param', 'body', 'written', 'body'],
      [['function', true], ['function', 5], [2, 'b'], ['string', 'changed']], ['TypeError', 'object null is not iterable (cannot read property Symbol(Symbol.iterator))'],
    ],
    returns: 'done',
  };
  bothWays('patterns, defaults, rest, computed keys: the body\'s function or variable is its own binding where the parameters have expressions, closures in them see the parameter', program, { ...expected, filename: 'program.js' });
  bothWaysSloppy('the same in sloppy mode', program.replace('export ', ''), expected);

  bothWays('a var that a function declaration of the body declares too holds the same function after a resumption', `
    export async function main(log) {
      var g; const before = g;
      await WAIT(0);
      log(before === g, g.name);
      return 'done';
      function g() {}
    }`, { log: [[true, 'g']], returns: 'done', filename: 'program.js' });
});
