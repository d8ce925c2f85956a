/**
 * Continuation flags: bit fields written at every suspension point.
 *
 * The dispatcher finds where to deliver a callee's return value, or an exception, from the
 * flags alone, as in CoreCLR's `CorInfoContinuationFlags` after dotnet/runtime#125556.
 * Slot index 0 means "none"; slot `i` is the continuation field `s<i>`.
 */
export const SLOT_INDEX_BITS = 10;
export const SLOT_INDEX_MASK = (1 << SLOT_INDEX_BITS) - 1;
export const RESULT_SHIFT = 0;
export const EXCEPTION_SHIFT = SLOT_INDEX_BITS;
export const MAX_SLOT_INDEX = SLOT_INDEX_MASK;

/**
 * Bit 20: the frame resumes through `state` (`state.resuming`, `state.k`) and is called with
 * `k.self` as `this`: arrows (their `this` is lexical) and methods that use `super` (they resume
 * with their receiver). Without it, a frame is resumed with the continuation as `this`.
 */
export const RESUMES_THROUGH_STATE = 1 << (2 * SLOT_INDEX_BITS);
/** The bits holding slot indices. */
export const SLOT_FLAGS_MASK = RESUMES_THROUGH_STATE - 1;

export function encodeFlags(resultSlot: number, exceptionSlot: number): number {
  const valid = (index: number): boolean => Number.isInteger(index) && index >= 0 && index <= MAX_SLOT_INDEX;
  if (!valid(resultSlot) || !valid(exceptionSlot)) {
    throw new RangeError(`slot index out of range (0..${MAX_SLOT_INDEX}): result ${resultSlot}, exception ${exceptionSlot}`);
  }
  return (resultSlot << RESULT_SHIFT) | (exceptionSlot << EXCEPTION_SHIFT);
}

export function resultSlotOf(flags: number): number {
  return (flags >>> RESULT_SHIFT) & SLOT_INDEX_MASK;
}

export function exceptionSlotOf(flags: number): number {
  return (flags >>> EXCEPTION_SHIFT) & SLOT_INDEX_MASK;
}

/** Field name of slot `index` in a continuation object. */
export function slotName(index: number): string {
  return `s${index}`;
}
