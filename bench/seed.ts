/**
 * The benchmark of dotnet/runtime#125556, ported to TypeScript. `foo` first runs a plain loop,
 * then awaits `na` n times. Compiled, `na` is a NullAwaiter that is never complete, so every
 * await suspends and a driver loop resumes the task synchronously with `continue()`. Native
 * async/await cannot use the awaiter: there `na` is undefined, and each await costs native one
 * microtask.
 */
const GET_AWAITER = Symbol.for('reawait.getAwaiter');

export class NullAwaiter {
  private continuation: (() => void) | null = null;
  [GET_AWAITER](): NullAwaiter {
    return this;
  }
  get isCompleted(): boolean {
    return false;
  }
  getResult(): void {}
  onCompleted(continuation: () => void): void {
    this.continuation = continuation;
  }
  continue(): void {
    const continuation = this.continuation!;
    this.continuation = null;
    continuation();
  }
}

/** System.Diagnostics.Stopwatch, as the seed uses it. */
export class Stopwatch {
  private readonly startedAt = performance.now();
  static startNew(): Stopwatch {
    return new Stopwatch();
  }
  get elapsedMilliseconds(): number {
    return performance.now() - this.startedAt;
  }
}

/** C#'s `int`: additions wrap around. */
export let sValue = 0;

/** Returns the time taken by the await loop, in milliseconds. */
export async function foo(n: number, na: NullAwaiter | undefined): Promise<number> {
  for (let i = 0; i < n; i++) {
    sValue = (sValue + i) | 0;
  }
  const timer = Stopwatch.startNew();
  for (let i = 0; i < n; i++) {
    await na;
  }
  return timer.elapsedMilliseconds;
}

/**
 * The seed's `Main` loop for the compiled variants: start `foo`, then resume it synchronously
 * until it completes. Returns the await loop's time in milliseconds. `na` may come from another
 * copy of this module, so that copies share one awaiter type.
 */
export function driveSeed(n: number, na: NullAwaiter = new NullAwaiter()): number {
  const task = foo(n, na) as Promise<number> & { isCompleted: boolean; result: number };
  while (!task.isCompleted) na.continue();
  return task.result;
}

export async function addOne(x: number): Promise<number> {
  return x + 1;
}

/** Suspends once (on a promise, resolved or not), then returns. */
export async function addOneAfter(p: Promise<number>): Promise<number> {
  return (await p) + 1;
}

/** n awaits of a compiled call that completes synchronously. */
export async function callLoop(n: number): Promise<number> {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = await addOne(s);
  }
  return s;
}
