/**
 * The runtime as Node loads it (the `node` condition of the package's `exports`): the portable
 * runtime, plus AsyncLocalStorage propagation. A frame resumes in the async context it suspended
 * in, whatever resumes it (a promise reaction, a Task's completion, an awaiter callback called
 * from another context), as native `await` does.
 *
 * Nothing is captured until some AsyncLocalStorage sets a value: the wrappers below only notice
 * the first `run()` or `enterWith()` (and that `enterWith()` changes the current context in
 * place). Stores set before this module was loaded are not noticed (README: AsyncLocalStorage).
 */
import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';
import { activateContext, type ContextHost, type ContextSnapshot, forgetCurrentContext, setContextHost } from './context.js';

export * from './index.js';

type Storage = AsyncLocalStorage<unknown>;

/** On each wrapper: the method it wraps (another copy of the runtime may have wrapped first). */
const WRAPPED = Symbol.for('reawait.wrapped');

function unwrapped<F extends Function>(method: F): F {
  let original = method;
  while ((original as { [WRAPPED]?: F })[WRAPPED] !== undefined) original = (original as { [WRAPPED]?: F })[WRAPPED]!;
  return original;
}

/**
 * Without AsyncContextFrame (Node 20), a snapshot is an async resource and `enterWith` writes
 * into the resource of the current scope: inside a resumed frame, that is the frame's snapshot,
 * which its callers may share. Probed once, with the methods not yet wrapped.
 */
function snapshotsChangeInPlace(): boolean {
  const probe = new AsyncLocalStorage<number>();
  // The original methods, as own properties: a wrapper would tell its copy of the runtime that a
  // store is in use, and Node 24's run() calls this.enterWith().
  Object.assign(probe, {
    run: unwrapped(AsyncLocalStorage.prototype.run),
    enterWith: unwrapped(AsyncLocalStorage.prototype.enterWith),
  });
  const changed = probe.run(1, () => {
    const snapshot = AsyncLocalStorage.snapshot();
    snapshot(() => probe.enterWith(2));
    return snapshot(() => probe.getStore()) === 2;
  });
  probe.disable();
  return changed;
}

/**
 * For snapshots changed in place: what each `enterWith` inside a resumption overwrote (pairs of
 * storage and previous value), put back when the resumption ends, so that the change stays with
 * the frame that made it (it suspends into a new snapshot) and never reaches the others.
 */
const overwritten: unknown[] = [];
const outerScopes: (object | null)[] = [];
let scope: object | null = null;

function enterScope(): number {
  outerScopes.push(scope);
  scope = executionAsyncResource();
  return overwritten.length;
}

function leaveScope(mark: unknown, enterWith: Storage['enterWith']): void {
  for (let i = overwritten.length - 2; i >= (mark as number); i -= 2) {
    Reflect.apply(enterWith, overwritten[i], [overwritten[i + 1]]);
  }
  overwritten.length = mark as number;
  scope = outerScopes.pop() ?? null;
}

function installAsyncLocalStorage(): void {
  const prototype = AsyncLocalStorage.prototype;
  // Every copy of the runtime in a process wraps once more, so that each learns of the first use.
  const { run, enterWith } = prototype;
  const changeInPlace = snapshotsChangeInPlace();
  const host: ContextHost = { snapshot: () => AsyncLocalStorage.snapshot() as ContextSnapshot };
  if (changeInPlace) {
    host.enter = enterScope;
    host.leave = (mark) => leaveScope(mark, enterWith);
  }
  setContextHost(host);
  const wrappers = {
    run(this: Storage, ...args: Parameters<typeof run>): unknown {
      activateContext();
      return Reflect.apply(run, this, args);
    },
    enterWith(this: Storage, store: unknown): void {
      activateContext();
      forgetCurrentContext();
      if (changeInPlace && scope !== null && executionAsyncResource() === scope) overwritten.push(this, this.getStore());
      Reflect.apply(enterWith, this, [store]);
    },
  };
  Object.defineProperty(wrappers.run, WRAPPED, { value: run });
  Object.defineProperty(wrappers.enterWith, WRAPPED, { value: enterWith });
  Object.defineProperty(prototype, 'run', { configurable: true, writable: true, value: wrappers.run });
  Object.defineProperty(prototype, 'enterWith', { configurable: true, writable: true, value: wrappers.enterWith });
}

installAsyncLocalStorage();
