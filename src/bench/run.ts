/**
 * `reawait bench`: the seed's benchmark side by side in one process: compiled with continuation
 * reuse, compiled without, and native async/await; plus awaiting a compiled call that completes
 * synchronously against native. Prints medians of repeated runs and the ratios.
 *
 * Heap growth is measured with the collector out of the way: the benchmark re-runs itself with
 * `--expose-gc` and a young generation large enough that no scavenge happens while it measures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from 'oxc-transform';
import { transform } from '../compiler/index.js';

export interface BenchOptions {
  /** Fewer iterations, for a smoke run. */
  quick?: boolean;
}

interface SeedModule {
  NullAwaiter: new () => unknown;
  driveSeed(n: number, na?: unknown): number;
  foo(n: number, na: unknown): Promise<number> & { isCompleted?: boolean; result?: number };
  callLoop(n: number): Promise<number> & { isCompleted?: boolean; result?: number };
  addOne(x: number): Promise<number>;
  addOneAfter(p: Promise<number>): Promise<number>;
}

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..', '..');
// A young generation large enough that no scavenge runs while heap growth is measured.
const HEAP_FLAGS = ['--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128'];

export async function runBench(options: BenchOptions = {}): Promise<void> {
  const variants = await loadVariants();
  try {
    await measureTimes(variants, options.quick === true);
  } finally {
    variants.cleanup();
  }
  // Heap growth in its own process: the collector must stay out of the way, and the large young
  // generation that ensures it would distort the timings above.
  runChild([...HEAP_FLAGS, fileURLToPath(import.meta.url), '--heap'], 'heap measurement');
  // AsyncLocalStorage in its own process too: once a store is used, Node 20 keeps promise hooks
  // on for the rest of the process, which slows native awaits.
  runChild([fileURLToPath(import.meta.url), '--context', ...(options.quick === true ? ['--quick'] : [])], 'AsyncLocalStorage measurement');
}

function runChild(args: string[], what: string): void {
  const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (child.status !== 0) throw new Error(`${what} failed with status ${child.status}`);
}

interface Variants {
  reuse: SeedModule;
  noReuse: SeedModule;
  /** Compiled with reuse, sharing its runtime with `noReuse`, as all code of one application does. */
  reuseShared: SeedModule;
  native: SeedModule;
  /**
   * Copies of the reused variant on one runtime copy, driven with one awaiter type: as many
   * functions' continuation classes and fast entries as an application has pass through the
   * dispatcher, whose inline caches then see more shapes than they keep (megamorphic).
   */
  shapes: SeedModule[];
  cleanup: () => void;
}

/** How many copies of the seed `shapes` has: more than V8's polymorphic inline caches hold (4). */
const SHAPES = 8;

async function loadVariants(): Promise<Variants> {
  const source = readFileSync(join(packageRoot, 'bench', 'seed.ts'), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'reawait-bench-'));
  // The runtime as Node loads it (with AsyncLocalStorage propagation, idle while no store is used).
  const runtime = pathToFileURL(join(packageRoot, 'dist', 'runtime.node.bundle.mjs')).href;
  const write = (name: string, code: string): string => {
    const file = join(dir, name);
    writeFileSync(file, code);
    return pathToFileURL(file).href;
  };
  const compile = (reuseContinuations: boolean, copy: string): string =>
    transform(source, { filename: 'seed.ts', runtimeSpecifier: `${runtime}?${copy}`, reuseContinuations }).code;
  const reuse = write('seed-reuse.mjs', compile(true, 'reuse'));
  const noReuse = write('seed-no-reuse.mjs', compile(false, 'no-reuse'));
  const reuseShared = write('seed-reuse-shared.mjs', compile(true, 'no-reuse'));
  const native = write('seed-native.mjs', transformSync('seed.ts', source).code);
  const shapes: SeedModule[] = [];
  for (let i = 0; i < SHAPES; i++) shapes.push((await import(write(`seed-shape-${i}.mjs`, compile(true, 'shapes')))) as SeedModule);
  return {
    shapes,
    reuse: (await import(reuse)) as SeedModule,
    noReuse: (await import(noReuse)) as SeedModule,
    reuseShared: (await import(reuseShared)) as SeedModule,
    native: (await import(native)) as SeedModule,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs compiled `foo` to completion with the seed's synchronous driver; returns the await loop's ms. */
function driveCompiled(seed: SeedModule, n: number): number {
  return seed.driveSeed(n);
}

/** `n` suspensions shared out among the copies, all on the first copy's awaiter type; returns ms. */
function driveShapes(shapes: SeedModule[], n: number): number {
  const first = shapes[0]!;
  let ms = 0;
  for (const seed of shapes) ms += seed.driveSeed(Math.floor(n / shapes.length), new first.NullAwaiter());
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function heapUsed(): number {
  (globalThis as unknown as { gc: () => void }).gc();
  return process.memoryUsage().heapUsed;
}

/** Average heap growth per suspension of one run of `foo(n)`, with no collection during it. */
function heapPerSuspension(seed: SeedModule, n: number): number {
  const before = heapUsed();
  seed.driveSeed(n);
  const after = process.memoryUsage().heapUsed;
  return (after - before) / n;
}

async function measureTimes(variants: Variants, quick: boolean): Promise<void> {
  const { reuse, noReuse, reuseShared, native, shapes } = variants;
  const n = quick ? 200_000 : 10_000_000;
  const calls = quick ? 200_000 : 10_000_000;
  const repetitions = quick ? 3 : 7;
  // Warm-up, as the seed does: many short runs first.
  for (let i = 0; i < 1000; i++) {
    driveCompiled(reuse, 100);
    driveCompiled(noReuse, 100);
    driveCompiled(reuseShared, 100);
    driveShapes(shapes, 100 * SHAPES);
    await native.foo(100, undefined);
    void reuse.callLoop(100);
    await native.callLoop(100);
  }
  const times = { reuse: [] as number[], noReuse: [] as number[], reuseShared: [] as number[], shapes: [] as number[], native: [] as number[], callCompiled: [] as number[], callNative: [] as number[] };
  for (let r = 0; r < repetitions; r++) {
    times.reuse.push((driveCompiled(reuse, n) * 1e6) / n);
    times.noReuse.push((driveCompiled(noReuse, n) * 1e6) / n);
    times.reuseShared.push((driveCompiled(reuseShared, n) * 1e6) / n);
    times.shapes.push((driveShapes(shapes, n) * 1e6) / n);
    times.native.push(((await native.foo(n, undefined)) * 1e6) / n);
    let start = performance.now();
    const task = reuse.callLoop(calls);
    if (!task.isCompleted || task.result !== calls) throw new Error('compiled call loop did not complete synchronously');
    times.callCompiled.push(((performance.now() - start) * 1e6) / calls);
    start = performance.now();
    if ((await native.callLoop(calls)) !== calls) throw new Error('native call loop returned a wrong result');
    times.callNative.push(((performance.now() - start) * 1e6) / calls);
  }
  const m = {
    reuse: median(times.reuse),
    noReuse: median(times.noReuse),
    reuseShared: median(times.reuseShared),
    shapes: median(times.shapes),
    native: median(times.native),
    callCompiled: median(times.callCompiled),
    callNative: median(times.callNative),
  };
  console.log(`reawait bench: Node ${process.version}, ${quick ? 'quick, ' : ''}median of ${repetitions} runs`);
  console.log('');
  console.log(`seed loop, ${n.toLocaleString('en-US')} suspensions per run       ns/suspension`);
  console.log(`  compiled, continuation reused             ${fixed(m.reuse)}`);
  console.log(`  compiled, new continuation per suspension ${fixed(m.noReuse)}`);
  console.log(`  native async/await (await undefined)      ${fixed(m.native)}`);
  console.log(`  compiled, reused, runtime shared with the variant above it  ${fixed(m.reuseShared)}`);
  console.log(`  compiled, reused, ${SHAPES} copies of the seed on one runtime  ${fixed(m.shapes)}   native / this ${ratio(m.native, m.shapes)}`);
  console.log(`  native / reused          ${ratio(m.native, m.reuse)}   (target >= 3x)`);
  console.log(`  not reused / reused      ${ratio(m.noReuse, m.reuse)}   (target >= 1.3x)`);
  console.log('');
  console.log(`await of a compiled call completing synchronously, ${calls.toLocaleString('en-US')} calls    ns/call`);
  console.log(`  compiled                                  ${fixed(m.callCompiled)}`);
  console.log(`  native                                    ${fixed(m.callNative)}`);
  console.log(`  native / compiled        ${ratio(m.callNative, m.callCompiled)}   (target >= 10x)`);
  await measureFaces(variants, quick);
}

/**
 * Calls from native code, which see a compiled function's public face: it wraps the outcome in a
 * Task where native makes its promise. Here native code calls compiled code, no state machine
 * is inside another.
 */
async function measureFaces(variants: Variants, quick: boolean): Promise<void> {
  const { reuse, native } = variants;
  const calls = quick ? 100_000 : 1_000_000;
  const repetitions = quick ? 3 : 7;
  const resolved = Promise.resolve(1);
  const completing = (seed: SeedModule): number => {
    const start = performance.now();
    for (let i = 0; i < calls; i++) void seed.addOne(i);
    return ((performance.now() - start) * 1e6) / calls;
  };
  const suspending = async (seed: SeedModule): Promise<number> => {
    const start = performance.now();
    let sum = 0;
    for (let i = 0; i < calls; i++) sum += await seed.addOneAfter(resolved);
    if (sum !== 2 * calls) throw new Error('the suspending calls returned a wrong result');
    return ((performance.now() - start) * 1e6) / calls;
  };
  for (let i = 0; i < 20; i++) {
    completing(reuse);
    completing(native);
    await suspending(reuse);
    await suspending(native);
  }
  const times = { completingCompiled: [] as number[], completingNative: [] as number[], suspendingCompiled: [] as number[], suspendingNative: [] as number[] };
  for (let r = 0; r < repetitions; r++) {
    times.completingCompiled.push(completing(reuse));
    times.completingNative.push(completing(native));
    times.suspendingCompiled.push(await suspending(reuse));
    times.suspendingNative.push(await suspending(native));
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<keyof typeof times, number>;
  console.log('');
  console.log(`calls from native code (the public face, a Task), ${calls.toLocaleString('en-US')} calls    ns/call`);
  console.log(`  completes synchronously: compiled ${fixed(m.completingCompiled)}   native ${fixed(m.completingNative)}   native / compiled ${ratio(m.completingNative, m.completingCompiled)}`);
  console.log(`  awaited, suspends once:  compiled ${fixed(m.suspendingCompiled)}   native ${fixed(m.suspendingNative)}   native / compiled ${ratio(m.suspendingNative, m.suspendingCompiled)}`);
}

function fixed(x: number): string {
  return x.toFixed(2).padStart(8);
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

async function measureHeap(): Promise<void> {
  const { AsyncLocalStorage } = await import('node:async_hooks');
  const { reuse, noReuse, cleanup } = await loadVariants();
  try {
    for (let i = 0; i < 1000; i++) {
      driveCompiled(reuse, 100);
      driveCompiled(noReuse, 100);
    }
    const suspensions = 1_000_000;
    const heapReuse = median([1, 2, 3].map(() => heapPerSuspension(reuse, suspensions)));
    const heapNoReuse = median([1, 2, 3].map(() => heapPerSuspension(noReuse, suspensions)));
    // Last: from here on a store has been used in this process.
    const als = new AsyncLocalStorage<string>();
    const heapInStore = median([1, 2, 3].map(() => als.run('request', () => heapPerSuspension(reuse, suspensions))));
    console.log('');
    console.log(`heap growth per suspension over ${suspensions.toLocaleString('en-US')} suspensions (no GC during the run)`);
    console.log(`  compiled, continuation reused             ${fixed(heapReuse)} B   (target < 1 B)`);
    console.log(`  compiled, new continuation per suspension ${fixed(heapNoReuse)} B   (target >= one continuation)`);
    console.log(`  compiled, continuation reused, inside an AsyncLocalStorage run() ${fixed(heapInStore)} B`);
  } finally {
    cleanup();
  }
}

/**
 * The cost of AsyncLocalStorage propagation: the seed loop compiled with reuse and native, first
 * with no store ever used in the process, then inside `als.run()` (every resumption restores the
 * frame's context; native pays for its own propagation).
 */
async function measureContext(quick: boolean): Promise<void> {
  const { AsyncLocalStorage } = await import('node:async_hooks');
  const { reuse, native, cleanup } = await loadVariants();
  const n = quick ? 200_000 : 2_000_000;
  const repetitions = quick ? 3 : 7;
  const als = new AsyncLocalStorage<string>();
  const measure = async (inStore: boolean): Promise<{ compiled: number; native: number }> => {
    const compiled: number[] = [];
    const nativeTimes: number[] = [];
    const inside = <T>(f: () => T): T => (inStore ? als.run('request', f) : f());
    for (let i = 0; i < 300; i++) {
      inside(() => driveCompiled(reuse, 100));
      await inside(() => native.foo(100, undefined));
    }
    for (let r = 0; r < repetitions; r++) {
      compiled.push((inside(() => driveCompiled(reuse, n)) * 1e6) / n);
      nativeTimes.push(((await inside(() => native.foo(n, undefined))) * 1e6) / n);
    }
    return { compiled: median(compiled), native: median(nativeTimes) };
  };
  try {
    const idle = await measure(false);
    const active = await measure(true);
    console.log('');
    console.log(`AsyncLocalStorage, seed loop, ${n.toLocaleString('en-US')} suspensions per run    ns/suspension`);
    console.log(`  no store used: compiled, reused ${fixed(idle.compiled)}   native ${fixed(idle.native)}   native / compiled ${ratio(idle.native, idle.compiled)}`);
    console.log(`  inside run():  compiled, reused ${fixed(active.compiled)}   native ${fixed(active.native)}   native / compiled ${ratio(active.native, active.compiled)}`);
    console.log(`  cost of an active store: compiled +${(active.compiled - idle.compiled).toFixed(2)} ns, native +${(active.native - idle.native).toFixed(2)} ns per suspension`);
  } finally {
    cleanup();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--heap')) await measureHeap();
  if (process.argv.includes('--context')) await measureContext(process.argv.includes('--quick'));
}
