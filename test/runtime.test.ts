/**
 * Runtime behaviour of compiled programs: small programs are compiled with `transform()`, written
 * under .tmp/runtime-test/ and imported; they import the built runtime (dist/runtime/index.js),
 * the same module instance as this file imports, so `state`, `Task` and `Continuation` here are
 * the ones the compiled code uses. Run `npm run build` first.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { transform, type TransformOptions } from '../src/compiler/index.ts';
import { Continuation, NO_EXCEPTION, state, Task, yieldNow } from '../dist/runtime/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runtimeUrl = pathToFileURL(join(root, 'dist', 'runtime', 'index.js')).href;
const workDir = join(root, '.tmp', 'runtime-test');
let counter = 0;

/** Compiles `source` and writes it as an ES module; returns its path, URL, code and map. */
function compileToFile(source: string, options: TransformOptions = {}) {
  mkdirSync(workDir, { recursive: true });
  const filename = options.filename ?? 'program.js';
  const result = transform(source, { runtimeSpecifier: runtimeUrl, ...options, filename });
  const file = join(workDir, `${filename.replace(/\W/g, '_')}-${process.pid}-${++counter}.mjs`);
  writeFileSync(file, result.code);
  return { file, url: pathToFileURL(file).href, ...result };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Module = any;

async function load(source: string, options: TransformOptions = {}): Promise<Module> {
  return import(compileToFile(source, options).url);
}

const GET_AWAITER = Symbol.for('reawait.getAwaiter');

/** The seed's NullAwaiter: never complete; `continue()` calls the stored callback synchronously. */
class NullAwaiter {
  callback: (() => void) | null = null;
  registrations = 0;
  [GET_AWAITER](): NullAwaiter {
    return this;
  }
  get isCompleted(): boolean {
    return false;
  }
  getResult(): void {}
  onCompleted(callback: () => void): void {
    this.registrations++;
    this.callback = callback;
  }
  continue(): void {
    const callback = this.callback!;
    this.callback = null;
    callback();
  }
}

/** An awaiter completed by hand, with a value or an error; counts the protocol calls. */
class ManualAwaiter {
  completed = false;
  value: unknown = undefined;
  error: unknown = undefined;
  failing = false;
  callback: (() => void) | null = null;
  calls = { isCompleted: 0, getResult: 0, onCompleted: 0 };
  [GET_AWAITER](): ManualAwaiter {
    return this;
  }
  get isCompleted(): boolean {
    this.calls.isCompleted++;
    return this.completed;
  }
  getResult(): unknown {
    this.calls.getResult++;
    if (this.failing) throw this.error;
    return this.value;
  }
  onCompleted(callback: () => void): void {
    this.calls.onCompleted++;
    this.callback = callback;
  }
  resolve(value: unknown): void {
    this.completed = true;
    this.value = value;
    this.callback!();
  }
  reject(error: unknown): void {
    this.completed = true;
    this.failing = true;
    this.error = error;
    this.callback!();
  }
}

/** Number of frames on the stack here (with no limit on captured frames). */
function stackDepth(): number {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Number.POSITIVE_INFINITY;
  try {
    return new Error().stack!.split('\n').length - 1;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

// ------------------------------------------------------------------------------------------
describe('deep chains and long loops do not grow the stack', () => {
  test('(a) a chain of 10,000 compiled calls whose leaf suspends on an awaiter resumes iteratively', async () => {
    // Descending 10,000 compiled frames synchronously needs more than the default stack (as it
    // would natively): run in a child process with a larger one.
    const program = compileToFile(`
      export const seen = { descent: 0, leaf: 0, max: 0, frames: 0 };
      function depth() { return new Error().stack.split('\\n').length - 1; }
      export async function chain(n, aw) {
        if (n === 0) {
          seen.descent = depth();
          const v = await aw;
          seen.leaf = depth();
          return v;
        }
        const r = await chain(n - 1, aw);
        seen.frames++;
        const d = depth();
        if (d > seen.max) seen.max = d;
        return r + 1;
      }
      // The leaf's await value unused: the awaiter's wake-up takes its direct path.
      export async function chainUnused(n, aw) {
        if (n === 0) { await aw; seen.leaf = depth(); return 0; }
        const r = await chainUnused(n - 1, aw);
        seen.frames++;
        const d = depth();
        if (d > seen.max) seen.max = d;
        return r + 1;
      }
      export async function failing(n, aw) {
        if (n === 0) { await aw; return 0; }
        return (await failing(n - 1, aw)) + 1;
      }`);
    const driver = join(workDir, `deep-driver-${process.pid}-${++counter}.mjs`);
    writeFileSync(driver, `
      import * as m from ${JSON.stringify(program.url)};
      Error.stackTraceLimit = Infinity;
      const GET_AWAITER = Symbol.for('reawait.getAwaiter');
      function awaiter(get) {
        const aw = { callback: null, [GET_AWAITER]() { return this; }, isCompleted: false, getResult: get, onCompleted(c) { this.callback = c; } };
        return aw;
      }
      const out = {};
      for (const name of ['chain', 'chainUnused']) {
        Object.assign(m.seen, { descent: 0, leaf: 0, max: 0, frames: 0 });
        const aw = awaiter(() => 10);
        const task = m[name](10000, aw);
        const before = { completed: task.isCompleted, descent: m.seen.descent };
        aw.callback(); // completes the wait synchronously
        out[name] = { before, completed: task.isCompleted, result: task.result, ...m.seen };
      }
      const error = new Error('leaf failed');
      const aw = awaiter(() => { throw error; });
      const task = m.failing(10000, aw);
      aw.callback();
      out.failing = { completed: task.isCompleted, faulted: task.isFaulted, same: task.error === error };
      task.catch(() => {});
      process.stdout.write(JSON.stringify(out));
    `);
    const { stdout } = await promisify(execFile)(process.execPath, ['--stack-size=4000', driver], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const out = JSON.parse(stdout);
    for (const name of ['chain', 'chainUnused']) {
      const run = out[name];
      assert.equal(run.before.completed, false, `${name}: the leaf suspended`);
      if (name === 'chain') assert.ok(run.before.descent > 10000, `${name}: the descent was ${run.before.descent} frames deep`);
      assert.equal(run.completed, true, `${name}: completing the awaiter completes the task synchronously`);
      assert.equal(run.result, name === 'chain' ? 10010 : 10000);
      assert.equal(run.frames, 10000, `${name}: every frame resumed`);
      // Resumed by the dispatcher loop: the callback, the dispatcher, the frame.
      assert.ok(run.leaf > 0 && run.leaf < 30, `${name}: the leaf resumed ${run.leaf} frames deep`);
      assert.ok(run.max > 0 && run.max < 30, `${name}: a caller resumed ${run.max} frames deep`);
    }
    assert.deepEqual(out.failing, { completed: true, faulted: true, same: true });
  });

  test('(b) 10 million suspensions of one loop on a NullAwaiter, driven by a synchronous continue() loop', async () => {
    const m = await load(`
      export async function loop(n, na, probe) {
        for (let i = 0; i < n; i++) {
          if (i === 1 || i === n - 1) probe(i);
          await na;
        }
        return n;
      }`);
    const n = 10_000_000;
    const depths = new Map<number, number>();
    const na = new NullAwaiter();
    const task = m.loop(n, na, (i: number) => depths.set(i, stackDepth()));
    assert.ok(task instanceof Task);
    let continues = 0;
    while (!task.isCompleted) {
      na.continue();
      continues++;
    }
    assert.equal(task.result, n);
    assert.equal(continues, n, 'one continue() per suspension');
    assert.equal(na.registrations, n);
    // Same depth after the first resumption and after ten million: the stack did not grow.
    assert.equal(depths.size, 2);
    assert.equal(depths.get(n - 1), depths.get(1));
    assert.ok(depths.get(1)! < stackDepth() + 30);
  });

  test('(b) the same loop without continuation reuse', async () => {
    const m = await load(`
      export async function loop(n, na, probe) {
        for (let i = 0; i < n; i++) {
          if (i === 1 || i === n - 1) probe(i);
          await na;
        }
        return n;
      }`, { reuseContinuations: false });
    const n = 10_000_000;
    const depths = new Map<number, number>();
    const na = new NullAwaiter();
    const task = m.loop(n, na, (i: number) => depths.set(i, stackDepth()));
    let continues = 0;
    while (!task.isCompleted) {
      na.continue();
      continues++;
    }
    assert.equal(task.result, n);
    assert.equal(continues, n);
    assert.equal(depths.get(n - 1), depths.get(1));
  });
});

// ------------------------------------------------------------------------------------------
describe('(c) one continuation object per activation with reuse', () => {
  const source = `
    export async function sum(n, aw) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += i;
        await aw;
      }
      return s;
    }
    async function inner(aw) {
      await aw;
      return 1;
    }
    export async function outer(n, aw) {
      let t = 0;
      for (let i = 0; i < n; i++) t += await inner(aw);
      return t;
    }`;

  /** Runs sum(n) to completion, collecting state.head after each suspension. */
  function collect(m: Module, n: number): { heads: unknown[]; result: unknown } {
    const na = new NullAwaiter();
    const task = m.sum(n, na);
    const heads: unknown[] = [state.head];
    for (;;) {
      na.continue();
      if (task.isCompleted) break;
      heads.push(state.head);
    }
    return { heads, result: task.result };
  }

  test('with reuse: the same continuation object at every suspension', async () => {
    const m = await load(source, { reuseContinuations: true });
    const { heads, result } = collect(m, 6);
    assert.equal(result, 15);
    assert.equal(heads.length, 6);
    assert.ok(heads[0] instanceof Continuation);
    assert.equal((heads[0] as Continuation).state, 1);
    for (const head of heads) assert.equal(head, heads[0]);
  });

  test('without reuse: a new continuation object at each suspension', async () => {
    const m = await load(source, { reuseContinuations: false });
    const { heads, result } = collect(m, 6);
    assert.equal(result, 15);
    assert.equal(heads.length, 6);
    for (const head of heads) assert.ok(head instanceof Continuation);
    assert.equal(new Set(heads).size, 6);
  });

  test('with reuse: two activations have two continuations, each kept for its whole life', async () => {
    const m = await load(source, { reuseContinuations: true });
    const a = new NullAwaiter();
    const b = new NullAwaiter();
    const ta = m.sum(3, a);
    const ka = state.head;
    const tb = m.sum(3, b);
    const kb = state.head;
    assert.notEqual(ka, kb);
    for (let i = 0; i < 2; i++) {
      a.continue();
      assert.equal(state.head, ka);
      b.continue();
      assert.equal(state.head, kb);
    }
    a.continue();
    b.continue();
    assert.equal(ta.result, 3);
    assert.equal(tb.result, 3);
  });

  test('with reuse: a resumed frame clears the result and exception slots, so the continuation keeps no stale value alive', async () => {
    const m = await load(`
      export async function f(a, b, c, d) {
        const big = await a;
        if (big.size !== 1) throw new Error('wrong value');
        await b;
        try { await c; } catch (e) { if (e.message !== 'from c') throw e; }
        await d;
        return 'done';
      }`, { reuseContinuations: true });
    const [a, b, c, d] = [new ManualAwaiter(), new ManualAwaiter(), new ManualAwaiter(), new ManualAwaiter()];
    const task = m.f(a, b, c, d);
    const k = state.head as Continuation & Record<string, unknown>;
    const big = { size: 1 };
    a.resolve(big);
    assert.equal(state.head, k, 'suspended again in the same continuation');
    assert.ok(!Object.values(k).includes(big), 'the awaited value is not kept by the continuation');
    b.resolve(undefined);
    const error = new Error('from c');
    c.reject(error);
    assert.equal(state.head, k);
    assert.equal(k.state, 4);
    assert.ok(!Object.values(k).includes(error), 'the caught exception is not kept by the continuation');
    assert.ok(Object.values(k).includes(NO_EXCEPTION), 'the exception slot is marked empty');
    d.resolve(undefined);
    assert.equal(task.result, 'done');
  });

  test('with reuse: a caller keeps its continuation while each call of its callee is a new activation', async () => {
    const m = await load(source, { reuseContinuations: true });
    const na = new NullAwaiter();
    const task = m.outer(4, na);
    const inners = [state.head];
    const outers = [state.head!.next];
    for (;;) {
      na.continue();
      if (task.isCompleted) break;
      inners.push(state.head);
      outers.push(state.head!.next);
    }
    assert.equal(task.result, 4);
    assert.equal(outers.length, 4);
    assert.ok(outers[0] instanceof Continuation);
    for (const k of outers) assert.equal(k, outers[0]);
    assert.equal(new Set(inners).size, 4);
    assert.ok(!inners.includes(outers[0]!));
  });
});

// ------------------------------------------------------------------------------------------
describe('(d) the awaiter protocol', () => {
  const source = `
    export async function twice(aw) {
      const v = await aw;
      return v * 2;
    }
    export async function guarded(aw) {
      try {
        await aw;
        return 'not thrown';
      } catch (e) {
        return 'caught ' + e.message;
      }
    }
    export async function once(aw) {
      await aw;
      return 'done';
    }`;

  test('isCompleted true: getResult() at once, no onCompleted, the task is complete synchronously', async () => {
    const m = await load(source);
    const aw = new ManualAwaiter();
    aw.completed = true;
    aw.value = 21;
    const task = m.twice(aw);
    assert.ok(task instanceof Task);
    assert.equal(task.isCompleted, true);
    assert.equal(task.result, 42);
    assert.deepEqual(aw.calls, { isCompleted: 1, getResult: 1, onCompleted: 0 });
    // Not complete: it suspends, and onCompleted is called instead.
    const pending = new ManualAwaiter();
    const suspended = m.twice(pending);
    assert.equal(suspended.isCompleted, false);
    assert.deepEqual(pending.calls, { isCompleted: 1, getResult: 0, onCompleted: 1 });
    pending.resolve(5);
    assert.equal(suspended.isCompleted, true, 'the callback resumes synchronously');
    assert.equal(suspended.result, 10);
    assert.equal(pending.calls.getResult, 1);
  });

  test('getResult() throwing is an exception at the await, which a catch block catches', async () => {
    const m = await load(source);
    // Completed awaiter: getResult() throws synchronously at the await.
    const completed = new ManualAwaiter();
    completed.completed = true;
    completed.failing = true;
    completed.error = new Error('sync boom');
    const t1 = m.guarded(completed);
    assert.equal(t1.isCompleted, true);
    assert.equal(t1.result, 'caught sync boom');
    // After a suspension: getResult() throws when the callback resumes the function.
    const later = new ManualAwaiter();
    const t2 = m.guarded(later);
    assert.equal(t2.isCompleted, false);
    later.reject(new Error('late boom'));
    assert.equal(t2.isCompleted, true);
    assert.equal(t2.result, 'caught late boom');
    // Outside a try, the task fails with that error.
    const uncaught = new ManualAwaiter();
    const t3 = m.once(uncaught);
    const error = new Error('uncaught boom');
    uncaught.reject(error);
    assert.equal(t3.isFaulted, true);
    assert.equal(t3.error, error);
    await assert.rejects(t3, (e) => e === error);
  });

  test('onCompleted() throwing: the task rejects with that error', async () => {
    const m = await load(source);
    const error = new Error('cannot register');
    const aw = {
      [GET_AWAITER]() {
        return this;
      },
      isCompleted: false,
      getResult(): never {
        throw new Error('getResult must not be called');
      },
      onCompleted(): void {
        throw error;
      },
    };
    const task = m.once(aw);
    assert.ok(task instanceof Task);
    await assert.rejects(task, (e) => e === error);
    assert.equal(task.isFaulted, true);
    // Inside a try, it is thrown at the await like any failure of the awaited operation.
    const caught = await m.guarded(aw);
    assert.equal(caught, 'caught cannot register');
  });

  test('onCompleted() calling the callback synchronously: execution goes on, in a loop, without recursion', async () => {
    const m = await load(`
      export async function loop(n, aw, probe) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          if (i === 1 || i === n - 1) probe(i);
          s += await aw;
        }
        return s;
      }`);
    let registrations = 0;
    const aw = {
      [GET_AWAITER]() {
        return this;
      },
      isCompleted: false,
      getResult: () => 2,
      onCompleted(callback: () => void): void {
        registrations++;
        callback();
      },
    };
    const n = 100_000;
    const depths = new Map<number, number>();
    const task = m.loop(n, aw, (i: number) => depths.set(i, stackDepth()));
    assert.equal(task.isCompleted, true);
    assert.equal(task.result, 2 * n);
    assert.equal(registrations, n);
    assert.equal(depths.get(n - 1), depths.get(1));
  });

  test('calling the completion callback twice throws an Error', async () => {
    const m = await load(source);
    const aw = new ManualAwaiter();
    const task = m.once(aw);
    const callback = aw.callback!;
    aw.resolve(undefined);
    assert.equal(task.result, 'done');
    assert.throws(() => callback(), (e: unknown) => e instanceof Error && /callback/i.test(e.message));
    // The task is not disturbed.
    assert.equal(task.result, 'done');
    assert.equal(aw.calls.getResult, 1);
  });
});

// ------------------------------------------------------------------------------------------
describe('(e) Task', () => {
  const source = `
    export async function ok(v) { return v; }
    export async function bad(e) { throw e; }
    export async function wait(aw) { return await aw; }
    export async function failAfter(aw, e) { await aw; throw e; }`;

  test('a completed task: instanceof Promise, isCompleted, result, no error', async () => {
    const m = await load(source);
    const task = m.ok(7);
    assert.ok(task instanceof Task);
    assert.ok(task instanceof Promise);
    assert.equal(task.isCompleted, true);
    assert.equal(task.isFaulted, false);
    assert.equal(task.result, 7);
    assert.equal(task.error, undefined);
    assert.equal(await task, 7);
  });

  test('a failed task: isFaulted, error, and reading result throws the error', async () => {
    const m = await load(source);
    const error = new Error('bad');
    const task = m.bad(error);
    assert.equal(task.isCompleted, true);
    assert.equal(task.isFaulted, true);
    assert.equal(task.error, error);
    assert.throws(() => task.result, (e: unknown) => e === error);
    await assert.rejects(task, (e) => e === error);
  });

  test('a pending task: not completed, result throws, then completes with the value', async () => {
    const m = await load(source);
    const aw = new ManualAwaiter();
    const task = m.wait(aw);
    assert.equal(task.isCompleted, false);
    assert.equal(task.isFaulted, false);
    assert.equal(task.error, undefined);
    assert.throws(() => task.result, /before the task completed/);
    aw.resolve('later');
    assert.equal(task.isCompleted, true);
    assert.equal(task.result, 'later');
  });

  test('.then, .catch and .finally work and return plain Promises', async () => {
    const m = await load(source);
    const then = m.ok(1).then((v: number) => v + 1);
    assert.ok(then instanceof Promise);
    assert.ok(!(then instanceof Task));
    assert.equal(await then, 2);
    const error = new Error('x');
    assert.equal(await m.bad(error).catch((e: unknown) => e), error);
    assert.equal(await m.bad(error).then(() => 'fulfilled', (e: unknown) => (e === error ? 'rejected' : 'other')), 'rejected');
    let ran = false;
    assert.equal(await m.ok(3).finally(() => { ran = true; }), 3);
    assert.ok(ran);
    // A pending task's then runs when it completes.
    const aw = new ManualAwaiter();
    const chained = m.wait(aw).then((v: string) => v.toUpperCase());
    aw.resolve('abc');
    assert.equal(await chained, 'ABC');
  });

  test('rejected tasks awaited by native code: already failed, and failing later', async () => {
    const m = await load(source);
    const error = new Error('native sees it');
    const native = async (task: Promise<unknown>): Promise<unknown> => {
      try {
        await task;
        return 'no error';
      } catch (e) {
        return e;
      }
    };
    assert.equal(await native(m.bad(error)), error);
    const aw = new ManualAwaiter();
    const pending = native(m.failAfter(aw, error));
    aw.resolve(undefined);
    assert.equal(await pending, error);
    // Promise combinators accept tasks.
    assert.deepEqual(await Promise.all([m.ok(1), m.ok(2), Promise.resolve(3)]), [1, 2, 3]);
    const settled = await Promise.allSettled([m.ok(1), m.bad(error)]);
    assert.deepEqual(settled, [{ status: 'fulfilled', value: 1 }, { status: 'rejected', reason: error }]);
  });

  test('a task is a native promise: its prototype is Promise.prototype, as a native async function\'s result', async () => {
    const m = await load(source);
    const aw = new ManualAwaiter();
    const tasks = [m.ok(1), m.bad(new Error('x')), m.wait(aw), Task.fromResult(2), Task.fromError(new Error('y')), Task.fromResult(Promise.resolve(3))];
    for (const task of tasks) {
      assert.equal(Object.getPrototypeOf(task), Promise.prototype);
      assert.equal(task.constructor, Promise);
      assert.ok(task instanceof Task);
      task.catch(() => {});
    }
    // Only tasks are tasks; Task is not a constructor for users.
    assert.ok(!(Promise.resolve(1) instanceof Task));
    assert.ok(!((async () => 1)() instanceof Task));
    assert.ok(!(({ isCompleted: true }) as unknown instanceof Task));
    assert.ok(!(1 as unknown instanceof Task));
    assert.throws(() => Reflect.construct(Task, []), TypeError);
    aw.resolve('done');
  });

  test('the synchronous members are own properties: data, kept up to date; result is an accessor until fulfilled', async () => {
    const m = await load(source);
    const done = m.ok(1);
    assert.deepEqual(Object.keys(done), ['isCompleted', 'isFaulted', 'error', 'result']);
    assert.equal(Object.getOwnPropertyDescriptor(done, 'result')?.value, 1);
    const aw = new ManualAwaiter();
    const pending = m.wait(aw);
    assert.equal(typeof Object.getOwnPropertyDescriptor(pending, 'result')?.get, 'function');
    aw.resolve('later');
    assert.deepEqual([pending.isCompleted, pending.isFaulted, pending.error, pending.result], [true, false, undefined, 'later']);
    const error = new Error('late');
    const aw2 = new ManualAwaiter();
    const failing = m.failAfter(aw2, error);
    aw2.resolve(undefined);
    assert.deepEqual([failing.isCompleted, failing.isFaulted, failing.error], [true, true, error]);
    assert.throws(() => failing.result, (e: unknown) => e === error);
  });

  test('the runtime decides from private state: overwriting a task\'s public members changes nothing it does', async () => {
    const m = await load(source);
    const aw = new ManualAwaiter();
    const pending = m.wait(aw);
    Object.assign(pending, { isCompleted: true, isFaulted: false });
    const awaiting = m.wait(pending);
    assert.equal(awaiting.isCompleted, false, 'a pending task still suspends its awaiter');
    aw.resolve('real');
    assert.equal(await awaiting, 'real');
    const done = m.ok('kept');
    Object.assign(done, { isCompleted: false, result: 'forged' });
    assert.equal(m.wait(done).result, 'kept', 'a completed task is still taken at once, with its real result');
  });

  test('tasks keep fast properties, pending or not', async () => {
    const runtime = pathToFileURL(join(root, 'dist', 'runtime', 'index.js')).href;
    const script = `
      const { Task } = await import(${JSON.stringify(runtime)});
      const failed = Task.fromError(new Error('x'));
      failed.catch(() => {});
      const tasks = [Task.fromResult(1), Task.fromResult({}), failed, Task.fromResult(Promise.resolve(1))];
      console.log(JSON.stringify(tasks.map((t) => %HasFastProperties(t))));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script]);
    assert.deepEqual(JSON.parse(stdout), [true, true, true, true]);
  });

  test('Task.fromResult and Task.fromError', async () => {
    const done = Task.fromResult(4);
    assert.equal(done.isCompleted, true);
    assert.equal(done.result, 4);
    const error = new Error('from');
    const failed = Task.fromError(error);
    assert.equal(failed.isFaulted, true);
    assert.throws(() => failed.result, (e: unknown) => e === error);
    await assert.rejects(failed, (e) => e === error);
    // Compiled code awaits a completed task without suspending.
    const m = await load(`export async function f(t) { return (await t) + 1; }`);
    const task = m.f(done);
    assert.equal(task.isCompleted, true);
    assert.equal(task.result, 5);
  });
});

// ------------------------------------------------------------------------------------------
describe('(f) yieldNow', () => {
  const source = `
    import { yieldNow } from ${JSON.stringify(runtimeUrl)};
    export async function yielding(log) {
      log('start');
      await yieldNow();
      log('resumed');
      return 'done';
    }
    export async function notYielding(log) {
      log('start');
      await undefined;
      log('resumed');
      return 'done';
    }`;

  test('`await yieldNow()` suspends: a microtask queued before runs first', async () => {
    const m = await load(source);
    const log: string[] = [];
    queueMicrotask(() => log.push('microtask'));
    const task = m.yielding((s: string) => log.push(s));
    log.push('after call');
    assert.equal(task.isCompleted, false);
    assert.deepEqual(log, ['start', 'after call']);
    assert.equal(await task, 'done');
    assert.deepEqual(log, ['start', 'after call', 'microtask', 'resumed']);
  });

  test('by contrast `await undefined` does not suspend in compiled code', async () => {
    const m = await load(source);
    const log: string[] = [];
    queueMicrotask(() => log.push('microtask'));
    const task = m.notYielding((s: string) => log.push(s));
    log.push('after call');
    assert.equal(task.isCompleted, true);
    assert.deepEqual(log, ['start', 'resumed', 'after call']);
    await task;
  });

  test('yieldNow() returns a promise resolved with undefined', async () => {
    const p = yieldNow();
    assert.ok(p instanceof Promise);
    assert.equal(await p, undefined);
  });
});

// ------------------------------------------------------------------------------------------
describe('(g) return of a promise from a compiled function', () => {
  const source = `
    const later = (v, ms = 1) => new Promise((r) => setTimeout(() => r(v), ms));
    const failLater = (m, ms = 1) => new Promise((_, j) => setTimeout(() => j(new Error(m)), ms));
    export async function resolved() { return Promise.resolve(5); }
    export async function pending() { return later(7); }
    export async function afterAwait(p) { await p; return later(9); }
    export async function thenable() { return { then(resolve) { resolve(3); } }; }
    export async function rejected() { return Promise.reject(new Error('rejected at once')); }
    export async function rejectsLater() { return failLater('rejected later'); }
    async function inner(aw) { await aw; return 'inner'; }
    export async function returnsTask(aw) { return inner(aw); }
    export async function caller() {
      const a = await resolved();
      const b = await pending();
      const c = await thenable();
      let d, e;
      try { await rejected(); } catch (x) { d = x.message; }
      try { await rejectsLater(); } catch (x) { e = x.message; }
      return [a, b, c, d, e];
    }`;

  test('the caller gets the value, not the promise', async () => {
    const m = await load(source);
    assert.equal(await m.resolved(), 5);
    assert.equal(await m.pending(), 7);
    assert.equal(await m.afterAwait(later(0)), 9);
    assert.equal(await m.thenable(), 3);
    const aw = new ManualAwaiter();
    const task = m.returnsTask(aw);
    assert.equal(task.isCompleted, false);
    aw.resolve(undefined);
    assert.equal(await task, 'inner');
  });

  test('returning a rejected promise rejects', async () => {
    const m = await load(source);
    await assert.rejects(m.rejected(), { message: 'rejected at once' });
    await assert.rejects(m.rejectsLater(), { message: 'rejected later' });
  });

  test('compiled callers adopt too, and catch the rejections', async () => {
    const m = await load(source);
    assert.deepEqual(await m.caller(), [5, 7, 3, 'rejected at once', 'rejected later']);
  });
});

function later<T>(value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), 1));
}

// ------------------------------------------------------------------------------------------
describe('(h) classic scripts: runtime "global"', () => {
  test('the global bundle then a compiled script run in a vm context', async () => {
    const script = `
      const GET_AWAITER = Symbol.for('reawait.getAwaiter');
      async function add(a, b) { await null; return a + b; }
      async function main(aw) {
        const x = await add(1, 2);
        const y = await aw;
        const z = await new Promise((r) => setTimeout(() => r(100), 1));
        return x + y + z;
      }
      async function sync() { return await add(20, 22); }
      globalThis.exported = { main, sync };`;
    const { code } = transform(script, { filename: 'classic.js', runtime: 'global' });
    assert.doesNotMatch(code, /\bimport\b/);
    assert.match(code, /globalThis\.reawait/);
    const context = vm.createContext({ setTimeout });
    new vm.Script(readFileSync(join(root, 'dist', 'reawait.global.js'), 'utf8'), { filename: 'reawait.global.js' }).runInContext(context);
    const runtime = context.reawait;
    assert.ok(runtime, 'the bundle sets globalThis.reawait');
    assert.ok(Object.isFrozen(runtime));
    assert.equal(typeof runtime.Task, 'function');
    new vm.Script(code, { filename: 'classic.js' }).runInContext(context);
    const { main, sync } = context.exported;

    const done = sync();
    assert.ok(done instanceof runtime.Task);
    assert.ok(done instanceof vm.runInContext('Promise', context), 'a Promise of the context');
    assert.equal(done.isCompleted, true);
    assert.equal(done.result, 42);

    const aw = new ManualAwaiter();
    const task = main(aw);
    assert.equal(task.isCompleted, false);
    assert.equal(aw.calls.onCompleted, 1, 'the awaiter protocol works across realms');
    aw.resolve(10);
    assert.equal(await task, 113);
    assert.equal(task.isCompleted, true);
  });
});

// ------------------------------------------------------------------------------------------
describe('(i) source maps', () => {
  // Lines are 1-based below; columns 0-based.
  const typescript = [
    'interface Point { x: number; y: number }', // 1
    'type Mode = "after" | "plain";', // 2
    'export async function fails(p: Promise<number>, mode: Mode): Promise<number> {', // 3
    '  const v: number = await p;', // 4
    '  const q: Point = { x: v, y: 2 } as Point;', // 5
    '  if (mode === "plain") { const label: string = "plain " + (q.x as number); throw new Error(label); }', // 6
    '  const r: number = (await p as any).missing.deep;', // 7
    '  return r + q.y;', // 8
    '}', // 9
    '',
  ].join('\n');
  const javascript = [
    '// JavaScript: no type stripping', // 1
    '', // 2
    'export async function fails(p, mode) {', // 3
    '  const v = await p;', // 4
    '  const q = { x: v, y: 2 };', // 5
    '  if (mode === "plain") {   const label = "plain " + q.x;      throw new Error(label); }', // 6
    '  const r = (await p).missing.deep;', // 7
    '  return r + q.y;', // 8
    '}', // 9
    '',
  ].join('\n');
  const plainLine = 6;
  const afterAwaitLine = 7;
  const plainColumn = (source: string): number => source.split('\n')[plainLine - 1]!.indexOf('new Error');

  /** The first frame of the stack in the compiled file: its 1-based line and column. */
  function frameIn(stack: string, url: string): { line: number; column: number } {
    for (const line of stack.split('\n')) {
      const at = line.lastIndexOf(url + ':');
      if (at < 0) continue;
      const match = /^:(\d+):(\d+)/.exec(line.slice(at + url.length));
      if (match) return { line: Number(match[1]), column: Number(match[2]) };
    }
    assert.fail(`no frame in ${url}:\n${stack}`);
  }

  async function run(source: string, filename: string, mode: 'after' | 'plain') {
    const program = compileToFile(source, { filename });
    const m = await import(program.url);
    let caught: unknown;
    try {
      await m.fails(later(1), mode);
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof Error, `mode ${mode}: no error`);
    const frame = frameIn(caught.stack!, program.url);
    const map = new TraceMap(program.map as never);
    const original = originalPositionFor(map, { line: frame.line, column: frame.column - 1 });
    return { error: caught, frame, original, map: program.map };
  }

  for (const [language, source, filename] of [['TypeScript', typescript, 'maps.ts'], ['JavaScript', javascript, 'maps.js']] as const) {
    test(`${language}: an error thrown after an await maps back to its original line`, async () => {
      const { error, frame, original, map } = await run(source, filename, 'after');
      assert.ok(error instanceof TypeError, String(error));
      assert.deepEqual(map.sources, [filename]);
      assert.equal(original.source, filename);
      assert.equal(original.line, afterAwaitLine, `generated ${frame.line}:${frame.column} maps to ${original.line}:${original.column}`);
    });

    test(`${language}: a statement without awaits keeps its exact original column`, async () => {
      const { error, frame, original } = await run(source, filename, 'plain');
      assert.equal(error.message, 'plain 1');
      assert.equal(original.source, filename);
      assert.deepEqual({ line: original.line, column: original.column }, { line: plainLine, column: plainColumn(source) }, `generated ${frame.line}:${frame.column}`);
    });

    test(`${language}: every call of a compiled function maps back to its exact original position`, () => {
      // Calls before, between and after awaits; in loops, branches, try/catch/finally; in a
      // statement that awaits.
      const marked = language === 'TypeScript'
        ? [
            'async function f(p: Promise<number>, n: number): Promise<number> {',
            '  mark1(n as number);',
            '  for (let i: number = 0; i < n; i++) {',
            '    mark2(i); await p; mark3(i);',
            '  }',
            '  if (await p) { mark4(); } else { mark5(); }',
            '  try { mark6(); await p; mark7(); } catch (e: unknown) { mark8(e); } finally { mark9(); }',
            '  const x: number = mark10() + await p;',
            '  while (await p) mark11(x as number);',
            '  return mark12(x);',
            '}',
          ].join('\n')
        : [
            'async function f(p, n) {',
            '  mark1(n);',
            '  for (let i = 0; i < n; i++) {',
            '    mark2(i); await p; mark3(i);',
            '  }',
            '  if (await p) { mark4(); } else { mark5(); }',
            '  try { mark6(); await p; mark7(); } catch (e) { mark8(e); } finally { mark9(); }',
            '  const x = mark10() + await p;',
            '  while (await p) mark11(x);',
            '  return mark12(x);',
            '}',
          ].join('\n');
      const { code, map } = transform(marked, { filename });
      const trace = new TraceMap(map as never);
      const positions = (text: string, needle: string): { line: number; column: number }[] => {
        const found: { line: number; column: number }[] = [];
        text.split('\n').forEach((line, index) => {
          for (let at = line.indexOf(needle); at >= 0; at = line.indexOf(needle, at + 1)) found.push({ line: index + 1, column: at });
        });
        return found;
      };
      for (let i = 1; i <= 12; i++) {
        const needle = `mark${i}(`;
        const [original] = positions(marked, needle);
        const generated = positions(code, needle);
        assert.ok(original && generated.length > 0, needle);
        for (const at of generated) {
          const back = originalPositionFor(trace, at);
          assert.deepEqual({ line: back.line, column: back.column }, original, `${needle} generated at ${at.line}:${at.column}`);
        }
      }
    });

    test(`${language}: the map carries the original source`, () => {
      const program = compileToFile(source, { filename });
      assert.equal(program.map.version, 3);
      assert.deepEqual(program.map.sources, [filename]);
      assert.deepEqual(program.map.sourcesContent, [source]);
    });
  }
});

describe('(j) faces keep fast properties', () => {
  // Compiled call sites read FAST on every call: on a face in dictionary mode that lookup cost
  // a sixth of a synchronous call (redefining `length` had put every face there).
  test('faces of expressions, declarations and methods, of every length, are not dictionaries', async () => {
    const runtime = pathToFileURL(join(root, 'dist', 'runtime', 'index.js')).href;
    const script = `
      const { fn, methods } = await import(${JSON.stringify(runtime)});
      const faces = [0, 1, 2, 3, 4, 5, 6].map((n) => fn(function () {}, 'f' + n, n));
      const home = methods({ async m(a, b) {} }, 'm', 2);
      faces.push(home.m);
      console.log(JSON.stringify(faces.map((f) => [f.name, f.length, %HasFastProperties(f)])));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script]);
    assert.deepEqual(JSON.parse(stdout), [
      ['f0', 0, true], ['f1', 1, true], ['f2', 2, true], ['f3', 3, true], ['f4', 4, true], ['f5', 5, true], ['f6', 6, true], ['m', 2, true],
    ]);
  });
});
