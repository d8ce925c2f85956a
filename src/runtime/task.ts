/**
 * Task: what a compiled async function returns to code that is not compiled. A genuine native
 * Promise, whose prototype is `Promise.prototype` as a native async function's result is (so
 * `await`, `.then`, `instanceof Promise` and the ticks of awaiting it are native's), that also
 * tells synchronously whether it is complete and what its result is.
 *
 * The synchronous members are the promise's own properties, not a subclass's prototype: a
 * subclass would make `Object.getPrototypeOf(task)` differ from native. They are put on the
 * promise as class fields (cheap, shared hidden classes); only `result` of a task that is not
 * fulfilled from the start is an accessor, since reading it must throw.
 */
// The status of a task. First in the module: the bundler inlines constants only up to the first
// declaration with a side effect (scripts/bundle-global.mjs).
const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

const ignore = (): void => {};
// The intrinsics, as loaded: user code may patch the globals later.
const NativePromise = Promise;
const promiseResolve = Promise.resolve.bind(Promise) as <T>(value: T) => Promise<T>;
const promiseThen = Promise.prototype.then;

/** Its constructor returns its argument, so a subclass's fields are added to an object made elsewhere. */
class FieldsOn {
  constructor(target: object) {
    return target;
  }
}

/**
 * The fields a task adds to its promise. The public ones are the API (plain data, kept up to
 * date by the runtime); the runtime itself decides from the private ones, which user code
 * cannot change. `result` is added last: a data field when the task is fulfilled from the start
 * (a face whose function completed synchronously: the common case, kept cheap), else an accessor
 * that throws until the task is fulfilled. Adding the accessor keeps the object's fast
 * properties; turning a data field into one would not.
 */
class TaskFields<T> extends FieldsOn {
  isCompleted: boolean;
  isFaulted: boolean;
  error: unknown;
  declare readonly result: T;
  #status: number;
  #value: unknown;
  #resolve: ((value: T) => void) | null;
  #reject: ((reason: unknown) => void) | null;
  #handled = false;

  protected constructor(promise: Promise<T>, status: number, value: unknown, resolve: ((value: T) => void) | null, reject: ((reason: unknown) => void) | null) {
    super(promise);
    this.isCompleted = status !== PENDING;
    this.isFaulted = status === REJECTED;
    this.error = status === REJECTED ? value : undefined;
    this.#status = status;
    this.#value = value;
    this.#resolve = resolve;
    this.#reject = reject;
    if (status !== FULFILLED) {
      if (defineGetter !== undefined) defineGetter.call(this, 'result', resultAccessor.get!);
      else Object.defineProperty(this, 'result', resultAccessor);
    }
  }

  static fulfilled<T>(value: T): Task<T> {
    // Promise.resolve of an object may return that very object (a native promise): not here.
    const promise = (typeof value === 'object' && value !== null) || typeof value === 'function'
      ? new NativePromise<T>((resolve) => resolve(value))
      : promiseResolve(value);
    return new FulfilledTaskFields(promise, value) as unknown as Task<T>;
  }

  static rejected<T>(error: unknown): Task<T> {
    return new TaskFields(NativePromise.reject(error) as Promise<T>, REJECTED, error, null, null) as unknown as Task<T>;
  }

  static pending<T>(): Task<T> {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new NativePromise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return new TaskFields(promise, PENDING, undefined, resolve, reject) as unknown as Task<T>;
  }
  static is(value: object): value is Task<unknown> {
    return #status in value;
  }

  static isCompleted(task: Task<unknown>): boolean {
    return (task as unknown as TaskFields<unknown>).#status !== PENDING;
  }

  static isFulfilled(task: Task<unknown>): boolean {
    return (task as unknown as TaskFields<unknown>).#status === FULFILLED;
  }

  /** The value of a fulfilled task; throws the error of a failed one (which then counts as handled), or if still pending. */
  static outcome<T>(task: Task<T>): T {
    const fields = task as unknown as TaskFields<T>;
    if (fields.#status === FULFILLED) return fields.#value as T;
    if (fields.#status === REJECTED) {
      TaskFields.markHandled(fields);
      throw fields.#value;
    }
    throw new Error('reawait: Task.result read before the task completed');
  }

  /** Whoever reads the error synchronously handles it: no unhandled-rejection report, as with `await`. */
  private static markHandled<T>(fields: TaskFields<T>): void {
    if (fields.#handled) return;
    fields.#handled = true;
    promiseThen.call(fields, undefined, ignore);
  }

  /** Fulfils with a value that is not a thenable (the runtime resolves those first). */
  static fulfil(task: Task<unknown>, value: unknown): void {
    const fields = task as unknown as TaskFields<unknown>;
    if (fields.#status !== PENDING) return;
    fields.#status = FULFILLED;
    fields.#value = value;
    fields.isCompleted = true;
    const resolve = fields.#resolve!;
    fields.#resolve = fields.#reject = null;
    resolve(value);
  }

  static reject(task: Task<unknown>, error: unknown): void {
    const fields = task as unknown as TaskFields<unknown>;
    if (fields.#status !== PENDING) return;
    fields.#status = REJECTED;
    fields.#value = error;
    fields.isCompleted = true;
    fields.isFaulted = true;
    fields.error = error;
    const reject = fields.#reject!;
    fields.#resolve = fields.#reject = null;
    reject(error);
  }
}

class FulfilledTaskFields<T> extends TaskFields<T> {
  override readonly result: T;

  constructor(promise: Promise<T>, value: T) {
    super(promise, FULFILLED, value, null, null);
    this.result = value;
  }
}

const resultAccessor: PropertyDescriptor = {
  get(this: Task<unknown>) {
    return TaskFields.outcome(this);
  },
  enumerable: true,
  configurable: true,
};

/**
 * Annex B's `__defineGetter__` defines the same accessor (enumerable, configurable) as
 * `Object.defineProperty` with `resultAccessor`, 20-30 ns faster in V8 (110 against 80 ns on
 * Node 20), a tenth of a suspending face's cost. Taken as loaded; an engine without it gets
 * `Object.defineProperty`.
 */
const defineGetter = (Object.prototype as { __defineGetter__?: (key: string, get: () => unknown) => void }).__defineGetter__;

/**
 * A task: a native Promise with the members below as its own properties. `instanceof Task` holds
 * for tasks only; `Task.prototype` is not their prototype (`Promise.prototype` is).
 */
export interface Task<T = unknown> extends Promise<T> {
  /** True once the task has a result or an error. */
  readonly isCompleted: boolean;
  readonly isFaulted: boolean;
  /** The result of a fulfilled task; reading it throws the error of a failed one, or if still pending. */
  readonly result: T;
  /** The error of a failed task, or undefined. */
  readonly error: unknown;
}

export class Task<T = unknown> {
  /** @internal Tasks are made by the runtime, {@link Task.fromResult} and {@link Task.fromError}. */
  private constructor() {
    throw new TypeError('reawait: a Task is made by the runtime, Task.fromResult or Task.fromError');
  }

  static [Symbol.hasInstance](value: unknown): value is Task<unknown> {
    return ((typeof value === 'object' && value !== null) || typeof value === 'function') && TaskFields.is(value);
  }

  /** A task with this result; a thenable is adopted, as `Promise.resolve` would (the task is then pending). */
  static fromResult<T>(value: T | PromiseLike<T>): Task<T> {
    if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
      let then: unknown;
      try {
        then = (value as { then?: unknown }).then;
      } catch (error) {
        return TaskFields.rejected(error);
      }
      if (typeof then === 'function') {
        const task = TaskFields.pending<T>();
        promiseThen.call(promiseResolve(value), (v: unknown) => TaskFields.fulfil(task, v), (e: unknown) => TaskFields.reject(task, e));
        return task;
      }
    }
    return TaskFields.fulfilled(value as T);
  }

  static fromError<T = never>(error: unknown): Task<T> {
    return TaskFields.rejected(error);
  }
}

/** The runtime's side of tasks: made pending, settled, and read without the public properties. */
export const pendingTask = TaskFields.pending;
export const fulfilledTask = TaskFields.fulfilled;
export const rejectedTask = TaskFields.rejected;
export const fulfilTask = TaskFields.fulfil;
export const rejectTask = TaskFields.reject;
export const isTaskCompleted = TaskFields.isCompleted;
export const isTaskFulfilled = TaskFields.isFulfilled;
export const taskOutcome = TaskFields.outcome;

export function isTask(value: object): value is Task<unknown> {
  return TaskFields.is(value);
}
