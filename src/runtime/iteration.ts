/**
 * for-of and for-in loops whose body awaits are lowered to these steps, since an engine's own
 * iterator cannot be held across a suspension. They follow the iteration protocol: `next` read
 * once, results checked to be objects, `return` called on an early exit, its errors ignored when
 * the loop exits by a throw.
 */

/** The step result when the iteration is finished. */
export const DONE: unique symbol = Symbol('reawait.done') as never;

interface IteratorRecord {
  iterator: Iterator<unknown> | null;
  next: () => IteratorResult<unknown>;
  done: boolean;
}

interface EnumerationRecord {
  iterator: null;
  object: object;
  keys: string[];
  index: number;
  done: boolean;
}

type Record_ = IteratorRecord | EnumerationRecord;

/**
 * GetIterator. `notIterable` is V8's message when the value is not iterable, which depends on
 * where it is: given by the compiler (`.for is not iterable` in a loop head), null for V8's
 * description of the value (a nested or assigned pattern), or left out (the value alone).
 */
export function iterate(iterable: unknown, notIterable?: string | null): IteratorRecord {
  const iterator = iteratorOf(iterable, notIterable);
  return { iterator, next: iterator.next, done: false };
}

function iteratorOf(iterable: unknown, notIterable: string | null | undefined): Iterator<unknown> {
  const method = (iterable as { [Symbol.iterator]?: unknown } | null | undefined)?.[Symbol.iterator];
  if (typeof method !== 'function') {
    throw new TypeError(notIterable ?? (notIterable === null ? `${callSite(iterable)} is not iterable (cannot read property Symbol(Symbol.iterator))` : `${describe(iterable)} is not iterable`));
  }
  const iterator = method.call(iterable) as Iterator<unknown>;
  if ((typeof iterator !== 'object' || iterator === null) && typeof iterator !== 'function') {
    throw new TypeError('Result of the Symbol.iterator method is not an object');
  }
  return iterator;
}

/**
 * An array pattern that the engine destructures, whose value is not printed as written (a loop
 * head's temp, say, which V8 would name): GetIterator runs here, with V8's message for the source
 * (null: V8's description of the value), and the engine gets the iterator through this iterable,
 * used at once and once; nothing is read twice.
 */
export function iterableOnce(value: unknown, notIterable: string | null): Iterable<unknown> {
  handOver.iterator = iteratorOf(value, notIterable);
  return handOver;
}

const handOver = {
  iterator: undefined as Iterator<unknown> | undefined,
  [Symbol.iterator](): Iterator<unknown> {
    const iterator = handOver.iterator!;
    handOver.iterator = undefined;
    return iterator;
  },
};

/** for-in: the enumerable string keys, own and inherited; a key deleted before its turn is skipped. */
export function enumerate(object: unknown): EnumerationRecord {
  const keys: string[] = [];
  if (object !== null && object !== undefined) {
    for (const key in object as object) keys.push(key);
  }
  return { iterator: null, object: Object(object) as object, keys, index: 0, done: false };
}

export function step(record: Record_): unknown {
  if (record.iterator === null) {
    const enumeration = record as EnumerationRecord;
    while (enumeration.index < enumeration.keys.length) {
      const key = enumeration.keys[enumeration.index++]!;
      if (key in enumeration.object) return key;
    }
    enumeration.done = true;
    return DONE;
  }
  // Errors from next() or its result do not close the iterator.
  record.done = true;
  const result = record.next.call(record.iterator);
  if ((typeof result !== 'object' || result === null) && typeof result !== 'function') {
    throw new TypeError(`Iterator result ${String(result)} is not an object`);
  }
  if (result.done) return DONE;
  const value = result.value;
  record.done = false;
  return value;
}

/** The loop left early (break, return, continue to an outer loop). */
export function close(record: Record_): void {
  if (record.done || record.iterator === null) return;
  record.done = true;
  const iterator = record.iterator;
  const method = (iterator as { return?: unknown }).return;
  if (method === undefined || method === null) return;
  if (typeof method !== 'function') throw new TypeError('iterator.return is not a function');
  const result = method.call(iterator);
  if ((typeof result !== 'object' || result === null) && typeof result !== 'function') {
    throw new TypeError(`Iterator result ${String(result)} is not an object`);
  }
}

/** The loop left by a throw: close, ignoring what closing throws. */
export function closeOnThrow(record: Record_): void {
  if (record.done || record.iterator === null) return;
  record.done = true;
  try {
    const method = (record.iterator as { return?: unknown }).return;
    if (typeof method === 'function') method.call(record.iterator);
  } catch {
    // the original exception wins
  }
}

/** V8's description of a value in a message that cannot name its expression (BuildDefaultCallSite). */
function callSite(value: unknown): string {
  if (typeof value === 'string') return `string "${value}"`;
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return `${typeof value} ${String(value)}`;
  return typeof value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return value.name || 'function';
  if (typeof value === 'object') return 'object';
  return typeof value === 'string' ? `"${value}"` : String(value);
}

/** `new` of a constructor read before an await: V8's message names the expression written. */
export function construct(target: unknown, calleeText: string, ...args: unknown[]): object {
  if (typeof target !== 'function') throw new TypeError(`${calleeText} is not a constructor`);
  return Reflect.construct(target, args) as object;
}

/**
 * What a call site calls when its callee is not a function: a function that throws V8's message,
 * so that the TypeError comes after the arguments are evaluated, as natively.
 */
export function notCallable(calleeText: string): () => never {
  return () => {
    throw new TypeError(`${calleeText} is not a function`);
  };
}

// ---- for await: the async iteration protocol, stepped by compiled code that awaits each result.

interface AsyncIteratorRecord {
  iterator: object;
  next: Function;
  /** Wraps a sync iterator (CreateAsyncFromSyncIterator): values are awaited. */
  sync: boolean;
  done: boolean;
}

export function asyncIterate(iterable: unknown): AsyncIteratorRecord {
  const target = iterable as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown } | null | undefined;
  const asyncMethod = target?.[Symbol.asyncIterator];
  if (asyncMethod !== undefined && asyncMethod !== null) {
    if (typeof asyncMethod !== 'function') throw new TypeError(`${describe(iterable)} is not async iterable`);
    const iterator = asyncMethod.call(iterable) as object;
    if ((typeof iterator !== 'object' || iterator === null) && typeof iterator !== 'function') throw new TypeError('Result of the Symbol.asyncIterator method is not an object');
    return { iterator, next: (iterator as { next: Function }).next, sync: false, done: false };
  }
  const record = iterate(iterable);
  return { iterator: record.iterator as object, next: record.next, sync: true, done: false };
}

/**
 * The next result, as a promise. For a sync iterator this is %AsyncFromSyncIteratorPrototype%.next:
 * whatever goes wrong (next() throws, its result is not an object, reading `done` or `value`
 * throws, the value is a promise whose `constructor` getter throws) rejects the promise instead
 * of throwing; the value is awaited with one PromiseResolve (one `constructor` lookup) and no
 * species lookup. Errors do not close the iterator (a rejected value may: see syncContinuation).
 */
export function asyncNext(record: AsyncIteratorRecord): unknown {
  record.done = true;
  if (!record.sync) return record.next.call(record.iterator);
  let done: boolean;
  let value: unknown;
  try {
    const result = record.next.call(record.iterator);
    if ((typeof result !== 'object' || result === null) && typeof result !== 'function') {
      throw new TypeError(`Iterator result ${String(result)} is not an object`);
    }
    done = Boolean((result as IteratorResult<unknown>).done);
    value = (result as IteratorResult<unknown>).value;
  } catch (error) {
    return Promise.reject(error);
  }
  return syncContinuation(value, done, record.iterator);
}

/**
 * AsyncFromSyncIteratorContinuation: `await` is PromiseResolve(%Promise%, value) then
 * PerformPromiseThen, so the result settles in the same job as the spec's. When the value rejects
 * (and the result is not the last), ES2025 closes the sync iterator first, ignoring what its
 * `return()` does; Node 24 does so, Node 20 does not: compiled code does what native code does on
 * the same engine (`closesOnRejection`).
 */
async function syncContinuation(value: unknown, done: boolean, iterator: object): Promise<IteratorResult<unknown>> {
  try {
    return { value: await value, done } as IteratorResult<unknown>;
  } catch (error) {
    if (!done && closesOnRejection) closeQuietly(iterator);
    throw error;
  }
}

/** IteratorClose with a throw completion: `return()` is called, and whatever it does is ignored. */
function closeQuietly(iterator: object): void {
  try {
    const method = (iterator as { return?: unknown }).return;
    if (method !== undefined && method !== null) (method as Function).call(iterator);
  } catch {
    // The rejection being delivered wins over an error of return().
  }
}

/**
 * Whether this engine's own `for await` closes a sync iterator whose value rejects. Probed once,
 * with a native loop; until the probe settles (a few microtasks after load) the specification's
 * behaviour holds.
 */
let closesOnRejection = true;
void (async () => {
  let closed = false;
  const iterable = {
    [Symbol.iterator]: () => ({
      next: () => ({ value: Promise.reject(new Error('reawait probe')), done: false }),
      return: () => {
        closed = true;
        return { value: undefined, done: true };
      },
    }),
  };
  try {
    for await (const item of iterable) void item;
  } catch {
    // The probe's own rejection.
  }
  closesOnRejection = closed;
})();

/** Checks an awaited result; true when the iteration is finished. */
export function asyncDone(record: AsyncIteratorRecord, result: unknown): boolean {
  if ((typeof result !== 'object' || result === null) && typeof result !== 'function') {
    throw new TypeError(`Iterator result ${String(result)} is not an object`);
  }
  if ((result as IteratorResult<unknown>).done) return true;
  record.done = false;
  return false;
}

/** AsyncIteratorClose: what to await when the loop is left early (nothing when there is no `return`). */
export function asyncClose(record: AsyncIteratorRecord, throwing: boolean): unknown {
  if (record.done) return undefined;
  record.done = true;
  let method: unknown;
  try {
    method = (record.iterator as { return?: unknown }).return;
    if (method === undefined || method === null) return undefined;
    if (typeof method !== 'function') throw new TypeError('iterator.return is not a function');
    const result = method.call(record.iterator);
    if (throwing) return Promise.resolve(result).then(undefined, () => undefined);
    return Promise.resolve(result).then((value) => {
      if ((typeof value !== 'object' || value === null) && typeof value !== 'function') throw new TypeError(`Iterator result ${String(value)} is not an object`);
      return undefined;
    });
  } catch (error) {
    if (throwing) return undefined; // the loop's own exception wins
    throw error;
  }
}
