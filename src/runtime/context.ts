/**
 * Async context propagation (Node's AsyncLocalStorage, or any host that can capture and restore
 * contexts): a frame resumes in the context it suspended in, as a native `await` does. The core
 * knows nothing of what a context is; a host entry (node.ts) provides capture and resumption. No
 * host, or no context value set yet: every check is one load of `contextInUse`, and nothing is
 * captured or allocated.
 */
import type { Continuation } from './contract.js';

/** What a host captured: opaque to the core. */
export type CapturedContext = object;

export interface ContextHost {
  /** The current context. */
  capture(): CapturedContext;
  /**
   * Calls `enterCaptured(k, resume)` in `context` and returns what it returns. The host may skip
   * the switch when the current context already is that one.
   */
  resumeIn(context: CapturedContext, k: Continuation, resume: (k: Continuation) => unknown): unknown;
}

let host: ContextHost | null = null;

/** True once the host has seen a context value set (a store used): from then on frames capture. */
export let contextInUse = false;

/**
 * The context that is current right now, when known: inside a frame resumed in its captured
 * context, that one. Frames linked in one unwinding, and a frame suspending again in the context
 * it resumed in, share it instead of capturing a new one each. Forgotten whenever the current
 * context may change under it: entering compiled code from outside (`enterFromOutside`) and a
 * host's in-place change (`forgetCurrentContext`).
 */
let current: CapturedContext | undefined;

export function setContextHost(contextHost: ContextHost): void {
  host = contextHost;
}

/** Called by the host when a context value is first set. */
export function activateContext(): void {
  if (host !== null) contextInUse = true;
}

/** Called by the host when the current context changed in place (e.g. `enterWith`). */
export function forgetCurrentContext(): void {
  current = undefined;
}

/** The context a suspending frame must resume in (only called while `contextInUse`). */
export function captureContext(): CapturedContext {
  return (current ??= host!.capture());
}

/**
 * Native code calls into compiled code (a face, an awaiter callback): the current context is not
 * known there. Returns the outer value for `leaveFromOutside`.
 */
export function enterFromOutside(): CapturedContext | undefined {
  const outer = current;
  current = undefined;
  return outer;
}

export function leaveFromOutside(outer: CapturedContext | undefined): void {
  current = outer;
}

/** Resumes frame k in its captured context; `resume` calls its fast entry. */
export function resumeInContext(context: CapturedContext, resume: (k: Continuation) => unknown, k: Continuation): unknown {
  const outer = current;
  try {
    return host!.resumeIn(context, k, resume);
  } finally {
    current = outer;
  }
}

/** What a host runs in the captured context. Module level, not a closure: nothing is allocated per resumption beyond what the host does. */
export function enterCaptured(k: Continuation, resume: (k: Continuation) => unknown): unknown {
  current = k.context;
  return resume(k);
}
