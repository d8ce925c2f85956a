/**
 * The dispatcher: suspension, the public face of compiled functions, and the loop that resumes
 * a chain of continuations. No Node-only imports: this runs in any JavaScript engine.
 *
 * Protocol (docs/contract.md):
 * - A fast entry returns its value, or a Signal: SUSPENDED (the chain it built is in
 *   `state.head`..`state.tail`, the leaf's wait in `state.waitOn`), or an Adopt (it returned a
 *   thenable, which its caller must await).
 * - A suspending frame stores its live values in its continuation and calls `suspend(k)`, which
 *   links it behind the chain; the caller that received SUSPENDED from a fast call sets the
 *   callee continuation's `fn` (`settle`), since only the caller knows which function it called.
 */
import {
  Adopt,
  type Awaiter,
  type Continuation,
  GET_AWAITER,
  Signal,
  SUSPENDED,
  state,
  WAIT_AWAITER,
  WAIT_NONE,
  WAIT_THENABLE,
} from './contract.js';
import { exceptionSlotOf, resultSlotOf, slotName } from './flags.js';
import { Task } from './task.js';

const promiseThen = Promise.prototype.then;
const slotNames: string[] = [];
function slotKey(index: number): string {
  return slotNames[index] ??= slotName(index);
}

/** The leaf suspends: nothing below it in the chain. */
function beginLeafWait(waitOn: unknown, then: Function | null, kind: typeof WAIT_THENABLE | typeof WAIT_AWAITER): Signal {
  state.head = null;
  state.tail = null;
  state.waitOn = waitOn;
  state.waitThen = then;
  state.waitKind = kind;
  return SUSPENDED;
}

/**
 * `await value`: the value itself when it is complete (not a thenable, a completed Task, a
 * completed awaiter), else SUSPENDED with the wait recorded in `state`.
 */
export function awaitValue(value: unknown): unknown {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return value;
  if (value instanceof Task) {
    if (value.isCompleted) return value.result;
    return beginLeafWait(value, promiseThen, WAIT_THENABLE);
  }
  const getAwaiter = (value as { [GET_AWAITER]?: unknown })[GET_AWAITER];
  if (getAwaiter !== undefined) {
    const awaiter = (getAwaiter as () => Awaiter).call(value);
    if (awaiter.isCompleted) return awaiter.getResult();
    return beginLeafWait(awaiter, null, WAIT_AWAITER);
  }
  const then = (value as { then?: unknown }).then;
  if (typeof then !== 'function') return value;
  return beginLeafWait(value, then, WAIT_THENABLE);
}

/**
 * Called by a compiled call site when a fast call returned a Signal. `callee` is the fast entry
 * it called (undefined on the foreign path). Returns a value, or SUSPENDED.
 */
export function settle(signal: Signal, callee: unknown): unknown {
  if (signal === SUSPENDED) {
    const tail = state.tail;
    if (tail !== null && tail.fn === null) tail.fn = callee as Continuation['fn'];
    return SUSPENDED;
  }
  return awaitAdopted(signal as Adopt);
}

function awaitAdopted(adopt: Adopt): unknown {
  const value = adopt.value;
  if (value instanceof Task && value.isCompleted && !value.isFaulted) return value.result;
  // A thenable returned by an async function is always awaited (a failed Task must reject
  // asynchronously, exactly like the native `return promise`).
  return beginLeafWait(value, adopt.then, WAIT_THENABLE);
}

/** Links the suspending frame's continuation behind the chain built so far. */
export function suspend(k: Continuation): Signal {
  k.next = null;
  const tail = state.tail;
  if (tail === null) state.head = k;
  else tail.next = k;
  state.tail = k;
  return SUSPENDED;
}

/** `return value` in a compiled function: a thenable becomes an Adopt for the caller to await. */
export function ret(value: unknown): unknown {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return value;
  const then = (value as { then?: unknown }).then;
  if (typeof then !== 'function') return value;
  return new Adopt(value as object, then);
}

/** A task whose chain is suspended, with what it waits on. */
class Suspension {
  readonly task: Task<unknown> = new Task();
  head: Continuation | null = null;
  waitOn: unknown = undefined;
  waitKind: number = WAIT_NONE;
  /** Registering a wake-up may complete it synchronously: then the loop goes on instead of recursing. */
  registering = false;
  readyWhileRegistering = false;
  waiting = false;
  readyValue: unknown = undefined;
  readyIsError = false;
  #onFulfilled: ((value: unknown) => void) | null = null;
  #onRejected: ((error: unknown) => void) | null = null;
  #onAwaiterCompleted: (() => void) | null = null;

  get onFulfilled(): (value: unknown) => void {
    return (this.#onFulfilled ??= (value: unknown) => this.wake(value, false));
  }
  get onRejected(): (error: unknown) => void {
    return (this.#onRejected ??= (error: unknown) => this.wake(error, true));
  }
  get onAwaiterCompleted(): () => void {
    return (this.#onAwaiterCompleted ??= () => this.wakeFromAwaiter());
  }

  wakeFromAwaiter(): void {
    if (!this.waiting || this.waitKind !== WAIT_AWAITER) {
      throw new Error('reawait: an awaiter called its completion callback when nothing was waiting on it');
    }
    const awaiter = this.waitOn as Awaiter;
    let value: unknown;
    let isError = false;
    try {
      value = awaiter.getResult();
    } catch (error) {
      value = error;
      isError = true;
    }
    this.wake(value, isError);
  }

  wake(value: unknown, isError: boolean): void {
    if (!this.waiting) return;
    this.waiting = false;
    this.waitOn = undefined;
    if (this.registering) {
      this.readyWhileRegistering = true;
      this.readyValue = value;
      this.readyIsError = isError;
      return;
    }
    runGuarded(this, value, isError);
  }
}

/** A fault inside the dispatcher itself must reject the task, never lose it. */
function runGuarded(suspension: Suspension, value: unknown, isError: boolean): void {
  try {
    run(suspension, value, isError);
  } catch (fault) {
    suspension.task.settleRejected(fault);
  }
}

/** Takes the chain just built (in `state`) into the suspension and registers its wake-up. */
function park(suspension: Suspension): void {
  suspension.head = state.head;
  suspension.waitOn = state.waitOn;
  suspension.waitKind = state.waitKind;
  const then = state.waitThen;
  state.head = state.tail = null;
  state.waitOn = undefined;
  state.waitThen = null;
  state.waitKind = WAIT_NONE;
  suspension.waiting = true;
  suspension.registering = true;
  try {
    if (suspension.waitKind === WAIT_AWAITER) {
      (suspension.waitOn as Awaiter).onCompleted(suspension.onAwaiterCompleted);
    } else if (then === promiseThen) {
      promiseThen.call(suspension.waitOn, suspension.onFulfilled, suspension.onRejected);
    } else {
      callForeignThen(suspension, suspension.waitOn, then!);
    }
  } catch (error) {
    // A throwing awaiter: the error is thrown at the await, like a rejection.
    suspension.wake(error, true);
  } finally {
    suspension.registering = false;
  }
}

/** A foreign thenable: `then` is called in a microtask, and only its first settlement counts. */
function callForeignThen(suspension: Suspension, thenable: unknown, then: Function): void {
  let done = false;
  queueMicrotask(() => {
    try {
      then.call(
        thenable,
        (value: unknown) => {
          if (done) return;
          done = true;
          resolveForeign(suspension, value);
        },
        (error: unknown) => {
          if (done) return;
          done = true;
          suspension.wake(error, true);
        },
      );
    } catch (error) {
      if (!done) {
        done = true;
        suspension.wake(error, true);
      }
    }
  });
}

/** A thenable resolved with a value: if that is a thenable too, follow it (Promise semantics). */
function resolveForeign(suspension: Suspension, value: unknown): void {
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    let then: unknown;
    try {
      then = (value as { then?: unknown }).then;
    } catch (error) {
      suspension.wake(error, true);
      return;
    }
    if (typeof then === 'function') {
      suspension.waitOn = value;
      callForeignThen(suspension, value, then);
      return;
    }
  }
  suspension.wake(value, false);
}

/**
 * The dispatcher loop. Resumes the innermost continuation with a value or an exception; when a
 * frame completes, delivers its value into the caller's result slot (located by the flags) and
 * resumes the caller; an exception goes to the first frame whose flags name an exception slot.
 * Iterative: no stack growth per frame or per resumption.
 */
function run(suspension: Suspension, value: unknown, isError: boolean): void {
  for (;;) {
    let k = suspension.head;
    for (;;) {
      if (k === null) {
        if (isError) suspension.task.settleRejected(value);
        else suspension.task.settleFulfilled(value);
        return;
      }
      if (isError) {
        const exceptionSlot = exceptionSlotOf(k.flags);
        if (exceptionSlot === 0) {
          k = k.next; // this frame awaited outside any try: the exception passes through
          continue;
        }
        (k as unknown as Record<string, unknown>)[slotKey(exceptionSlot)] = value;
      } else {
        const resultSlot = resultSlotOf(k.flags);
        if (resultSlot !== 0) (k as unknown as Record<string, unknown>)[slotKey(resultSlot)] = value;
      }
      const next = k.next;
      let returned: unknown;
      state.k = k;
      try {
        returned = k.fn!.call(k);
      } catch (error) {
        state.k = null;
        value = error;
        isError = true;
        k = next;
        continue;
      }
      if (returned instanceof Signal) {
        if (returned === SUSPENDED) {
          // Frames below k, then k itself, suspended again: re-attach the rest of the chain.
          // Without reuse, k's frame suspended into a new continuation: it resumes the same way.
          const tail = state.tail!;
          tail.fn ??= k.fn;
          tail.next = next;
        } else {
          const settled = awaitAdopted(returned as Adopt);
          if (settled !== SUSPENDED) {
            value = settled;
            isError = false;
            k = next;
            continue;
          }
          state.head = next; // k is finished: the chain to wake is its caller's
          if (next === null) {
            // The outermost frame returned a pending thenable: the task adopts it.
            adoptIntoTask(suspension);
            return;
          }
        }
        park(suspension);
        if (!suspension.readyWhileRegistering) return;
        suspension.readyWhileRegistering = false;
        value = suspension.readyValue;
        isError = suspension.readyIsError;
        suspension.readyValue = undefined;
        break; // resume the new head
      }
      value = returned;
      isError = false;
      k = next;
    }
  }
}

/** The chain is empty and the result is a pending thenable: settle the task from it. */
function adoptIntoTask(suspension: Suspension): void {
  const waitOn = state.waitOn;
  const then = state.waitThen!;
  state.head = state.tail = null;
  state.waitOn = undefined;
  state.waitThen = null;
  state.waitKind = WAIT_NONE;
  const task = suspension.task;
  if (then === promiseThen) {
    promiseThen.call(waitOn, (v: unknown) => task.settleFulfilled(v), (e: unknown) => task.settleRejected(e));
  } else {
    suspension.head = null;
    suspension.waiting = true;
    callForeignThen(suspension, waitOn, then);
  }
}

type FastEntry = (...args: never[]) => unknown;

/** The public face of a compiled function: runs the fast entry and wraps the outcome in a Task. */
export function start(fast: FastEntry, thisArg: unknown, args: ArrayLike<unknown>): Task<unknown> {
  let returned: unknown;
  try {
    returned = Reflect.apply(fast, thisArg, args);
  } catch (error) {
    return Task.fromError(error);
  }
  if (!(returned instanceof Signal)) return Task.fromResult(returned);
  const suspension = new Suspension();
  if (returned === SUSPENDED) {
    state.tail!.fn ??= fast as Continuation['fn'];
    state.tail!.next = null;
  } else {
    const settled = awaitAdopted(returned as Adopt);
    if (settled !== SUSPENDED) return Task.fromResult(settled);
    adoptIntoTask(suspension);
    return suspension.task;
  }
  park(suspension);
  if (suspension.readyWhileRegistering) {
    suspension.readyWhileRegistering = false;
    const value = suspension.readyValue;
    suspension.readyValue = undefined;
    runGuarded(suspension, value, suspension.readyIsError);
  }
  return suspension.task;
}

