// reawait demo: `npm run demo`, that is `reawait run examples/demo.ts`. The async functions between
// the markers run twice: compiled by reawait, and natively (the same text, through `new Function`).
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Task, yieldNow } from 'reawait';

// <shared> plain JavaScript, no type annotations, so that V8 can evaluate the same text natively.
class ByteSource {
  pos = 0; end = 0; refills = 0;
  constructor(bytes, chunk) { this.bytes = bytes; this.chunk = chunk; }
  async read() { // the next byte, or -1 at the end; usually already buffered
    if (this.pos === this.end) {
      if (this.end === this.bytes.length) return -1;
      await new Promise((resolve) => setImmediate(resolve)); // the refill: real I/O would go here
      this.end = Math.min(this.end + this.chunk, this.bytes.length);
      this.refills++;
    }
    return this.bytes[this.pos++];
  }
}
async function sumNumbers(source) { // a parser loop: comma-separated decimal numbers
  let total = 0, current = 0, count = 0;
  for (;;) {
    const byte = await source.read();
    if (byte >= 48 && byte <= 57) current = current * 10 + (byte - 48);
    else { total += current; count++; current = 0; if (byte < 0) break; }
  }
  return { total, count, refills: source.refills };
}
async function guarded(message) {
  const steps = [];
  try {
    steps.push('try');
    await Promise.reject(new Error(message));
    steps.push('not reached');
  } catch (error) {
    steps.push(`catch "${error.message}"`);
  } finally { steps.push('finally'); }
  return steps.join(' -> ');
}
async function worker(name, pause, log) {
  for (let i = 1; i <= 3; i++) { log.push(name + i); await pause(); }
}
async function interleaving(pause) { // two tasks started together
  const log = [];
  const a = worker('A', pause, log), b = worker('B', pause, log);
  await a;
  await b;
  return log.join(' ');
}
async function lookup(als, id) { // a callee that changes the store after its first suspension
  await new Promise((resolve) => setTimeout(resolve, 1));
  als.enterWith(`lookup of ${id}`);
  await new Promise((resolve) => setTimeout(resolve, 1));
  return als.getStore();
}
async function requests(als, ids) { // requests running together, each in its own store
  const seen = [];
  await Promise.all(ids.map((id, i) => als.run(id, async () => {
    await new Promise((resolve) => setTimeout(resolve, 3 * (ids.length - i)));
    const inner = await lookup(als, id);
    seen.push(`${als.getStore()} (callee saw "${inner}")`);
  })));
  return seen.join(', ');
}
// </shared>

const self = readFileSync(new URL(import.meta.url), 'utf8');
const sharedText = self.slice(self.indexOf('// <shared>'), self.indexOf('// </shared>'));
const native = new Function(`${sharedText}\nreturn { ByteSource, sumNumbers, guarded, interleaving, requests };`)();
const compiled = { ByteSource, sumNumbers, guarded, interleaving, requests };
const engines = [['compiled', compiled], ['native  ', native]] as const;

// A custom awaiter: the protocol is a method under Symbol.for('reawait.getAwaiter').
class Ticket {
  isCompleted = false; value = 0; callback: (() => void) | null = null;
  [Symbol.for('reawait.getAwaiter')]() { return this; }
  getResult(): number { return this.value; }
  onCompleted(callback: () => void): void { this.callback = callback; }
}
class SyncDriver { // completes tickets in a plain loop: no promises, no event loop
  pending: Ticket[] = [];
  next(): Ticket { const t = new Ticket(); this.pending.push(t); return t; }
  runUntilIdle(): number {
    let steps = 0;
    for (let t = this.pending.shift(); t; t = this.pending.shift()) { t.value = ++steps * 10; t.isCompleted = true; t.callback?.(); }
    return steps;
  }
}
async function consume(driver: SyncDriver, n: number): Promise<number[]> {
  const got: number[] = [];
  for (let i = 0; i < n; i++) {
    const value = await driver.next(); // suspends; the driver resumes it synchronously
    got.push(value);
  }
  return got;
}

const digits = (n: number): Uint8Array => new TextEncoder().encode(Array.from({ length: n }, (_, i) => i).join(','));

async function main(): Promise<void> {
  console.log('reawait demo: the same async functions, compiled by reawait and native (V8), side by side');
  console.log('\n1. A parser loop reading bytes from a buffered source (64-byte chunks: most reads complete synchronously)');
  for (const [name, engine] of engines) {
    const r = await engine.sumNumbers(new engine.ByteSource(digits(2000), 64));
    console.log(`   ${name}  ${r.count} numbers, total ${r.total}, ${r.refills} refills`);
  }
  console.log('\n2. try/catch around an await of a rejected promise');
  for (const [name, engine] of engines) {
    const outcome = await engine.guarded('boom');
    console.log(`   ${name}  ${outcome}`);
  }
  console.log('\n3. Two tasks started together, each awaiting an already complete value three times');
  for (const pause of [() => 0, yieldNow]) {
    console.log(pause === yieldNow ? '   with `await yieldNow()` instead, which always suspends:' : '   awaiting 0:');
    for (const [name, engine] of engines) {
      const order = await engine.interleaving(pause);
      console.log(`   ${name}  ${order}`);
    }
  }
  console.log('\n4. A loop awaiting a custom awaiter, driven by a synchronous driver (compiled only)');
  const driver = new SyncDriver();
  const task = consume(driver, 5) as Task<number[]>;
  const before = task.isCompleted, steps = driver.runUntilIdle();
  console.log(`   consume() returned a Task: ${task instanceof Task}; completed: ${before}`);
  console.log(`   after driver.runUntilIdle() (${steps} steps, no event loop): completed: ${task.isCompleted}, result [${task.result}]`);
  console.log('\n5. Timing: parsing 1 MB of numbers in 16 KB chunks, best of 5 runs');
  const data = digits(180_000);
  for (const [name, engine] of engines) {
    let best = Infinity;
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      await engine.sumNumbers(new engine.ByteSource(data, 16 * 1024));
      best = Math.min(best, performance.now() - t0);
    }
    console.log(`   ${name}  ${best.toFixed(1)} ms`);
  }
  console.log('\n6. AsyncLocalStorage: three requests at once, each keeps its store across awaits; a callee\'s enterWith stays its own\n   (last: once a store is used, Node 20 slows every native await of the process)');
  for (const [name, engine] of engines) {
    console.log(`   ${name}  ${await engine.requests(new AsyncLocalStorage(), ['req-1', 'req-2', 'req-3'])}`);
  }
}

main().catch((error: unknown) => { console.error(error); process.exitCode = 1; });
