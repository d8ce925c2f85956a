/**
 * Continuation flags (src/runtime/flags.ts): two slot indices packed in one number, result slot
 * in the low bits, exception slot above it; 0 means "none".
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  encodeFlags,
  EXCEPTION_SHIFT,
  exceptionSlotOf,
  MAX_SLOT_INDEX,
  RESULT_SHIFT,
  RESUMES_THROUGH_STATE,
  resultSlotOf,
  SLOT_FLAGS_MASK,
  SLOT_INDEX_BITS,
  SLOT_INDEX_MASK,
  slotName,
} from '../src/runtime/flags.ts';
import * as runtime from '../dist/runtime/index.js';
import { transform } from '../src/compiler/index.ts';

const BITS = SLOT_INDEX_BITS;

describe('continuation flags', () => {
  test('the layout: 10 bits per index, result low, exception above, max index 1023', () => {
    assert.equal(SLOT_INDEX_BITS, 10);
    assert.equal(SLOT_INDEX_MASK, 0x3ff);
    assert.equal(MAX_SLOT_INDEX, 1023);
    assert.equal(RESULT_SHIFT, 0);
    assert.equal(EXCEPTION_SHIFT, 10);
    assert.equal(encodeFlags(MAX_SLOT_INDEX, 0), 0x3ff);
    assert.equal(encodeFlags(0, MAX_SLOT_INDEX), 0x3ff << 10);
    assert.equal(encodeFlags(MAX_SLOT_INDEX, MAX_SLOT_INDEX), (1 << 20) - 1);
  });

  test('0 means none: no result and no exception slot encode to 0, and decode to 0', () => {
    assert.equal(encodeFlags(0, 0), 0);
    assert.equal(resultSlotOf(0), 0);
    assert.equal(exceptionSlotOf(0), 0);
    assert.equal(resultSlotOf(encodeFlags(0, 7)), 0, 'an exception slot alone leaves the result slot none');
    assert.equal(exceptionSlotOf(encodeFlags(7, 0)), 0, 'a result slot alone leaves the exception slot none');
  });

  test('every single bit of the result index round-trips and does not leak into the exception index', () => {
    for (let bit = 0; bit < BITS; bit++) {
      const slot = 1 << bit;
      const flags = encodeFlags(slot, 0);
      assert.equal(resultSlotOf(flags), slot, `result bit ${bit}`);
      assert.equal(exceptionSlotOf(flags), 0, `result bit ${bit} leaks`);
    }
  });

  test('every single bit of the exception index round-trips and does not leak into the result index', () => {
    for (let bit = 0; bit < BITS; bit++) {
      const slot = 1 << bit;
      const flags = encodeFlags(0, slot);
      assert.equal(exceptionSlotOf(flags), slot, `exception bit ${bit}`);
      assert.equal(resultSlotOf(flags), 0, `exception bit ${bit} leaks`);
    }
  });

  test('each bit of one index combined with each bit (or all bits) of the other', () => {
    for (let r = 0; r < BITS; r++) {
      for (let x = 0; x < BITS; x++) {
        const flags = encodeFlags(1 << r, 1 << x);
        assert.equal(resultSlotOf(flags), 1 << r);
        assert.equal(exceptionSlotOf(flags), 1 << x);
      }
      const withAll = encodeFlags(1 << r, MAX_SLOT_INDEX);
      assert.equal(resultSlotOf(withAll), 1 << r);
      assert.equal(exceptionSlotOf(withAll), MAX_SLOT_INDEX);
      const underAll = encodeFlags(MAX_SLOT_INDEX, 1 << r);
      assert.equal(resultSlotOf(underAll), MAX_SLOT_INDEX);
      assert.equal(exceptionSlotOf(underAll), 1 << r);
    }
  });

  test('all 1024 × 1024 pairs of indices round-trip to distinct flags', () => {
    const seen = new Set<number>();
    for (let r = 0; r <= MAX_SLOT_INDEX; r++) {
      for (let x = 0; x <= MAX_SLOT_INDEX; x++) {
        const flags = encodeFlags(r, x);
        if (resultSlotOf(flags) !== r || exceptionSlotOf(flags) !== x) {
          assert.fail(`(${r}, ${x}) encodes to ${flags}, which decodes to (${resultSlotOf(flags)}, ${exceptionSlotOf(flags)})`);
        }
        seen.add(flags);
      }
    }
    assert.equal(seen.size, 1024 * 1024);
  });

  test('out-of-range indices are rejected with a RangeError', () => {
    const bad: [number, number][] = [
      [-1, 0],
      [0, -1],
      [MAX_SLOT_INDEX + 1, 0],
      [0, MAX_SLOT_INDEX + 1],
      [1 << BITS, 1 << BITS],
      [2 ** 31, 0],
      [0, 2 ** 31],
      [-(2 ** 31), 0],
      [Number.POSITIVE_INFINITY, 0],
      [0, Number.NEGATIVE_INFINITY],
    ];
    for (const [r, x] of bad) {
      assert.throws(() => encodeFlags(r, x), RangeError, `encodeFlags(${r}, ${x})`);
    }
    // The bounds themselves are accepted.
    assert.doesNotThrow(() => encodeFlags(0, 0));
    assert.doesNotThrow(() => encodeFlags(MAX_SLOT_INDEX, MAX_SLOT_INDEX));
  });

  test('indices that are not integers are rejected too', () => {
    for (const [r, x] of [[Number.NaN, 0], [0, Number.NaN], [1.5, 0], [0, 2.5]] as [number, number][]) {
      assert.throws(() => encodeFlags(r, x), RangeError, `encodeFlags(${r}, ${x})`);
    }
  });

  test('slot i is the continuation field s<i>', () => {
    assert.equal(slotName(1), 's1');
    assert.equal(slotName(MAX_SLOT_INDEX), 's1023');
  });

  test('the built runtime exports the same functions (what compiled code and the dispatcher use)', () => {
    for (let bit = 0; bit < BITS; bit++) {
      const r = 1 << bit;
      const x = 1 << (BITS - 1 - bit);
      const flags = runtime.encodeFlags(r, x);
      assert.equal(flags, encodeFlags(r, x));
      assert.equal(runtime.resultSlotOf(flags), r);
      assert.equal(runtime.exceptionSlotOf(flags), x);
    }
    assert.throws(() => runtime.encodeFlags(MAX_SLOT_INDEX + 1, 0), RangeError);
  });
});

describe('the resumption bit', () => {
  test('bit 20 sits above both slot indices and leaves them intact', () => {
    assert.equal(RESUMES_THROUGH_STATE, 1 << 20);
    assert.equal(SLOT_FLAGS_MASK, (1 << 20) - 1);
    const flags = encodeFlags(5, 9) | RESUMES_THROUGH_STATE;
    assert.equal(resultSlotOf(flags), 5);
    assert.equal(exceptionSlotOf(flags), 9);
    assert.equal(flags & SLOT_FLAGS_MASK, encodeFlags(5, 9));
  });

  test('arrows and methods using super carry it; functions and other methods are resumed with this', () => {
    const flagsOf = (source: string): number[] =>
      // The first suspension makes the continuation (a class, or with reuse a factory of the
      // runtime's frame), then stores its state, and its flags if not 0.
      [...transform(source, { filename: 'f.js' }).code.matchAll(/(?:new )?\$ra_K\d+\([^)]*\); \$ra_k\.state = \d+; (?:\$ra_k\.flags = (\d+);)?/g)].map((m) => Number(m[1] ?? 0));
    const wait = 'await p; return 1;';
    assert.deepEqual(flagsOf(`async function f(p) { ${wait} }`), [0]);
    assert.deepEqual(flagsOf(`const f = async (p) => { ${wait} };`), [RESUMES_THROUGH_STATE]);
    assert.deepEqual(flagsOf(`class A { async m(p) { ${wait} } }`), [0]);
    assert.deepEqual(flagsOf(`class B extends Object { async m(p) { ${wait} super.toString(); } }`), [RESUMES_THROUGH_STATE]);
    assert.deepEqual(flagsOf(`async function f(p) { try { ${wait} } catch (e) { return e; } }`).map((f) => f & RESUMES_THROUGH_STATE), [0]);
  });
});
