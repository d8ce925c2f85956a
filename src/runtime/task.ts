/**
 * Task: what a compiled async function returns to code that is not compiled. A genuine Promise
 * (so `await`, `.then` and `instanceof Promise` work) that also tells synchronously whether it
 * is complete and what its result is.
 */
// The status of a task. First in the module: the bundler inlines constants only up to the first
// declaration with a side effect (scripts/bundle-global.mjs).
const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

/** Brand of Task instances: a property check is far cheaper than `instanceof` on a Promise subclass. */
export const TASK_BRAND: unique symbol = Symbol('reawait.task') as never;

const ignore = (): void => {};

export class Task<T = unknown> extends Promise<T> {
  // `then`, `catch` and `finally` return plain Promises: a Task is only made by the runtime.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  declare readonly [TASK_BRAND]: true;

  #status: number = PENDING;
  #value: unknown = undefined;
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;

  /** @internal Use {@link Task.fromResult}, {@link Task.fromError} or the runtime. */
  constructor(executor?: (resolve: (value: T) => void, reject: (reason: unknown) => void) => void) {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    super((res, rej) => {
      resolve = res as (value: T) => void;
      reject = rej;
    });
    this.#resolve = resolve;
    this.#reject = reject;
    if (executor !== undefined) {
      executor(
        (value) => this.settleFulfilled(value),
        (reason) => this.settleRejected(reason),
      );
    }
  }

  /** A task with this result; a thenable is adopted, as `Promise.resolve` would (the task is then pending). */
  static fromResult<T>(value: T | PromiseLike<T>): Task<T> {
    const task = new Task<T>();
    if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
      let then: unknown;
      try {
        then = (value as { then?: unknown }).then;
      } catch (error) {
        task.settleRejected(error);
        return task;
      }
      if (typeof then === 'function') {
        Promise.resolve(value).then((v) => task.settleFulfilled(v), (e: unknown) => task.settleRejected(e));
        return task;
      }
    }
    task.settleFulfilled(value);
    return task;
  }

  static fromError<T = never>(error: unknown): Task<T> {
    const task = new Task<T>();
    task.settleRejected(error);
    return task;
  }

  /** True once the task has a result or an error. */
  get isCompleted(): boolean {
    return this.#status !== PENDING;
  }

  get isFaulted(): boolean {
    return this.#status === REJECTED;
  }

  /** The result of a fulfilled task; throws the error of a failed one, or if still pending. */
  get result(): T {
    if (this.#status === FULFILLED) return this.#value as T;
    if (this.#status === REJECTED) {
      this.markHandled();
      throw this.#value;
    }
    throw new Error('reawait: Task.result read before the task completed');
  }

  /** The error of a failed task, or undefined. */
  get error(): unknown {
    return this.#status === REJECTED ? this.#value : undefined;
  }

  #handled = false;

  /** Whoever reads the error synchronously handles it: no unhandled-rejection report, as with `await`. */
  markHandled(): void {
    if (this.#handled) return;
    this.#handled = true;
    Promise.prototype.then.call(this, undefined, ignore);
  }

  /** @internal Fulfils with a value that is not a thenable (the runtime resolves those first). */
  settleFulfilled(value: unknown): void {
    if (this.#status !== PENDING) return;
    this.#status = FULFILLED;
    this.#value = value;
    this.#resolve(value as T);
  }

  /** @internal */
  settleRejected(error: unknown): void {
    if (this.#status !== PENDING) return;
    this.#status = REJECTED;
    this.#value = error;
    this.#reject(error);
  }
}

Object.defineProperty(Task.prototype, TASK_BRAND, { value: true });
// Native `await` (and Promise.resolve) take a promise whose `constructor` is Promise as it is;
// any other is wrapped, which costs two more microtasks. A Task is awaited like a native promise.
Object.defineProperty(Task.prototype, 'constructor', { value: Promise, writable: true, configurable: true });

export function isTask(value: unknown): value is Task<unknown> {
  return (value as { [TASK_BRAND]?: unknown })[TASK_BRAND] === true;
}
