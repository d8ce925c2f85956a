const resolved: Promise<void> = Promise.resolve();

/**
 * An explicit yield. Awaiting an already complete value continues synchronously in compiled
 * code; `await yieldNow()` always suspends and resumes in a later microtask, like native
 * `await undefined`.
 */
export function yieldNow(): Promise<void> {
  return resolved;
}
