/**
 * `using` and `await using` declarations of compiled functions. The compiler lowers a scope that
 * declares them to a try/catch/finally around it (src/compiler/phases/1-parse/using.ts); a
 * UsingScope holds the scope's resources and disposes them at its end. It is ECMA-262's
 * DisposeCapability with AddDisposableResource, GetDisposeMethod and DisposeResources, with V8's
 * messages. An `await using` scope's compiled code awaits what `next()` leaves in `awaited`, so
 * that its awaits are the function's own: a result that is already complete continues at once,
 * as every await of compiled code does.
 */

/** A `using` declaration's resource. */
const SYNC_DISPOSE = 0;
/** An `await using` declaration's resource with a `Symbol.asyncDispose` method: its result is awaited. */
const ASYNC_DISPOSE = 1;
/** An `await using` declaration's resource with only a `Symbol.dispose` method: its result is ignored, undefined is awaited. */
const ASYNC_FROM_SYNC = 2;

type Hint = typeof SYNC_DISPOSE | typeof ASYNC_DISPOSE | typeof ASYNC_FROM_SYNC;

export class UsingScope {
  /** The resources in order of declaration, three entries each: the value, its dispose method, its hint. */
  private readonly resources: unknown[] = [];
  /** The scope's completion so far: a throw when `failed`. */
  private failed = false;
  private error: unknown = undefined;
  /** DisposeResources' flags: an `await using` of null or undefined still awaits once. */
  private needsAwait = false;
  private hasAwaited = false;
  /** What the compiled code awaits after `next()` returned true. */
  awaited: unknown = undefined;

  /** `using x = value`: null and undefined are not recorded. */
  use<T>(value: T): T {
    if (value === null || value === undefined) return value;
    requireObject(value);
    this.resources.push(value, disposeMethod(value, Symbol.dispose, 'Symbol(Symbol.dispose) is not a function'), SYNC_DISPOSE);
    return value;
  }

  /** `await using x = value`: null and undefined are recorded with no method (see next()). */
  useAsync<T>(value: T): T {
    if (value === null || value === undefined) {
      this.resources.push(undefined, undefined, ASYNC_DISPOSE);
      return value;
    }
    requireObject(value);
    const method = (value as { [Symbol.asyncDispose]?: unknown })[Symbol.asyncDispose];
    if (method === undefined || method === null) {
      this.resources.push(value, disposeMethod(value, Symbol.dispose, 'Symbol(Symbol.dispose) is not a function'), ASYNC_FROM_SYNC);
    } else {
      if (typeof method !== 'function') throw new TypeError('Symbol(Symbol.asyncDispose) is not a function');
      this.resources.push(value, method, ASYNC_DISPOSE);
    }
    return value;
  }

  /** The scope's body threw, or a disposal did: an error after another suppresses it. */
  threw(error: unknown): void {
    if (this.failed) {
      this.error = new SuppressedErrorConstructor(error, this.error, 'An error was suppressed during disposal');
    } else {
      this.failed = true;
      this.error = error;
    }
  }

  /**
   * Disposes the resources in reverse order until one needs an await: true with the value to
   * await in `awaited` (the compiled code awaits it, records its rejection with threw() and calls
   * next() again), false when all are disposed.
   */
  next(): boolean {
    const resources = this.resources;
    while (resources.length > 0) {
      const top = resources.length - 3;
      const hint = resources[top + 2] as Hint;
      if (hint === SYNC_DISPOSE && this.needsAwait && !this.hasAwaited) {
        // An `await using` of null came after this `using`: its await comes first.
        this.needsAwait = false;
        this.awaited = undefined;
        return true;
      }
      const value = resources[top];
      const method = resources[top + 1] as Function | undefined;
      resources.length = top;
      if (method === undefined) {
        this.needsAwait = true;
        continue;
      }
      let result: unknown;
      try {
        result = method.call(value);
      } catch (error) {
        // The specification wraps a Symbol.dispose method used by `await using` in a function
        // that returns a promise, rejected here; that promise is awaited like any other.
        if (hint === ASYNC_FROM_SYNC) this.hasAwaited = true;
        this.threw(error);
        continue;
      }
      if (hint !== SYNC_DISPOSE) {
        this.hasAwaited = true;
        this.awaited = hint === ASYNC_DISPOSE ? result : undefined;
        return true;
      }
    }
    if (this.needsAwait && !this.hasAwaited) {
      this.needsAwait = false;
      this.awaited = undefined;
      return true;
    }
    this.awaited = undefined;
    return false;
  }

  /**
   * The end of the scope: disposes what is left (everything in a scope without `await using`, whose
   * next() never asks for an await; nothing after the loop on next() of one with), then completes
   * with the error recorded, if any.
   */
  dispose(): void {
    this.next();
    if (this.failed) throw this.error;
  }
}

function requireObject(value: unknown): void {
  if (typeof value !== 'object' && typeof value !== 'function') throw new TypeError('An object is expected with `using` declarations');
}

/** GetMethod, then a missing method is a TypeError too. */
function disposeMethod(value: unknown, key: symbol, missing: string): Function {
  const method = (value as Record<symbol, unknown>)[key];
  if (typeof method !== 'function') throw new TypeError(missing);
  return method;
}

/**
 * The target of an assignment to a `using` variable, which the compiler prints
 * `usingTarget(() => x, captured).v`: reading it reads the variable; assigning to it throws V8's
 * TypeError, after the variable's dead-zone check, as natively (the value assigned is evaluated
 * first). V8's message depends on whether a closure captures the variable.
 */
export function usingTarget(read: () => unknown, captured: boolean): { v: unknown } {
  return {
    get v(): unknown {
      return read();
    },
    set v(_value: unknown) {
      read();
      throw new TypeError(captured ? 'Assignment to constant variable.' : 'Assignment to using variable.');
    },
  };
}

type SuppressedErrorType = new (error: unknown, suppressed: unknown, message?: string) => Error;

/**
 * The engine's SuppressedError (Node >= 24), or the specification's constructor where there is
 * none (Node 20): a subclass of Error named SuppressedError, callable without `new`, whose own
 * `message` (only when given), `error` and `suppressed` are non-enumerable.
 */
export const SuppressedErrorConstructor: SuppressedErrorType =
  (globalThis as { SuppressedError?: SuppressedErrorType }).SuppressedError ?? makeSuppressedError();

function makeSuppressedError(): SuppressedErrorType {
  function SuppressedError(this: unknown, error: unknown, suppressed: unknown, message?: unknown): Error {
    const instance = Reflect.construct(Error, message === undefined ? [] : [message], new.target ?? SuppressedError) as Error;
    Object.defineProperty(instance, 'error', { value: error, writable: true, enumerable: false, configurable: true });
    Object.defineProperty(instance, 'suppressed', { value: suppressed, writable: true, enumerable: false, configurable: true });
    return instance;
  }
  // The name survives bundling, which may rename the declaration.
  Object.defineProperty(SuppressedError, 'name', { value: 'SuppressedError' });
  Object.setPrototypeOf(SuppressedError, Error);
  const prototype = Object.create(Error.prototype, {
    constructor: { value: SuppressedError, writable: true, enumerable: false, configurable: true },
    name: { value: 'SuppressedError', writable: true, enumerable: false, configurable: true },
    message: { value: '', writable: true, enumerable: false, configurable: true },
  });
  Object.defineProperty(SuppressedError, 'prototype', { value: prototype, writable: false });
  return SuppressedError as unknown as SuppressedErrorType;
}
