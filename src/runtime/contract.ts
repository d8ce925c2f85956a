/**
 * The objects shared by compiled code and the dispatcher. See docs/contract.md.
 */

import type { CapturedContext } from './context.js';

/** What `state.waitOn` holds. Declared first: the bundler inlines them only then (scripts/bundle-global.mjs). */
export const WAIT_NONE = 0;
export const WAIT_THENABLE = 1;
export const WAIT_AWAITER = 2;

/**
 * Header of every continuation. Each compiled function's continuation class extends this one and
 * adds its slots `s1..sN`, so the header is at the same offsets in all of them.
 */
export class Continuation {
  /** The caller's continuation, or null for the outermost frame of a task. */
  next: Continuation | null = null;
  /** The fast entry to call to resume this frame (set by whoever called it). */
  fn: ((this: Continuation) => unknown) | null = null;
  /** Suspension point number (1..N) to resume at. */
  state: number;
  /** Result and exception slot indices for `state`: see flags.ts. */
  flags: number;
  /** The receiver to resume a method that uses `super` with (undefined: resumed with the continuation as `this`). */
  self: unknown = undefined;
  /** The async context to resume in (see context.ts); undefined while no host context is in use. */
  context: CapturedContext | undefined = undefined;
  constructor(state: number, flags: number) {
    this.state = state;
    this.flags = flags;
  }
}

/*
 * The continuations of most functions (with reuse, up to 8 slots): one class per size, with
 * slots s1..sN given in order. An application's functions then share two shapes, and the
 * dispatcher's inline caches, which keep up to 4, stay fast. A class per function made them
 * megamorphic: the seed loop went from 20 to 35 ns per suspension with 8 functions taking turns
 * (docs/benchmarks.md). Each function's factory passes its own slots (compiler:
 * continuationClasses). The slots are stored from arguments, not declared as fields: a field
 * that starts as `undefined` loses V8's small-integer representation.
 */
export class Frame4 extends Continuation {
  declare s1: unknown;
  declare s2: unknown;
  declare s3: unknown;
  declare s4: unknown;
  constructor(s1?: unknown, s2?: unknown, s3?: unknown, s4?: unknown) {
    super(0, 0);
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    this.s4 = s4;
  }
}

export class Frame8 extends Frame4 {
  declare s5: unknown;
  declare s6: unknown;
  declare s7: unknown;
  declare s8: unknown;
  constructor(s1?: unknown, s2?: unknown, s3?: unknown, s4?: unknown, s5?: unknown, s6?: unknown, s7?: unknown, s8?: unknown) {
    super(s1, s2, s3, s4);
    this.s5 = s5;
    this.s6 = s6;
    this.s7 = s7;
    this.s8 = s8;
  }
}

/** The largest frame: a function with more slots gets a class of its own. */
export const FRAME_SLOTS = 8;

/**
 * What a fast entry returns when it has not produced its value yet: one of two symbols, private
 * to the runtime. Symbols rather than objects: `typeof result === "symbol"` tells almost every
 * value from a signal with one map comparison (an object test is a range check, an undetectable
 * test and a null test), and only symbols then reach the identity comparisons, whose inline
 * caches stay specialised. 16 of the seed loop's 336 instructions per suspension.
 */
export type Signal = typeof SUSPENDED | typeof ADOPTED;

/** The frame suspended; the chain built so far is in `state.head` .. `state.tail`. */
export const SUSPENDED: unique symbol = Symbol('reawait.suspended');

/**
 * The frame returned a thenable (`return promise`), left in `state.adopted`: its caller must
 * await it. A marker rather than a wrapper object, so that a call site tells both signals from
 * a value with two identity comparisons.
 */
export const ADOPTED: unique symbol = Symbol('reawait.adopted');

/** Marks an empty exception slot (`throw undefined` is legal, so undefined cannot). */
export const NO_EXCEPTION: object = Object.freeze({ toString: () => '[reawait no exception]' });

/** Property of a compiled function's public face that holds its fast entry. */
export const FAST: unique symbol = Symbol.for('reawait.fast') as never;

/** The awaiter protocol: `value[GET_AWAITER]()` returns an {@link Awaiter}. */
export const GET_AWAITER: unique symbol = Symbol.for('reawait.getAwaiter') as never;

export interface Awaiter<T = unknown> {
  readonly isCompleted: boolean;
  getResult(): T;
  onCompleted(callback: () => void): void;
}

export interface Awaitable<T = unknown> {
  [GET_AWAITER](): Awaiter<T>;
}

export type WaitKind = typeof WAIT_NONE | typeof WAIT_THENABLE | typeof WAIT_AWAITER;

/**
 * Handover state between compiled frames and the dispatcher. One object with a fixed shape, so
 * every access is a monomorphic property load.
 */
export interface RuntimeState {
  /** Continuation being resumed: valid while `resuming`, which the fast entry clears. */
  k: Continuation | null;
  resuming: boolean;
  /** Innermost continuation of the chain being unwound. */
  head: Continuation | null;
  /** Outermost continuation linked so far. */
  tail: Continuation | null;
  /** What the leaf waits on: a thenable or an awaiter. */
  waitOn: unknown;
  /** For a thenable: its `then`, read once as native `await` does. */
  waitThen: Function | null;
  waitKind: WaitKind;
  /** With ADOPTED: the thenable returned, and its `then`. */
  adopted: unknown;
  adoptedThen: Function | null;
}

export const state: RuntimeState = {
  k: null,
  resuming: false,
  head: null,
  tail: null,
  waitOn: undefined,
  waitThen: null,
  waitKind: WAIT_NONE,
  adopted: undefined,
  adoptedThen: null,
};
