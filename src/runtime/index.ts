/**
 * reawait runtime. Public API: Task, yieldNow, the awaiter protocol. The other exports are the
 * contract with compiled code (docs/contract.md) and are not meant to be called by hand.
 */
export { Task } from './task.js';
export { yieldNow } from './yield.js';
export {
  type Awaitable,
  type Awaiter,
  Continuation,
  Frame4,
  Frame8,
  ADOPTED,
  FAST,
  GET_AWAITER,
  NO_EXCEPTION,
  type Signal,
  SUSPENDED,
  state,
} from './contract.js';
export { awaitAdopted, awaitNonAwaiter, awaitValue, ret, settle, start, suspend, suspendOnAwaiter } from './dispatcher.js';
export { callTwin, fn, method, methods, pushKey, takeKeys, templateObject } from './face.js';
export { asyncClose, asyncDone, asyncIterate, asyncNext, close, closeOnThrow, construct, DONE, enumerate, iterableOnce, iterate, notCallable, step } from './iteration.js';
export { UsingScope, usingTarget } from './using.js';
export { encodeFlags, exceptionSlotOf, resultSlotOf, slotName } from './flags.js';
