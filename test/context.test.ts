/**
 * AsyncLocalStorage across compiled awaits, compared with native `async`/`await`: a frame resumes
 * in the context it suspended in, whatever resumes it (a promise reaction, a Task's completion, an
 * awaiter callback called from another context), and a callee's changes after its first
 * suspension stay with it. The runtime is loaded as Node loads it (src/runtime/node.ts).
 *
 * Awaiters exist only in compiled code; the programs' `manual()` awaitable is also a thenable, so
 * that native code awaits the same completion through `then`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileProgram } from './support/differential.ts';
import { same } from './support/semantics.ts';

const HEADER = `
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
const other = new AsyncLocalStorage<number>();
const GET = Symbol.for('reawait.getAwaiter');
/** Completed later by complete(), from whatever context calls it. */
function manual(value: string) {
  let callback: (() => void) | undefined;
  let done = false;
  const awaiter = { get isCompleted() { return done; }, getResult() { return value; }, onCompleted(c: () => void) { callback = c; } };
  return {
    awaitable: { [GET]: () => awaiter, then(resolve: (v: string) => void) { if (done) resolve(value); else callback = () => resolve(value); } },
    complete() { done = true; callback?.(); },
  };
}
`;

describe('AsyncLocalStorage across compiled awaits', () => {
  test('a store set by run() is seen after awaits of promises, rejections, compiled callees and plain values', () =>
    same(HEADER + `
      async function inner(tag: string) { await later(0); return tag + ':' + als.getStore(); }
      export async function main(log: any) {
        return als.run('outer', async () => {
          log(als.getStore());
          await later(0);
          log('after promise', als.getStore());
          try { await failLater('no'); } catch (e) { log('in catch', als.getStore()); }
          log('callee', await inner('x'), als.getStore());
          await 5;
          log('after value', als.getStore());
          return als.getStore();
        });
      }`, { returns: 'outer' }));

  test('two tasks in different stores interleave, each keeping its own', () =>
    // Each task keeps its own log: timers of nearby deadlines may fire in either order.
    same(HEADER + `
      async function worker(delays: number[], seen: unknown[]) {
        for (const ms of delays) { await later(0, ms); seen.push(als.getStore()); await null; seen.push(als.getStore()); }
      }
      export async function main(log: any) {
        const p: unknown[] = [], q: unknown[] = [];
        await Promise.all([als.run('p', () => worker([3, 1, 3], p)), als.run('q', () => worker([1, 3, 1], q))]);
        log(p, q, als.getStore());
      }`, { log: [[['p', 'p', 'p', 'p', 'p', 'p'], ['q', 'q', 'q', 'q', 'q', 'q'], undefined]] }));

  test('a callee that changes the store after its first suspension does not leak it to its caller', () =>
    same(HEADER + `
      async function callee(log: any) {
        await later(0);
        als.enterWith('changed by callee');
        log('callee sees', als.getStore());
        await later(0);
        log('callee still sees', als.getStore());
        return 1;
      }
      async function middle(log: any) { const r = await callee(log); log('middle sees', als.getStore()); return r; }
      export async function main(log: any) {
        return als.run('caller', async () => {
          await later(0);
          await middle(log);
          log('caller sees', als.getStore());
          await callee(log);
          log('caller sees again', als.getStore());
          return als.getStore();
        });
      }`));

  test('a change made before the first suspension leaks to the caller, as native does', () =>
    same(HEADER + `
      async function callee(log: any) { als.enterWith('early'); await later(0); log('callee', als.getStore()); }
      export async function main(log: any) {
        return als.run('caller', async () => {
          const p = callee(log);
          log('right after the call', als.getStore());
          await p;
          return als.getStore();
        });
      }`));

  test('a frame that calls enterWith keeps the change across its own later awaits', () =>
    same(HEADER + `
      export async function main(log: any) {
        return als.run('start', async () => {
          await later(0);
          als.enterWith('mine');
          await later(0);
          log(als.getStore());
          other.enterWith(7);
          await null;
          await later(0);
          log(als.getStore(), other.getStore());
          return [als.getStore(), other.getStore()];
        });
      }`));

  test('an awaiter completed from another context resumes the chain in its own context', () =>
    same(HEADER + `
      async function waitFor(m: any, log: any) { const v = await m.awaitable; log('leaf', v, als.getStore(), other.getStore()); return v; }
      export async function main(log: any) {
        const m = manual('done');
        setTimeout(() => als.run('completer', () => other.run(9, () => m.complete())), 2);
        return als.run('waiter', async () => {
          const v = await waitFor(m, log);
          log('caller', v, als.getStore(), other.getStore());
          return als.getStore();
        });
      }`));

  test('an awaiter completed from inside another compiled task resumes in the waiter context', () =>
    // The waiter resumes inline in compiled code, in a microtask natively (README: timing), so
    // each task keeps its own log.
    same(HEADER + `
      const m = manual('v');
      const seenBy: Record<string, unknown[]> = { completer: [], waiter: [] };
      async function completer() {
        await later(0, 2);
        seenBy.completer.push(als.getStore());
        m.complete();
        seenBy.completer.push(als.getStore());
        await later(0);
        seenBy.completer.push(als.getStore());
      }
      async function waiter() {
        const v = await m.awaitable;
        seenBy.waiter.push(v, als.getStore());
        als.enterWith('waiter changed');
        await later(0);
        seenBy.waiter.push(als.getStore());
      }
      export async function main(log: any) {
        await Promise.all([als.run('W', () => waiter()), als.run('C', () => completer())]);
        log(seenBy, als.getStore());
      }`, { log: [[{ completer: ['C', 'C', 'C'], waiter: ['v', 'W', 'waiter changed'] }, undefined]] }));

  test('a frame resumed inline by a driver in the same context keeps its enterWith to itself', () =>
    // Compiled, the waiter resumes inside complete(), in the driver's context, which already
    // holds the waiter's values; natively it resumes in a microtask. Each keeps its own log.
    same(HEADER + `
      const m = manual('v');
      const seenBy: Record<string, unknown[]> = { driver: [], waiter: [] };
      async function waiter() {
        await m.awaitable;
        seenBy.waiter.push(als.getStore());
        als.enterWith('changed by waiter');
        seenBy.waiter.push(als.getStore());
        await later(0);
        seenBy.waiter.push(als.getStore());
      }
      export async function main(log: any) {
        const task = als.run('D', () => {
          const t = waiter();
          m.complete();
          seenBy.driver.push(als.getStore());
          return t;
        });
        await task;
        log(seenBy, als.getStore());
      }`, { log: [[{ driver: ['D'], waiter: ['D', 'changed by waiter', 'changed by waiter'] }, undefined]] }));

  test('a callee that changes the store and returns without suspending again', () =>
    same(HEADER + `
      async function callee() { await later(0); als.enterWith('callee'); return als.getStore(); }
      async function caller() { const r = await callee(); return [r, als.getStore()]; }
      export async function main(log: any) {
        log(await als.run('caller', () => caller()), als.getStore());
        log(await als.run('caller', async () => { const r = await caller(); return [r, als.getStore()]; }));
      }`));

  test('a Task awaited from native code and a native async function awaiting a compiled one', () =>
    same(HEADER + `
      async function compiled() { await later(0); return als.getStore(); }
      export async function main(log: any) {
        const nativeAwait = new Function('f', 'return (async () => [await f(), 0])()') as (f: () => Promise<unknown>) => Promise<unknown[]>;
        const a = await als.run('a', () => nativeAwait(compiled));
        const b = await als.run('b', () => compiled().then((v) => [v, als.getStore()]));
        log(a, b, als.getStore());
      }`));

  test('nested run() inside a resumed frame, and a store read in finally after a rejection', () =>
    same(HEADER + `
      async function f(log: any) {
        await later(0);
        try {
          await als.run('inner', async () => { await later(0); log('in inner', als.getStore()); throw new Error('x'); });
        } finally {
          log('finally', als.getStore());
          await later(0);
          log('finally after await', als.getStore());
        }
      }
      export async function main(log: any) {
        await als.run('outer', () => f(log)).catch((e: Error) => log('caught', e.message, als.getStore()));
      }`));
});

describe('what is captured', () => {
  test('nothing until a store is set; then one snapshot per suspension of a new context, reused while the context stays', () => {
    // A process of its own: whether a store was ever used is process-wide. Snapshots are counted
    // by wrapping AsyncLocalStorage.snapshot, which the runtime calls to capture.
    const root = fileURLToPath(new URL('..', import.meta.url));
    const dir = join(root, '.tmp', 'context-test');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `program-${process.pid}.mjs`);
    const runtime = pathToFileURL(join(root, 'dist', 'runtime', 'node.js')).href;
    writeFileSync(
      file,
      compileProgram(
        `
        import { AsyncLocalStorage } from 'node:async_hooks';
        import { GET_AWAITER } from ${JSON.stringify(runtime)};
        // A second copy of the runtime in the process must not make the first believe a store is in use.
        await import(${JSON.stringify(runtime + '?second-copy')});
        let snapshots = 0;
        const snapshot = AsyncLocalStorage.snapshot;
        AsyncLocalStorage.snapshot = () => { snapshots++; return snapshot(); };
        let callback;
        const pending = { [GET_AWAITER]: () => ({ isCompleted: false, getResult: () => 0, onCompleted: (c) => { callback = c; } }) };
        const seen = [];
        const als = new AsyncLocalStorage();
        async function loop(n) { for (let i = 0; i < n; i++) { await pending; seen.push(String(als.getStore())); } return 'done'; }
        async function outer(n) { return await loop(n); }

        const quiet = outer(1000);
        while (!quiet.isCompleted) callback();
        const withoutStore = snapshots;

        const inStore = als.run('s', () => outer(1000));
        // The driver runs outside the store: every resumption must restore it.
        while (!inStore.isCompleted) callback();
        console.log(JSON.stringify({ withoutStore, withStore: snapshots - withoutStore, results: [await quiet, await inStore], stores: [...new Set(seen)] }));
      `,
        { filename: 'program.mjs' },
      ),
    );
    const observed = JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' }));
    // One snapshot when the chain first suspends (shared by both frames); the loop then suspends
    // again in the context it resumed in, which is known, so no further snapshot is taken.
    assert.deepEqual(observed, { withoutStore: 0, withStore: 1, results: ['done', 'done'], stores: ['undefined', 's'] });
  });
});
