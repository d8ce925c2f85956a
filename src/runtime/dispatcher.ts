/**
 * The dispatcher: suspension, the public face of compiled functions, and the loop that resumes
 * a chain of continuations. No Node-only imports: this runs in any JavaScript engine.
 *
 * Protocol (docs/contract.md):
 * - A fast entry returns its value, or a Signal: SUSPENDED (the chain it built is in
 *   `state.head`..`state.tail`, the leaf's wait in `state.waitOn`), or ADOPTED (it returned a
 *   thenable, left in `state.adopted`, which its caller must await).
 * - A suspending frame stores its live values in its continuation and calls `suspend(k)`, which
 *   links it behind the chain; the caller that received SUSPENDED from a fast call sets the
 *   callee continuation's `fn` (`settle`), since only the caller knows which function it called.
 */
import {
  ADOPTED,
  type Awaiter,
  type Continuation,
  GET_AWAITER,
  type Signal,
  SUSPENDED,
  state,
  WAIT_AWAITER,
  WAIT_NONE,
  WAIT_THENABLE,
} from './contract.js';
import {
  captureContext,
  contextInUse,
  enterFromOutside,
  leaveFromOutside,
  resumeInContext,
} from './context.js';
import { exceptionSlotOf, RESUMES_THROUGH_STATE, resultSlotOf, SLOT_FLAGS_MASK, slotName } from './flags.js';
import { fulfilTask, fulfilledTask, isTask, isTaskCompleted, isTaskFulfilled, pendingTask, rejectedTask, rejectTask, type Task, taskOutcome } from './task.js';

const promiseThen = Promise.prototype.then;
const slotNames: string[] = [];
function slotKey(index: number): string {
  return (slotNames[index] ??= slotName(index));
}

/**
 * The state object lives long, so it is soon in V8's old generation, while continuations and
 * awaiters are usually young: each store of one into it takes the write barrier's slow path.
 * A loop that suspends on the same awaiter with the same continuation stores nothing new.
 */
function handOver(k: Continuation): void {
  if (state.k !== k) state.k = k;
  state.resuming = true;
}

/**
 * Calls a frame's fast entry to resume it, with the continuation as `this` (the fast entry's
 * prologue tells a resumption by `this instanceof Continuation`). Arrows and methods that use
 * `super` take `this` for themselves: they are told through `state` and called with `k.self`
 * (a method's receiver; `super.m()` passes the method's own `this`).
 */
function resumeFrame(k: Continuation): unknown {
  const context = k.context;
  if (context !== undefined) return resumeInContext(context, callFrame, k);
  // callFrame's body, repeated: one call less on every resumption.
  if ((k.flags & RESUMES_THROUGH_STATE) === 0) return k.fn!();
  handOver(k);
  return (k.fn as Function).call(k.self);
}

function callFrame(k: Continuation): unknown {
  if ((k.flags & RESUMES_THROUGH_STATE) === 0) return k.fn!();
  handOver(k);
  return (k.fn as Function).call(k.self);
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
  return awaitObject(value as object);
}

function awaitObject(value: object): unknown {
  if ((value as { [GET_AWAITER]?: unknown })[GET_AWAITER] !== undefined) {
    const awaiter = (value as { [GET_AWAITER](): Awaiter })[GET_AWAITER]();
    if (awaiter.isCompleted) return awaiter.getResult();
    return waitOnAwaiter(awaiter);
  }
  return awaitNonAwaiter(value);
}

/** The leaf suspends on an incomplete awaiter (through `awaitValue`, from a call site's foreign path). */
function waitOnAwaiter(awaiter: Awaiter): Signal {
  return beginLeafWait(awaiter, null, WAIT_AWAITER);
}

/**
 * A non-call await site suspends: it is always the leaf, so its continuation is the whole chain
 * so far. One call records the wait and links the frame.
 */
export function suspendOnAwaiter(k: Continuation, awaiter: Awaiter): Signal {
  if (contextInUse === true) k.context = captureContext();
  // Only what changed is stored (see handOver).
  if (state.head !== k) state.head = k;
  if (state.tail !== k) state.tail = k;
  if (state.waitOn !== awaiter) state.waitOn = awaiter;
  state.waitKind = WAIT_AWAITER;
  return SUSPENDED;
}

/** `await value` for an object that is not an awaiter: a Task, a thenable, or a plain object. */
export function awaitNonAwaiter(value: object): unknown {
  // A native promise is awaited through the intrinsic `then`, as native `await` does (a `then`
  // patched on the instance is neither read nor called).
  // A Task is a native promise too; a completed one continues at once.
  if (Object.getPrototypeOf(value) === Promise.prototype) {
    if (isTask(value) && isTaskCompleted(value)) return taskOutcome(value);
    return beginLeafWait(value, promiseThen, WAIT_THENABLE);
  }
  const then = (value as { then?: unknown }).then;
  if (typeof then !== 'function') return value;
  return beginLeafWait(value, then, WAIT_THENABLE);
}

/**
 * Called by a compiled call site when its call returned SUSPENDED. `callee` is the fast entry it
 * called (undefined on the foreign path): the frame that suspended resumes through it unless it
 * said otherwise. Returns true (the site suspends).
 */
export function settle(callee: unknown): true {
  const tail = state.tail;
  if (tail !== null && tail.fn === null) tail.fn = callee as Continuation['fn'];
  return true;
}

/**
 * Awaits the thenable a frame returned (in `state.adopted`): called by a compiled call site when
 * its fast call returned ADOPTED, and by the dispatcher. Returns a value, or SUSPENDED.
 */
export function awaitAdopted(): unknown {
  const value = state.adopted;
  const then = state.adoptedThen!;
  state.adopted = undefined;
  state.adoptedThen = null;
  if (isTask(value as object) && isTaskFulfilled(value as Task<unknown>)) return taskOutcome(value as Task<unknown>);
  // Anything else is awaited: a failed Task rejects asynchronously, as `return promise` does.
  return beginLeafWait(value, then, WAIT_THENABLE);
}

/**
 * Links the suspending frame's continuation behind the chain built so far. The tail's `next` is
 * left as it was: whoever takes the chain from `state` sets it (the face: null; the dispatcher:
 * the rest of the chain it resumed), so a frame that suspends again on its own keeps its link.
 */
export function suspend(k: Continuation): Signal {
  if (contextInUse === true) k.context = captureContext();
  const tail = state.tail;
  if (tail === null) state.head = k;
  else tail.next = k;
  state.tail = k;
  return SUSPENDED;
}

/** `return value` in a compiled function: a thenable is handed to the caller to await. */
export function ret(value: unknown): unknown {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return value;
  const then = (value as { then?: unknown }).then;
  if (typeof then !== 'function') return value;
  state.adopted = value;
  state.adoptedThen = then;
  return ADOPTED;
}

/**
 * A task whose chain of continuations is suspended, and what it waits on. Its flags (and
 * `contextInUse`) are tested with `=== true`: V8 compiles `if (flag)` on a field into a full
 * ToBoolean (strings, numbers, undetectables...), `=== true` into one comparison.
 */
class Suspension {
  readonly task: Task<unknown> = pendingTask();
  head: Continuation | null = null;
  waitOn: unknown = undefined;
  waiting = false;
  /** A wake-up that came while the wait was being registered: the loop goes on instead of recursing. */
  registering = false;
  ready = false;
  readyValue: unknown = undefined;
  readyIsError = false;
  /** Wake-up callbacks, made once per task and reused at every suspension (plain fields: a lazy getter costs more than the whole resumption). */
  onFulfilled: ((value: unknown) => void) | null = null;
  onRejected: ((error: unknown) => void) | null = null;
  onAwaiterCompleted: (() => void) | null = null;

  /**
   * The awaiter completed: resume the chain inline, synchronously. The callback is called by
   * outside code, whose async context the dispatcher does not know (context.ts).
   */
  wakeFromAwaiter(): void {
    if (contextInUse !== true) {
      this.resumeFromAwaiter();
      return;
    }
    const outerContext = enterFromOutside();
    try {
      this.resumeFromAwaiter();
    } finally {
      leaveFromOutside(outerContext);
    }
  }

  private resumeFromAwaiter(): void {
    if (this.waiting !== true) {
      throw new Error('reawait: an awaiter called its completion callback when nothing was waiting on it');
    }
    const completed = this.waitOn as Awaiter;
    this.waiting = false;
    let value: unknown;
    try {
      value = completed.getResult();
    } catch (error) {
      this.resume(error, true);
      return;
    }
    const k = this.head!;
    if (this.registering === true || (k.flags & SLOT_FLAGS_MASK) !== 0) {
      this.resume(value, false);
      return;
    }
    // Fast path, the common loop: the innermost frame takes no value (the await's result is
    // unused and it is not in a try), so it resumes directly; if it suspends again by itself
    // on an awaiter, it is parked again at once. Anything else goes to the general loop.
    const next = k.next;
    let returned: unknown;
    try {
      returned = resumeFrame(k);
    } catch (error) {
      state.resuming = false;
      this.head = next;
      this.resume(error, true);
      return;
    }
    // A value (not a signal) first: comparing it with the signals directly would make V8 use a
    // generic comparison on every resumption, once some frame has returned a number.
    if (typeof returned !== 'symbol') {
      this.head = next;
      this.resume(returned, false);
      return;
    }
    if (returned === SUSPENDED && state.head === k) {
      // k suspended again by itself (not through a callee, which would head the chain): it is
      // still the head, its `next` still the rest of the chain. On an awaiter (the loop of the
      // seed), only the registration is left to do.
      if (state.waitKind !== WAIT_AWAITER) {
        if (park(this)) this.resume(this.takeReady(), this.readyIsError);
        return;
      }
      // parkOnAwaiter, written out: V8 has no inlining budget left here (the frame is inlined).
      const awaiter = state.waitOn as Awaiter;
      if (this.waitOn !== awaiter) this.waitOn = awaiter;
      this.waiting = true;
      this.registering = true;
      try {
        awaiter.onCompleted(this.onAwaiterCompleted!);
      } catch (error) {
        this.wake(error, true);
      }
      this.registering = false;
      if (this.ready === true) {
        this.ready = false;
        this.resume(this.takeReady(), this.readyIsError);
      }
      return;
    }
    this.head = next;
    if (returned === SUSPENDED) {
      const tail = state.tail!;
      tail.fn ??= k.fn;
      tail.next = next;
      if (park(this)) this.resume(this.takeReady(), this.readyIsError);
    } else if (returned === ADOPTED) {
      this.resumeAdopted(next);
    } else {
      this.resume(returned, false);
    }
  }

  private takeReady(): unknown {
    const value = this.readyValue;
    this.readyValue = undefined;
    return value;
  }

  /** Frame k finished by returning a thenable: its caller `next` awaits it. */
  private resumeAdopted(next: Continuation | null): void {
    const settled = awaitAdopted();
    if (settled !== SUSPENDED) {
      this.resume(settled, false);
      return;
    }
    if (next === null) {
      adoptIntoTask(this);
      return;
    }
    state.head = next;
    if (park(this)) this.resume(this.takeReady(), this.readyIsError);
  }

  wake(value: unknown, isError: boolean): void {
    if (this.waiting !== true) return;
    this.waiting = false;
    this.waitOn = undefined;
    this.resume(value, isError);
  }

  private resume(value: unknown, isError: boolean): void {
    if (this.registering === true) {
      this.ready = true;
      this.readyValue = value;
      this.readyIsError = isError;
      return;
    }
    // A fault inside the dispatcher itself rejects the task, never loses it.
    try {
      run(this, value, isError);
    } catch (fault) {
      rejectTask(this.task, fault);
    }
  }
}

/**
 * The wake-up callbacks of a task, made on its first suspension. A separate function: a closure
 * created inside `park` would make V8 allocate a context for every call of it.
 */
function makeCallbacks(suspension: Suspension): Suspension {
  suspension.onAwaiterCompleted = () => suspension.wakeFromAwaiter();
  suspension.onFulfilled = (value: unknown) => suspension.wake(value, false);
  suspension.onRejected = (error: unknown) => suspension.wake(error, true);
  return suspension;
}

/**
 * Takes the wait recorded in `state` into the suspension and registers its wake-up. Returns
 * true if the wait completed while it was being registered (the value is then in `ready*`).
 */
function park(suspension: Suspension): boolean {
  const head = state.head;
  // The suspension may be old too: store only what changed. `state.waitOn` is not cleared (it is
  // overwritten by the next suspension), for the same reason.
  if (suspension.head !== head) suspension.head = head;
  const waitOn = state.waitOn;
  if (state.waitKind === WAIT_AWAITER) return parkOnAwaiter(suspension, waitOn as Awaiter);
  if (suspension.waitOn !== waitOn) suspension.waitOn = waitOn;
  suspension.waiting = true;
  suspension.registering = true;
  registerThenable(suspension, waitOn, state.waitThen!);
  return endRegistration(suspension);
}

/** `park` for an awaiter, whose chain head is already in place. Small enough for V8 to inline. */
function parkOnAwaiter(suspension: Suspension, awaiter: Awaiter): boolean {
  if (suspension.waitOn !== awaiter) suspension.waitOn = awaiter;
  suspension.waiting = true;
  suspension.registering = true;
  const callback = suspension.onAwaiterCompleted ?? makeCallbacks(suspension).onAwaiterCompleted!;
  try {
    awaiter.onCompleted(callback);
  } catch (error) {
    // A throwing awaiter: the error is thrown at the await, like a rejection.
    suspension.wake(error, true);
  }
  return endRegistration(suspension);
}

function endRegistration(suspension: Suspension): boolean {
  suspension.registering = false;
  if (suspension.ready !== true) return false;
  suspension.ready = false;
  return true;
}

function registerThenable(suspension: Suspension, thenable: unknown, then: Function): void {
  if (then !== promiseThen) {
    callForeignThen(suspension, thenable, then);
    return;
  }
  const onFulfilled = suspension.onFulfilled ?? makeCallbacks(suspension).onFulfilled!;
  try {
    promiseThen.call(thenable, onFulfilled, suspension.onRejected);
  } catch (error) {
    suspension.wake(error, true);
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
          queueMicrotask(() => suspension.wake(error, true));
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

/**
 * A thenable resolved with a value: if that is a thenable too, follow it (Promise semantics).
 * The wake-up is one microtask later, as native `await` resumes from the reaction of the promise
 * that adopted the thenable.
 */
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
  queueMicrotask(() => suspension.wake(value, false));
}

/**
 * The dispatcher loop. Resumes the innermost continuation with a value or an exception; when a
 * frame completes, delivers its value into the caller's result slot (located by the flags) and
 * resumes the caller; an exception goes to the first frame whose flags name an exception slot.
 * Iterative: no stack growth per frame or per resumption.
 */
function run(suspension: Suspension, value: unknown, isError: boolean): void {
  let k = suspension.head;
  for (;;) {
    if (k === null) {
      if (isError) rejectTask(suspension.task, value);
      else fulfilTask(suspension.task, value);
      return;
    }
    const flags = k.flags;
    if (isError) {
      const exceptionSlot = exceptionSlotOf(flags);
      if (exceptionSlot === 0) {
        k = k.next; // this frame awaited outside any try: the exception passes through
        continue;
      }
      (k as unknown as Record<string, unknown>)[slotKey(exceptionSlot)] = value;
    } else if (flags !== 0) {
      const resultSlot = resultSlotOf(flags);
      if (resultSlot !== 0) (k as unknown as Record<string, unknown>)[slotKey(resultSlot)] = value;
    }
    const next = k.next;
    let returned: unknown;
    try {
      returned = resumeFrame(k);
    } catch (error) {
      state.resuming = false;
      value = error;
      isError = true;
      k = next;
      continue;
    }
    if (typeof returned !== 'symbol') {
      // A value (tested first: see resumeFromAwaiter).
      value = returned;
      isError = false;
      k = next;
      continue;
    }
    if (returned === SUSPENDED) {
      // Frames below k, then k itself, suspended again: re-attach the rest of the chain.
      // Without reuse, k's frame suspended into a new continuation: it resumes the same way.
      const tail = state.tail!;
      tail.fn ??= k.fn;
      tail.next = next;
    } else if (returned === ADOPTED) {
      const settled = awaitAdopted();
      if (settled !== SUSPENDED) {
        value = settled;
        isError = false;
        k = next;
        continue;
      }
      if (next === null) {
        // The outermost frame returned a pending thenable: the task adopts it.
        adoptIntoTask(suspension);
        return;
      }
      state.head = next; // k is finished: the chain to wake is its caller's
    } else {
      value = returned;
      isError = false;
      k = next;
      continue;
    }
    if (!park(suspension)) return;
    value = suspension.readyValue;
    isError = suspension.readyIsError;
    suspension.readyValue = undefined;
    k = suspension.head;
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
    promiseThen.call(waitOn, (v: unknown) => fulfilTask(task, v), (e: unknown) => rejectTask(task, e));
  } else {
    suspension.head = null;
    suspension.waiting = true;
    callForeignThen(suspension, waitOn, then);
  }
}

type FastEntry = (...args: never[]) => unknown;

/** The public face of a compiled function: runs the fast entry and wraps the outcome in a Task. */
export function start(fast: FastEntry, thisArg: unknown, args: ArrayLike<unknown>): Task<unknown> {
  // A face may run inside a `finally` between a `return promise` and its caller: that frame's
  // adopted value must survive.
  const outerAdopted = state.adopted;
  const outerAdoptedThen = state.adoptedThen;
  const outerContext = enterFromOutside();
  const task = startTask(fast, thisArg, args);
  leaveFromOutside(outerContext);
  state.adopted = outerAdopted;
  state.adoptedThen = outerAdoptedThen;
  return task;
}

function startTask(fast: FastEntry, thisArg: unknown, args: ArrayLike<unknown>): Task<unknown> {
  let returned: unknown;
  try {
    returned = Reflect.apply(fast, thisArg, args);
  } catch (error) {
    return rejectedTask(error);
  }
  // `ret` has read `then` already: the value is not a thenable.
  if (typeof returned !== 'symbol' || (returned !== SUSPENDED && returned !== ADOPTED)) return fulfilledTask(returned);
  const suspension = new Suspension();
  if (returned === ADOPTED) {
    const settled = awaitAdopted();
    if (settled !== SUSPENDED) return fulfilledTask(settled);
    adoptIntoTask(suspension);
    return suspension.task;
  }
  const tail = state.tail!;
  tail.fn ??= fast as Continuation['fn'];
  tail.next = null;
  if (park(suspension)) {
    const value = suspension.readyValue;
    suspension.readyValue = undefined;
    suspension.registering = false;
    suspension.waiting = true;
    suspension.wake(value, suspension.readyIsError);
  }
  return suspension.task;
}
