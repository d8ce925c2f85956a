/**
 * Async context propagation (Node's AsyncLocalStorage, or any host with snapshots): a frame
 * resumes in the context it suspended in, as a native `await` does. The core knows only the
 * shape of a snapshot; a host entry (node.ts) provides them. No host, or no store in use yet:
 * every check below is one load of `contextInUse`, and nothing is captured or allocated.
 */
import type { Continuation } from './contract.js';

/** Calls `fn(...args)` inside a captured context: the shape of `AsyncLocalStorage.snapshot()`'s result. */
export type ContextSnapshot = (fn: (...args: never[]) => unknown, ...args: unknown[]) => unknown;

export interface ContextHost {
  /** A snapshot of the current context. */
  snapshot(): ContextSnapshot;
  /**
   * Called inside a snapshot around each frame's resumption, for hosts whose snapshots can be
   * changed in place (Node 20's AsyncLocalStorage: `enterWith` writes into the resource of the
   * current scope, which may be a snapshot other frames will resume in). `leave` gets what
   * `enter` returned.
   */
  enter?(): unknown;
  leave?(token: unknown): void;
}

let host: ContextHost | null = null;

/** True once the host has seen a context value set (a store used): from then on frames capture. */
export let contextInUse = false;

/**
 * The snapshot of the context that is current right now, when known: inside a frame resumed in
 * its snapshot, that snapshot. Frames linked in one unwinding, and a frame suspending again in the
 * context it resumed in, share it instead of taking a new one each. Forgotten whenever the
 * current context may change under it: entering compiled code from outside (`enterFromOutside`)
 * and a host's in-place change (`forgetCurrentContext`).
 */
let current: ContextSnapshot | undefined;

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
export function captureContext(): ContextSnapshot {
  return (current ??= host!.snapshot());
}

/**
 * Native code calls into compiled code (a face, an awaiter callback, a promise reaction): the
 * current context is not known there. Returns the outer value for `leaveFromOutside`.
 */
export function enterFromOutside(): ContextSnapshot | undefined {
  const outer = current;
  current = undefined;
  return outer;
}

export function leaveFromOutside(outer: ContextSnapshot | undefined): void {
  current = outer;
}

/** Resumes frame k inside its snapshot; `resume` calls its fast entry. */
export function resumeInContext(snapshot: ContextSnapshot, resume: (k: Continuation) => unknown, k: Continuation): unknown {
  const outer = current;
  try {
    return snapshot(enterSnapshot, k, resume);
  } finally {
    current = outer;
  }
}

/** Module level, not a closure: nothing is allocated per resumption beyond what the host does. */
function enterSnapshot(k: Continuation, resume: (k: Continuation) => unknown): unknown {
  current = k.context;
  const contextHost = host!;
  if (contextHost.enter === undefined) return resume(k);
  const token = contextHost.enter();
  try {
    return resume(k);
  } finally {
    contextHost.leave!(token);
  }
}
