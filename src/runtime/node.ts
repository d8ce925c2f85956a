/**
 * The runtime as Node loads it (the `node` condition of the package's `exports`): the portable
 * runtime, plus AsyncLocalStorage propagation. A frame resumes in the async context it suspended
 * in, whatever resumes it (a promise reaction, a Task's completion, an awaiter callback called
 * from another context), as native `await` does.
 *
 * Nothing is captured until some AsyncLocalStorage sets a value: wrappers of `run()` and
 * `enterWith()` notice the first use, learn which storages exist, and note that `enterWith()`
 * changes the current context in place. Stores set before this module was loaded are not noticed
 * (README: AsyncLocalStorage).
 *
 * A captured context is a snapshot plus the values of the known storages. Resuming where those
 * values are already current (a promise reaction runs in the context of its `then`; a driver
 * loop runs in the task's own context) runs the frame directly; otherwise it runs inside the
 * snapshot. Either way, an `enterWith()` made during the resumption stays with the frame (it
 * suspends into a new capture) and is undone when the resumption ends, so it reaches neither
 * the resumer nor frames that share the capture.
 */
import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';
import { activateContext, type CapturedContext, type ContextHost, enterCaptured, forgetCurrentContext, setContextHost } from './context.js';
import type { Continuation } from './contract.js';

export * from './index.js';

type Storage = AsyncLocalStorage<unknown>;
type Snapshot = (fn: (...args: never[]) => unknown, ...args: unknown[]) => unknown;

/** On each wrapper: the method it wraps (another copy of the runtime may have wrapped first). */
const WRAPPED = Symbol.for('reawait.wrapped');

function unwrapped<F extends Function>(method: F): F {
  let original = method;
  while ((original as { [WRAPPED]?: F })[WRAPPED] !== undefined) original = (original as { [WRAPPED]?: F })[WRAPPED]!;
  return original;
}

/** The storages seen setting a value, in order of first use. */
const storages: Storage[] = [];
const known = new WeakSet<Storage>();

function learn(storage: Storage): void {
  if (known.has(storage)) return;
  known.add(storage);
  storages.push(storage);
  activateContext();
}

class NodeContext {
  readonly snapshot: Snapshot;
  /** `storages[i].getStore()` at capture; storages learnt later had no value then. */
  readonly values: unknown[];
  constructor(snapshot: Snapshot, values: unknown[]) {
    this.snapshot = snapshot;
    this.values = values;
  }

  isCurrent(): boolean {
    const values = this.values;
    for (let i = 0; i < storages.length; i++) {
      if (storages[i]!.getStore() !== values[i]) return false;
    }
    return true;
  }
}

function capture(): NodeContext {
  const values: unknown[] = [];
  for (let i = 0; i < storages.length; i++) values.push(storages[i]!.getStore());
  return new NodeContext(AsyncLocalStorage.snapshot() as Snapshot, values);
}

/**
 * What each `enterWith()` inside a resumption overwrote (triples of storage, previous value and
 * the async resource it wrote into), put back when the resumption ends. Only writes into the
 * resumption's own scope are put back: a nested `run()` or snapshot in the frame's own code
 * restores its scope itself. The resource is looked up only when something was written.
 */
const overwritten: unknown[] = [];
let resumptions = 0;
let originalEnterWith: Storage['enterWith'];

function resumeScoped(k: Continuation, resume: (k: Continuation) => unknown): unknown {
  const mark = overwritten.length;
  resumptions++;
  try {
    return enterCaptured(k, resume);
  } finally {
    resumptions--;
    if (overwritten.length > mark) putBack(mark);
  }
}

function putBack(mark: number): void {
  const here = executionAsyncResource();
  for (let i = overwritten.length - 3; i >= mark; i -= 3) {
    if (overwritten[i + 2] === here) Reflect.apply(originalEnterWith, overwritten[i], [overwritten[i + 1]]);
  }
  overwritten.length = mark;
}

/**
 * Without AsyncContextFrame (Node 20), a snapshot is an async resource and `enterWith` writes
 * into the resource of the current scope: inside a snapshot, into the snapshot itself. Probed
 * once, with the original methods.
 */
function snapshotsChangeInPlace(run: Storage['run'], enterWith: Storage['enterWith']): boolean {
  const probe = new AsyncLocalStorage<number>();
  // Own properties: Node 24's run() calls this.enterWith(), which must not reach a wrapper.
  Object.assign(probe, { run, enterWith });
  const changed = probe.run(1, () => {
    const snapshot = AsyncLocalStorage.snapshot();
    snapshot(() => probe.enterWith(2));
    return snapshot(() => probe.getStore()) === 2;
  });
  probe.disable();
  return changed;
}

function installAsyncLocalStorage(): void {
  const prototype = AsyncLocalStorage.prototype;
  // Every copy of the runtime in a process wraps once more, so that each learns of each storage.
  const { run, enterWith } = prototype;
  originalEnterWith = unwrapped(enterWith);
  const changeInPlace = snapshotsChangeInPlace(unwrapped(run), originalEnterWith);
  const host: ContextHost = {
    capture,
    resumeIn(context: CapturedContext, k: Continuation, resume: (k: Continuation) => unknown): unknown {
      const captured = context as NodeContext;
      if (captured.isCurrent()) return resumeScoped(k, resume);
      // Inside a snapshot that cannot be changed in place, enterWith() is undone by leaving it.
      return captured.snapshot(changeInPlace ? resumeScoped : enterCaptured, k, resume);
    },
  };
  setContextHost(host);
  const wrappers = {
    run(this: Storage, ...args: Parameters<typeof run>): unknown {
      learn(this);
      return Reflect.apply(run, this, args);
    },
    enterWith(this: Storage, store: unknown): void {
      learn(this);
      forgetCurrentContext();
      if (resumptions > 0) overwritten.push(this, this.getStore(), executionAsyncResource());
      Reflect.apply(enterWith, this, [store]);
    },
  };
  Object.defineProperty(wrappers.run, WRAPPED, { value: run });
  Object.defineProperty(wrappers.enterWith, WRAPPED, { value: enterWith });
  Object.defineProperty(prototype, 'run', { configurable: true, writable: true, value: wrappers.run });
  Object.defineProperty(prototype, 'enterWith', { configurable: true, writable: true, value: wrappers.enterWith });
}

installAsyncLocalStorage();
