/**
 * What a differential run observes of a program (its log, what `main` returned or threw, the
 * promise rejections nobody handled), shared by the test process and the child process that runs
 * the native side of programs this Node cannot parse (native-child.mjs). JavaScript, so that the
 * child's Node loads it as it is.
 */

/** An error as the tests compare it: name and message, and a SuppressedError's chain. */
export function describeError(error) {
  if (!(error instanceof Error)) return error;
  if (error.name === 'SuppressedError') {
    return { name: error.name, message: error.message, error: describeError(error.error), suppressed: describeError(error.suppressed) };
  }
  return { name: error.name, message: error.message };
}

/** Imports the program at `url` and runs its `main(log)`. */
export async function observe(url) {
  const module = await import(url);
  return observeMain(module.main);
}

export async function observeMain(main) {
  const log = [];
  const record = (...values) => {
    log.push(values.length === 1 ? values[0] : values);
  };
  try {
    return { log, outcome: { returned: await main(record) } };
  } catch (error) {
    return { log, outcome: { threw: describeError(error) } };
  }
}

/**
 * Runs one program with the process's `unhandledRejection` listeners replaced by one that
 * records, and waits a little after it returns for late rejections (timers of 1 ms). The
 * rejections become part of the observation instead of failing whichever test runs then.
 */
export async function guarded(run) {
  const saved = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  const unhandledRejections = [];
  const record = (reason) => {
    unhandledRejections.push(describeError(reason));
  };
  process.on('unhandledRejection', record);
  try {
    const observation = await run();
    await new Promise((resolve) => setTimeout(resolve, 15));
    return { ...observation, unhandledRejections };
  } finally {
    process.off('unhandledRejection', record);
    for (const listener of saved) process.on('unhandledRejection', listener);
  }
}

/**
 * An observation as it crosses between processes: JSON, with what JSON cannot say tagged
 * (undefined, bigints, numbers JSON has not, symbols, functions) and errors described. Both sides
 * of a comparison go through it.
 */
export function jsonSafe(value) {
  return JSON.parse(JSON.stringify(value, tagged));
}

function tagged(key, value) {
  // `this[key]`: the value before toJSON (a Date's).
  const raw = this[key];
  if (raw === undefined) return { $undefined: true };
  if (typeof raw === 'bigint') return { $bigint: String(raw) };
  if (typeof raw === 'number' && !Number.isFinite(raw)) return { $number: String(raw) };
  if (typeof raw === 'symbol') return { $symbol: raw.description ?? null };
  if (typeof raw === 'function') return { $function: raw.name };
  if (raw instanceof Error) return { $error: describeError(raw) };
  return value;
}
