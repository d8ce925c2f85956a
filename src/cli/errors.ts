/** Compile errors as the CLI recognizes them, also after crossing from the hooks thread. */

/** `code` of a CompileError rethrown by the load hook (an error thrown off-thread loses its class). */
export const COMPILE_ERROR_CODE = 'REAWAIT_COMPILE_ERROR';

/** A CompileError, or the load hook's copy of one: print its message (file:line:column: ...) only. */
export function isCompileError(error: unknown): error is Error {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  return typeof e.message === 'string' && (e.code === COMPILE_ERROR_CODE || e.name === 'CompileError');
}
