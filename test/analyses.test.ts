/**
 * Unit tests of the phase-4 analyses (liveness, default values, values preserved since
 * resumption, layouts), each driven through the real phases on a small function:
 * parse → analyzeScope → lowerFunction → findJumps → buildCfg → liveness / liveAtSuspensions →
 * maybeAssigned / atDefault → preservedAtSuspensions → buildLayout, in the order of
 * `analyzeLayout` (src/compiler/compile.ts), whose own result is checked against the step by
 * step one for every function analysed here.
 *
 * Values are reported by name: a binding by its name, `this`/`arguments` by their alias, a
 * temporary by the expression it holds in brackets (`[a()]`), the value of an await by
 * `(await N)`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isFunction, walk, type Node } from '../src/compiler/ast.ts';
import { analyzeLayout } from '../src/compiler/compile.ts';
import { CompileError, transform } from '../src/compiler/index.ts';
import { Names } from '../src/compiler/names.ts';
import { parse } from '../src/compiler/phases/1-parse/parse.ts';
import { findJumps } from '../src/compiler/phases/2-analyze/jumps.ts';
import { analyzeScope } from '../src/compiler/phases/2-analyze/scope.ts';
import type { Chunk, Item, LoweredFunction, SiteItem, Value } from '../src/compiler/phases/3-lower/ir.ts';
import { lowerFunction } from '../src/compiler/phases/3-lower/lower.ts';
import type { BitSet } from '../src/compiler/phases/4-layout/bitset.ts';
import { buildCfg } from '../src/compiler/phases/4-layout/cfg.ts';
import { atDefault, maybeAssigned } from '../src/compiler/phases/4-layout/default-values.ts';
import { buildLayout, type SharedLayout } from '../src/compiler/phases/4-layout/layout.ts';
import { liveAtSuspensions, liveness } from '../src/compiler/phases/4-layout/liveness.ts';
import { preservedAtSuspensions } from '../src/compiler/phases/4-layout/preserved.ts';
import { encodeFlags, exceptionSlotOf, resultSlotOf } from '../src/runtime/flags.ts';

// ------------------------------------------------------------------------------------------
// The helper

interface PointReport {
  state: number;
  /** Live into the suspension point (and in scope there). */
  live: string[];
  /** Live but still at their default value (undefined) on every path. */
  atDefault: string[];
  /** Held unchanged by the continuation since the activation resumed (on every resumed path). */
  preserved: string[];
  /** Stored in the continuation at this point, in slot order. */
  saved: string[];
  /** Stored on the reuse path (saved minus preserved). */
  savedOnReuse: string[];
  resultSlot: number;
  exceptionSlot: number;
  flags: number;
}

interface Report {
  points: PointReport[];
  /** Slot index of every value of the shared layout. */
  slots: Record<string, number>;
  resultSlot: number;
  exceptionSlot: number;
  slotCount: number;
}

/** The source text of some chunks (a value reference prints its name). */
function render(chunks: readonly Chunk[], text: string, describe: (value: Value) => string): string {
  return chunks.map((chunk) => (typeof chunk === 'string' ? chunk : chunk.kind === 'copy' ? text.slice(chunk.start, chunk.end) : describe(chunk.value))).join('');
}

/** Visits every item of a lowered body. */
function eachItem(items: readonly Item[], visit: (item: Item) => void): void {
  for (const item of items) {
    visit(item);
    switch (item.kind) {
      case 'block':
        eachItem(item.items, visit);
        break;
      case 'if':
        eachItem(item.consequent, visit);
        if (item.alternate) eachItem(item.alternate, visit);
        break;
      case 'native-loop':
        if (item.init && item.init.length > 0 && typeof item.init[0] === 'object' && 'kind' in item.init[0] && item.init[0].kind === 'decl') eachItem(item.init as Item[], visit);
        eachItem(item.body, visit);
        break;
      case 'forever':
        eachItem(item.items, visit);
        break;
      case 'try':
        eachItem(item.block, visit);
        if (item.finalizer) eachItem(item.finalizer, visit);
        break;
      case 'switch':
        for (const clause of item.clauses) eachItem(clause, visit);
        break;
      case 'labeled':
        eachItem([item.body], visit);
        break;
      default:
        break;
    }
  }
}

/** Names values for the reports: temporaries by what they hold. */
function namer(lowered: LoweredFunction, text: string): (value: Value) => string {
  const spilled = new Map<Value, Chunk[]>();
  const results = new Map<Value, number>();
  for (const site of lowered.states) if (site.result) results.set(site.result, site.state);
  eachItem(lowered.body, (item) => {
    if (item.kind !== 'code') return;
    const [first, second, ...rest] = item.chunks;
    const last = rest.at(-1);
    if (typeof first === 'object' && first.kind === 'ref' && first.write && second === ' = ' && last === ';' && !spilled.has(first.value)) {
      spilled.set(first.value, rest.slice(0, -1));
    }
  });
  const describe = (value: Value): string => {
    if (value.binding !== null) return value.name;
    const state = results.get(value);
    if (state !== undefined) return `(await ${state})`;
    const chunks = spilled.get(value);
    return chunks ? `[${render(chunks, text, describe)}]` : value.name;
  };
  return describe;
}

/** The first async function of `source` (a declaration, an expression or an arrow). */
function firstAsyncFunction(program: Node): Node {
  let found: Node | null = null;
  walk(program, (node) => {
    if (found) return false;
    if (isFunction(node) && node.async) {
      found = node;
      return false;
    }
    return true;
  });
  if (!found) throw new Error('no async function in the source');
  return found;
}

/**
 * The step of analyzeLayout between liveness and the default values, mirrored: a block-scoped
 * binding is not saved at a point outside its scope, or before its declaration in a block (a
 * catch binding, say, is never saved at the awaits of its try). Should the pipeline's rule
 * change, the comparison with analyzeLayout below fails.
 */
function inScopeAt(value: Value, site: SiteItem): boolean {
  if (value.home === 'function' || value.binding === null) return true;
  const scope = value.binding.scope;
  if (site.position < scope.start || site.position >= scope.end) return false;
  const declaredAt = value.binding.refs.find((r) => r.write && !r.nested)?.node.start ?? scope.start;
  return declaredAt < site.position || scope.type !== 'BlockStatement';
}

/** Runs the phases on the first async function of `source`; reports every suspension point. */
function analyze(source: string): Report {
  const { source: parsed, program } = parse('input.js', source);
  const fn = firstAsyncFunction(program);
  const scope = analyzeScope(fn);
  const names = new Names(parsed.text);
  const lowered = lowerFunction(fn, scope, { text: parsed.text, names, continueAsBreak: new Map(), strict: true });
  const jumps = findJumps(fn);
  assert.ok(lowered.states.length > 0, 'the function has no suspension point');

  // Step by step, in the order of analyzeLayout.
  const cfg = buildCfg(lowered, scope, jumps);
  const live = liveAtSuspensions(cfg, liveness(cfg));
  for (const [site, set] of live) for (const id of set.toArray()) if (!inScopeAt(lowered.values[id]!, site)) set.delete(id);
  const defaults = atDefault(cfg, maybeAssigned(cfg), live);
  const preserved = preservedAtSuspensions(cfg, live, defaults);
  const stepwise = buildLayout(lowered, { live, defaults, preserved });
  // The pipeline's own result (it also drops values whose binding is out of scope at a point).
  const layout: SharedLayout = analyzeLayout(lowered, scope, jumps);

  const describe = namer(lowered, parsed.text);
  const namesOf = (set: BitSet): string[] => set.toArray().map((id) => describe(lowered.values[id]!));
  const valueNames = (values: readonly Value[]): string[] => values.map(describe);

  assert.equal(layout.points.length, lowered.states.length);
  const points = layout.points.map((point, index): PointReport => {
    const site = lowered.states[index]!;
    assert.equal(point.site, site);
    assert.equal(site.state, index + 1, 'states are numbered 1..N in order');
    const step = stepwise.points[index]!;
    // The pipeline and the step by step run agree on the functions analysed here.
    assert.deepEqual(valueNames(point.saved), valueNames(step.saved), `saved at state ${site.state}`);
    assert.deepEqual(valueNames(point.savedOnReuse), valueNames(step.savedOnReuse), `saved on reuse at state ${site.state}`);
    assert.equal(point.flags, step.flags);
    return {
      state: site.state,
      live: namesOf(live.get(site)!),
      atDefault: namesOf(defaults.get(site)!),
      preserved: namesOf(preserved.get(site)!),
      saved: valueNames(point.saved),
      savedOnReuse: valueNames(point.savedOnReuse),
      resultSlot: point.resultSlot,
      exceptionSlot: point.exceptionSlot,
      flags: point.flags,
    };
  });
  const slots: Record<string, number> = {};
  for (const [value, slot] of layout.slotOf) slots[describe(value)] = slot;
  checkLayoutInvariants(layout, live, defaults, preserved, describe);
  return { points, slots, resultSlot: layout.resultSlot, exceptionSlot: layout.exceptionSlot, slotCount: layout.slotCount };
}

/** What holds for every layout, whatever the function. */
function checkLayoutInvariants(
  layout: SharedLayout,
  live: Map<unknown, BitSet>,
  defaults: Map<unknown, BitSet>,
  preserved: Map<unknown, BitSet>,
  describe: (value: Value) => string,
): void {
  const union = new Set<Value>();
  for (const point of layout.points) {
    const site = point.site;
    // saved = live − at default − the await's own value, in slot order.
    const expected = live.get(site)!.toArray().filter((id) => !defaults.get(site)!.has(id) && id !== site.result?.id);
    assert.deepEqual(point.saved.map((v) => v.id).sort((a, b) => a - b), expected, `saved at state ${site.state}`);
    const slots = point.saved.map((v) => layout.slotOf.get(v)!);
    assert.deepEqual(slots, [...slots].sort((a, b) => a - b), 'a point saves in slot order');
    // savedOnReuse = saved − preserved.
    assert.deepEqual(point.savedOnReuse, point.saved.filter((v) => !preserved.get(site)!.has(v.id)));
    // The flags encode exactly this point's result and exception slots.
    assert.equal(point.flags, encodeFlags(point.resultSlot, point.exceptionSlot));
    assert.equal(resultSlotOf(point.flags), point.resultSlot);
    assert.equal(exceptionSlotOf(point.flags), point.exceptionSlot);
    assert.ok(point.resultSlot === 0 || point.resultSlot === layout.resultSlot);
    assert.ok(point.exceptionSlot === 0 || point.exceptionSlot === layout.exceptionSlot);
    for (const value of point.saved) union.add(value);
  }
  // The shared layout is the union of the points' layouts; slots 1..slotCount are all used once.
  assert.deepEqual(new Set(layout.slotOf.keys()), union, 'shared layout = union of the points');
  const used = [...layout.slotOf.values()];
  if (layout.resultSlot !== 0) used.push(layout.resultSlot);
  if (layout.exceptionSlot !== 0) used.push(layout.exceptionSlot);
  assert.deepEqual(used.sort((a, b) => a - b), Array.from({ length: layout.slotCount }, (_, i) => i + 1), `slots of ${[...union].map(describe)}`);
}

const point = (report: Report, state: number): PointReport => {
  const found = report.points.find((p) => p.state === state);
  assert.ok(found, `no state ${state}`);
  return found;
};
const sorted = (names: readonly string[]): string[] => [...names].sort();

// ------------------------------------------------------------------------------------------
describe('liveness', () => {
  test('only values used after an await are live', () => {
    const report = analyze(`
      async function f(a, b, p) {
        const x = a + 1;
        const y = b + 1;
        log(x);
        await p;
        return y;
      }`);
    assert.deepEqual(point(report, 1).live, ['y']);
    assert.deepEqual(point(report, 1).saved, ['y']);
  });

  test('values used only before the await are not live (parameters included)', () => {
    const report = analyze(`
      async function f(a, b, p) {
        log(a, b, p);
        await p;
        return 1;
      }`);
    assert.deepEqual(point(report, 1).live, []);
    assert.deepEqual(report.slotCount, 0);
    // The same function reading a after the await keeps it.
    const reading = analyze(`
      async function f(a, b, p) {
        log(a, b, p);
        await p;
        return a;
      }`);
    assert.deepEqual(point(reading, 1).live, ['a']);
  });

  test('a value overwritten before it is used after the await is not live', () => {
    const report = analyze(`
      async function f(p) {
        let x = g();
        log(x);
        await p;
        x = h();
        return x;
      }`);
    assert.deepEqual(point(report, 1).live, []);
    // Read before it is overwritten: live.
    const read = analyze(`
      async function f(p) {
        let x = g();
        await p;
        x = x + 1;
        return x;
      }`);
    assert.deepEqual(point(read, 1).live, ['x']);
    // Overwritten on one path only: live.
    const oneBranch = analyze(`
      async function f(p, c) {
        let x = g();
        await p;
        if (c) x = h();
        return x;
      }`);
    assert.deepEqual(sorted(point(oneBranch, 1).live), ['c', 'x']);
  });

  test('a value overwritten by the await itself (`x = await p`) is not live', () => {
    const report = analyze(`
      async function f(p) {
        let x = g();
        log(x);
        x = await p;
        return x;
      }`);
    assert.deepEqual(point(report, 1).live, []);
    assert.deepEqual(point(report, 1).saved, []);
  });

  test('a compound assignment `x += await p`: only the spilled old value is live, not x', () => {
    const report = analyze(`
      async function f(p) {
        let x = g();
        x += await p;
        return x;
      }`);
    assert.deepEqual(point(report, 1).live, ['[x]']);
    assert.deepEqual(point(report, 1).saved, ['[x]']);
  });

  test('between two awaits, a value is live only where it is still needed', () => {
    const report = analyze(`
      async function f(p, q) {
        const a = g();
        const b = g();
        await p;
        log(a);
        await q;
        return b;
      }`);
    assert.deepEqual(sorted(point(report, 1).live), ['a', 'b', 'q']);
    assert.deepEqual(point(report, 2).live, ['b']);
  });

  test('loop-carried values are live at an await in the loop body', () => {
    const report = analyze(`
      async function f(n, p) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          await p;
          s = s + i;
        }
        return s;
      }`);
    assert.deepEqual(sorted(point(report, 1).live), ['i', 'n', 'p', 's']);
    // Carried only by the loop (never read after it): still live.
    const counter = analyze(`
      async function f(p) {
        let c = 0;
        while (c < 3) {
          await p;
          c++;
        }
        return 'done';
      }`);
    assert.deepEqual(sorted(point(counter, 1).live), ['c', 'p']);
    // The same await after the loop: nothing of the loop is live there.
    const after = analyze(`
      async function f(n, p) {
        let s = 0;
        for (let i = 0; i < n; i++) s = s + i;
        await p;
        return 1;
      }`);
    assert.deepEqual(point(after, 1).live, []);
  });

  test('a value read in a catch block is live at the awaits inside the try', () => {
    const report = analyze(`
      async function f(p, q) {
        const r = g();
        const unused = g();
        try {
          await p;
          await q;
        } catch (e) {
          log(r, e);
        }
        return 1;
      }`);
    assert.deepEqual(sorted(point(report, 1).live), ['q', 'r']);
    assert.deepEqual(point(report, 2).live, ['r']);
    // The same read in the catch of a try that ends before the await: not live.
    const before = analyze(`
      async function f(p) {
        const r = g();
        try { h(); } catch (e) { log(r, e); }
        await p;
        return 1;
      }`);
    assert.deepEqual(point(before, 1).live, []);
  });

  test('a value read in a finally block is live at the awaits inside the try', () => {
    const report = analyze(`
      async function f(p) {
        const r = g();
        try {
          await p;
        } finally {
          log(r);
        }
        return 1;
      }`);
    assert.deepEqual(point(report, 1).live, ['r']);
    // A catch that awaits, with a finally: the finally's reads are live at the catch's await.
    const inCatch = analyze(`
      async function f(p) {
        const r = g();
        try {
          h();
        } catch (e) {
          await p;
        } finally {
          log(r);
        }
      }`);
    assert.deepEqual(point(inCatch, 1).live, ['r']);
  });

  test('a break or continue carried out after a finally that awaits leaves to its target', () => {
    // `x` is read after the loop: live at the await only through the carried-out break (the
    // path that falls through overwrites it first).
    const broken = analyze(`
      async function f(p, c) {
        let x = g();
        for (;;) {
          try { if (c) break; } finally { await p; }
          x = 2;
        }
        return x;
      }`);
    assert.deepEqual(point(broken, 1).live, ['p', 'c', 'x', '$ra_t1', '$ra_t2']);
    // `i` is read by the outer loop's update, reached with `i` unchanged only by the carried-out
    // `continue outer` (through both finally blocks).
    const continued = analyze(`
      async function f(p) {
        outer: for (let i = 0; i < 3; i = next(i)) {
          for (;;) {
            try { try { continue outer; } finally { await p; } } finally { await p; }
            i = 5;
          }
        }
      }`);
    assert.deepEqual(point(continued, 1).live, ['p', 'i', '$ra_t1', '$ra_t2', '$ra_t3', '$ra_t4']);
    assert.deepEqual(point(continued, 2).live, ['p', 'i', '$ra_t1', '$ra_t2']);
  });

  test('a switch whose clauses declare bindings: its selector is live at every await in it, re-entered through it', () => {
    const report = analyze(`
      async function f(x, p) {
        switch (x) {
          case 0:
            let a = g();
          case 1:
            await p;
            return a;
        }
      }`);
    assert.deepEqual(point(report, 1).live, ['a', '$ra_t1']); // $ra_t1: the selector
  });

  test("a switch's function declarations are written on entry (hoisted), live at an await when read after it", () => {
    const report = analyze(`
      async function f(x, p) {
        switch (x) {
          case 0:
            await p;
            return g;
          case 1:
            function g() {}
            await p;
        }
      }`);
    assert.ok(point(report, 1).live.includes('g'));
    assert.ok(!point(report, 2).live.includes('g'));
  });

  test('a value assigned inside the try and read in the catch is live at an await after the assignment', () => {
    const report = analyze(`
      async function f(p) {
        let step = 0;
        try {
          step = 1;
          await p;
          step = 2;
        } catch (e) {
          return step;
        }
        return 0;
      }`);
    assert.deepEqual(point(report, 1).live, ['step']);
  });
});

// ------------------------------------------------------------------------------------------
describe('per-point layouts and the shared layout', () => {
  test('the shared layout is the union of the points; slot indices are the same at every point', () => {
    const report = analyze(`
      async function f(p, q) {
        const a = g();
        const b = g();
        await p;
        log(a, b);
        const c = g();
        await q;
        log(b, c);
      }`);
    assert.deepEqual(sorted(point(report, 1).saved), ['a', 'b', 'q']);
    assert.deepEqual(sorted(point(report, 2).saved), ['b', 'c']);
    assert.deepEqual(sorted(Object.keys(report.slots)), ['a', 'b', 'c', 'q']);
    // No await's value is used and none is in a try: values start at slot 1.
    assert.equal(report.resultSlot, 0);
    assert.equal(report.exceptionSlot, 0);
    assert.equal(report.slotCount, 4);
    assert.deepEqual(Object.values(report.slots).sort(), [1, 2, 3, 4]);
    // Slots in order of first use: the values of point 1 first.
    assert.ok(report.slots.c! > Math.max(report.slots.a!, report.slots.b!, report.slots.q!));
  });

  test('the emitted continuations use the layout slots: one class per point without reuse, the runtime\'s frame with reuse', () => {
    const source = `
      export async function f(p, q) {
        const a = g();
        const b = g();
        await p;
        log(a, b);
        const c = g();
        await q;
        log(b, c);
      }`;
    const report = analyze(source);
    const slot = (name: string): string => `s${report.slots[name]}`;
    const noReuse = transform(source, { reuseContinuations: false }).code;
    // The fields a class's constructor initialises (each continuation is made with them all).
    const classFields = (cls: string, code: string): string[] => {
      const match = new RegExp(`class \\$ra_${cls} extends \\$ra_Continuation \\{ constructor\\([^)]*\\) \\{ super\\([^)]*\\);([^}]*)\\} \\}`).exec(code);
      assert.ok(match, `no class ${cls} in\n${code}`);
      return [...match[1]!.matchAll(/this\.(s\d+) =/g)].map((m) => m[1]!);
    };
    const bySlot = (x: string, y: string): number => Number(x.slice(1)) - Number(y.slice(1));
    assert.deepEqual(classFields('K1_1', noReuse), ['a', 'b', 'q'].map(slot).sort(bySlot));
    assert.deepEqual(classFields('K1_2', noReuse), ['b', 'c'].map(slot).sort(bySlot));
    // A suspension passes what its point saves, in slot order.
    const inSlotOrder = (names: string[]): string => [...names].sort((x, y) => report.slots[x]! - report.slots[y]!).join(', ');
    assert.ok(noReuse.includes(`$ra_k = new $ra_K1_1(${inSlotOrder(['a', 'b', 'q'])});`), noReuse);
    assert.ok(noReuse.includes(`$ra_k = new $ra_K1_2(${inSlotOrder(['b', 'c'])});`), noReuse);
    // Restoring reads the layout's field: q (function-level) in the prologue, b (block-level)
    // at its declaration, whichever point the activation resumed at.
    assert.match(noReuse, new RegExp(`case 1: q = \\$ra_k\\.${slot('q')};`));
    assert.match(noReuse, new RegExp(`const b = [^;]*: \\$ra_k\\.${slot('b')};`));
    assert.match(noReuse, new RegExp(`const c = [^;]*: \\$ra_k\\.${slot('c')};`));
    // With reuse, a factory of the runtime's frame of the function's size, which takes the four
    // value slots and gives them in order.
    const reuse = transform(source, { reuseContinuations: true }).code;
    const factory = /function \$ra_K1\(([^)]*)\) \{ return new \$ra_(Frame\d)\(([^)]*)\); \}/.exec(reuse);
    assert.ok(factory, reuse);
    assert.equal(factory[2], 'Frame4');
    assert.deepEqual(factory[1]!.split(', '), ['s1', 's2', 's3', 's4']);
    assert.deepEqual(factory[3]!.split(', '), ['s1', 's2', 's3', 's4']);
    assert.doesNotMatch(reuse, /class \$ra_K1/);
  });

  test('with reuse, the frame by size: Frame4 up to 4 slots, Frame8 up to 8, a class of its own beyond; the exception slot starts as NO_EXCEPTION', () => {
    const withValues = (count: number): string => {
      const names = Array.from({ length: count }, (_, i) => `v${i}`);
      return `export async function f(p) { ${names.map((n, i) => `let ${n} = p + ${i};`).join(' ')} await p; return ${names.join(' + ')}; }`;
    };
    const made = (source: string): string => {
      const code = transform(source, { reuseContinuations: true }).code;
      const factory = /function \$ra_K1\([^)]*\) \{ return new \$ra_(Frame\d)\(([^)]*)\); \}/.exec(code);
      if (factory) return `${factory[1]}(${factory[2]})`;
      assert.match(code, /class \$ra_K1 extends \$ra_Continuation \{/);
      return 'class';
    };
    assert.equal(made(withValues(1)), 'Frame4(s1)');
    assert.equal(made(withValues(4)), 'Frame4(s1, s2, s3, s4)');
    assert.equal(made(withValues(5)), 'Frame8(s1, s2, s3, s4, s5)');
    assert.equal(made(withValues(8)), 'Frame8(s1, s2, s3, s4, s5, s6, s7, s8)');
    assert.equal(made(withValues(9)), 'class');
    // The await's value (slot 1) and the exception (slot 2), then the value.
    assert.equal(made('export async function f(p) { let v = p; try { return (await p) + v; } catch (e) { return v; } }'), 'Frame4(undefined, $ra_NO_EXCEPTION, s3)');
  });

  test('result slot 1 when some await\'s value is used; each point\'s flags name its own result slot', () => {
    const report = analyze(`
      async function f(p, q) {
        const v = await p;
        await q;
        return v;
      }`);
    assert.equal(report.resultSlot, 1);
    assert.equal(report.exceptionSlot, 0);
    assert.equal(point(report, 1).resultSlot, 1);
    assert.equal(point(report, 1).flags, encodeFlags(1, 0));
    assert.equal(point(report, 2).resultSlot, 0, 'the second await\'s value is unused');
    assert.equal(point(report, 2).flags, 0);
    // Values come after the result slot; the await's own value is not saved at its point.
    assert.deepEqual(point(report, 1).saved, ['q']);
    assert.deepEqual(point(report, 1).live, ['q']);
    assert.deepEqual(point(report, 2).saved, ['v']);
    assert.ok(Object.values(report.slots).every((s) => s >= 2));
    assert.equal(report.slotCount, 3);
  });

  test('no result slot when no await\'s value is used', () => {
    const report = analyze(`
      async function f(p, q) {
        await p;
        await q;
        return p;
      }`);
    assert.equal(report.resultSlot, 0);
    assert.deepEqual(report.points.map((p) => p.flags), [0, 0]);
    assert.deepEqual(report.slots, { p: 1, q: 2 });
  });

  test('an exception slot only when an await is inside a try; only the points in a try name it', () => {
    const report = analyze(`
      async function f(p, q, r) {
        const v = await p;
        try {
          await q;
        } catch (e) {
          log(e);
        }
        await r;
        return v;
      }`);
    assert.equal(report.resultSlot, 1);
    assert.equal(report.exceptionSlot, 2);
    assert.deepEqual(report.points.map((p) => [p.resultSlot, p.exceptionSlot]), [[1, 0], [0, 2], [0, 0]]);
    assert.deepEqual(report.points.map((p) => p.flags), [encodeFlags(1, 0), encodeFlags(0, 2), 0]);
    assert.ok(Object.values(report.slots).every((s) => s >= 3));

    // Exception slot without a result slot: it is slot 1.
    const only = analyze(`
      async function f(p) {
        try { await p; } finally { log(1); }
      }`);
    assert.equal(only.resultSlot, 0);
    assert.equal(only.exceptionSlot, 1);
    assert.equal(point(only, 1).flags, encodeFlags(0, 1));

    // A try without awaits inside, awaits elsewhere: no exception slot.
    const none = analyze(`
      async function f(p) {
        try { g(); } catch (e) { log(e); }
        await p;
        try { h(); } finally { log(2); }
      }`);
    assert.equal(none.exceptionSlot, 0);
    assert.equal(point(none, 1).flags, 0);
  });

  test('an await in a catch clause is in a try only when a finally follows', () => {
    const withoutFinally = analyze(`
      async function f(p) {
        try { g(); } catch (e) { await p; }
      }`);
    assert.equal(withoutFinally.exceptionSlot, 0);
    assert.equal(point(withoutFinally, 1).exceptionSlot, 0);
    const withFinally = analyze(`
      async function f(p) {
        try { g(); } catch (e) { await p; } finally { log(1); }
      }`);
    assert.equal(withFinally.exceptionSlot, 1);
    assert.equal(point(withFinally, 1).exceptionSlot, 1);
  });

  test('an await in a for-of body is in a try (the iterator is closed when the body throws)', () => {
    const report = analyze(`
      async function f(items, p) {
        for (const x of items) await p;
      }`);
    assert.equal(report.exceptionSlot, 1);
    assert.equal(point(report, 1).flags, encodeFlags(0, 1));
  });

  test('more values than the flags can index (1023): only the result and exception slots are encoded, and they come first', () => {
    const names = Array.from({ length: 1100 }, (_, i) => `v${i}`);
    const report = analyze(`async function f(p) { ${names.map((n) => `const ${n} = g();`).join(' ')} let r; try { r = await p; } catch {} use(r, ${names.join(', ')}); }`);
    assert.equal(report.resultSlot, 1);
    assert.equal(report.exceptionSlot, 2);
    assert.equal(report.slotCount, 1102);
    assert.equal(point(report, 1).flags, encodeFlags(1, 2));
  });
});

// ------------------------------------------------------------------------------------------
describe('default values', () => {
  test('`let x; await a; if (c) x = 1; use(x)`: x is live but at its default, not saved', () => {
    const report = analyze(`
      async function f(a, c) {
        let x;
        await a;
        if (c) x = 1;
        use(x);
      }`);
    const p = point(report, 1);
    assert.deepEqual(sorted(p.live), ['c', 'x']);
    assert.deepEqual(p.atDefault, ['x']);
    assert.deepEqual(p.saved, ['c']);
    assert.equal(report.slots.x, undefined, 'x has no slot');
  });

  test('a var without initialiser is at its default until assigned', () => {
    const report = analyze(`
      async function f(a, c) {
        var x;
        await a;
        if (c) x = 1;
        return x;
      }`);
    assert.deepEqual(point(report, 1).atDefault, ['x']);
    assert.deepEqual(point(report, 1).saved, ['c']);
  });

  test('assigned on some path before the await: not at default, saved', () => {
    const report = analyze(`
      async function f(a, c) {
        let x;
        if (c) x = 1;
        await a;
        use(x);
      }`);
    assert.deepEqual(point(report, 1).atDefault, []);
    assert.deepEqual(point(report, 1).saved, ['x']);
  });

  test('assigned between two awaits: at default at the first, saved at the second', () => {
    const report = analyze(`
      async function f(a, b, c) {
        let x;
        await a;
        if (c) x = 1;
        await b;
        use(x);
      }`);
    assert.deepEqual(point(report, 1).atDefault, ['x']);
    assert.deepEqual(sorted(point(report, 1).saved), ['b', 'c']);
    assert.deepEqual(point(report, 2).atDefault, []);
    assert.deepEqual(point(report, 2).saved, ['x']);
  });

  test('`let x;` in a loop body resets x to its default at every iteration', () => {
    const report = analyze(`
      async function f(items, a) {
        for (const c of items) {
          let x;
          await a;
          if (c) x = 1;
          use(x);
        }
      }`);
    assert.ok(point(report, 1).live.includes('x'));
    assert.deepEqual(point(report, 1).atDefault, ['x']);
    assert.ok(!point(report, 1).saved.includes('x'));
    // A variable declared outside the loop keeps the previous iteration's value: saved.
    const outside = analyze(`
      async function f(items, a) {
        let x;
        for (const c of items) {
          await a;
          if (c) x = 1;
          use(x);
        }
      }`);
    assert.deepEqual(point(outside, 1).atDefault, []);
    assert.ok(point(outside, 1).saved.includes('x'));
  });
});

// ------------------------------------------------------------------------------------------
describe('values preserved since resumption', () => {
  test('the seed loop: on reuse only `i` is stored', () => {
    const report = analyze(`
      async function foo(n, na) {
        for (let i = 0; i < n; i++) {
          sValue = (sValue + i) | 0;
        }
        const timer = Stopwatch.startNew();
        for (let i = 0; i < n; i++) {
          await na;
        }
        return timer.elapsedMilliseconds;
      }`);
    const p = point(report, 1);
    // The second loop's `i` is renamed (two bindings named i).
    const i = p.saved.find((name) => name.startsWith('i'));
    assert.ok(i, `no i in ${p.saved}`);
    assert.deepEqual(sorted(p.saved), sorted(['n', 'na', 'timer', i]));
    assert.deepEqual(sorted(p.preserved), ['n', 'na', 'timer']);
    assert.deepEqual(p.savedOnReuse, [i]);
    assert.equal(p.flags, 0);
  });

  test('a value written between two awaits is not preserved; one that is not written is', () => {
    const report = analyze(`
      async function f(p, q) {
        let x = g();
        const y = g();
        await p;
        x = h(x);
        await q;
        return [x, y];
      }`);
    const second = point(report, 2);
    assert.deepEqual(sorted(second.saved), ['x', 'y']);
    assert.ok(second.preserved.includes('y'));
    assert.ok(!second.preserved.includes('x'));
    assert.deepEqual(second.savedOnReuse, ['x']);
  });

  test('a write on one path only between two awaits: not preserved', () => {
    const report = analyze(`
      async function f(p, q, c) {
        let x = g();
        await p;
        if (c) x = 2;
        await q;
        return x;
      }`);
    assert.ok(!point(report, 2).preserved.includes('x'));
    assert.deepEqual(point(report, 2).savedOnReuse, ['x']);
  });

  test('a value saved at one point but not at the previous one is not preserved at the next', () => {
    // b is not live at the first await (overwritten after it): the continuation does not hold it.
    const report = analyze(`
      async function f(p, q) {
        let b = 0;
        await p;
        b = g();
        await q;
        return b;
      }`);
    assert.deepEqual(point(report, 1).saved, ['q']);
    assert.deepEqual(point(report, 2).saved, ['b']);
    assert.deepEqual(point(report, 2).savedOnReuse, ['b']);
  });

  test('the first suspension of an activation never takes the reuse path: every saved value counts as preserved', () => {
    const report = analyze(`
      async function f(a, p) {
        const x = g();
        await p;
        return [a, x];
      }`);
    assert.deepEqual(sorted(point(report, 1).preserved), ['a', 'x']);
    assert.deepEqual(point(report, 1).savedOnReuse, []);
  });

  test('an await that may complete without suspending refreshes nothing: what changed since the last resumption is stored', () => {
    const report = analyze(`
      async function f(n, p, q) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          await p;
          await q;
          acc = acc + i;
        }
        return acc;
      }`);
    // At the first await, acc and i changed since resuming at the second (acc written, i updated).
    assert.deepEqual(sorted(point(report, 1).savedOnReuse), ['acc', 'i']);
    // At the second too: if `await p` did not suspend, the continuation still holds the values
    // of the previous iteration's resumption at the second await.
    assert.deepEqual(sorted(point(report, 2).savedOnReuse), ['acc', 'i']);
    for (const state of [1, 2]) assert.deepEqual(sorted(point(report, state).preserved), ['n', 'p', 'q']);
  });

  test('the catch binding is not saved at the awaits of its try, even in a loop', () => {
    const report = analyze(`
      async function f(n, p) {
        for (let i = 0; i < n; i++) {
          try { await p; } catch (e) { log(e); }
        }
      }`);
    assert.deepEqual(sorted(point(report, 1).saved), ['i', 'n', 'p']);
    assert.deepEqual(point(report, 1).savedOnReuse, ['i']);
    assert.equal(point(report, 1).flags, encodeFlags(0, 1));
  });
});

// ------------------------------------------------------------------------------------------
describe('temporaries', () => {
  test('`f(a(), await b())` spills a() into a temporary that is live at the await', () => {
    const report = analyze(`
      async function outer() {
        return f(a(), await b());
      }`);
    const p = point(report, 1);
    assert.ok(p.live.includes('[a()]'), `live: ${p.live}`);
    assert.ok(p.saved.includes('[a()]'));
    // The callee is read before the arguments: spilled too (f is not a binding of this function).
    assert.deepEqual(sorted(p.live), ['[a()]', '[f]']);
    assert.equal(p.resultSlot, 1);
  });

  test('a stable operand is not spilled; an unstable one is', () => {
    const stable = analyze(`
      async function f(p) {
        const x = g();
        return x + await p;
      }`);
    assert.deepEqual(point(stable, 1).live, ['x']);
    const call = analyze(`
      async function f(p) {
        return g() + await p;
      }`);
    assert.deepEqual(point(call, 1).live, ['[g()]']);
    const reassigned = analyze(`
      async function f(p) {
        let x = g();
        x++;
        return x + await p;
      }`);
    assert.deepEqual(point(reassigned, 1).live, ['[x]']);
  });

  test('a temporary is live only until its use: not at a later await', () => {
    const report = analyze(`
      async function f(p, q) {
        const r = g() + await p;
        await q;
        return r;
      }`);
    assert.deepEqual(sorted(point(report, 1).live), ['[g()]', 'q']);
    assert.deepEqual(point(report, 2).live, ['r']);
  });
});
