/**
 * The layout builder (dotnet/runtime#125556): a layout per suspension point holding what is live
 * there, and the shared layout, their union, used by every suspension of an activation when
 * continuations are reused.
 *
 * Slot indices come from the shared layout: 1 = the result slot (if any await's value is used),
 * then the exception slot (if any await is inside a try), then the values in order of first
 * use. A point's layout is the subset it saves, at the same indices, so that the code that
 * restores a value reads the same field whichever layout the continuation has.
 */
import { encodeFlags } from '../../../runtime/flags.js';
import type { LoweredFunction, SiteItem, Value } from '../3-lower/ir.js';
import type { BitSet } from './bitset.js';

export interface PointLayout {
  readonly site: SiteItem;
  /** Values saved at this point (live and not at their default), in slot order. */
  readonly saved: readonly Value[];
  /** On the reuse path: those not preserved since resumption. */
  readonly savedOnReuse: readonly Value[];
  readonly resultSlot: number;
  readonly exceptionSlot: number;
  readonly flags: number;
}

export interface SharedLayout {
  readonly slotOf: ReadonlyMap<Value, number>;
  /** 0 when no await's value is used. */
  readonly resultSlot: number;
  /** 0 when no await is inside a try. */
  readonly exceptionSlot: number;
  /** Highest slot index. */
  readonly slotCount: number;
  readonly points: readonly PointLayout[];
}

export interface LayoutInput {
  readonly live: ReadonlyMap<SiteItem, BitSet>;
  readonly defaults: ReadonlyMap<SiteItem, BitSet>;
  readonly preserved: ReadonlyMap<SiteItem, BitSet>;
}

export function buildLayout(lowered: LoweredFunction, input: LayoutInput): SharedLayout {
  const sites = lowered.states;
  let next = 1;
  const resultSlot = sites.some((s) => s.result !== null) ? next++ : 0;
  const exceptionSlot = sites.some((s) => s.inTry) ? next++ : 0;
  const slotOf = new Map<Value, number>();
  const savedAt = new Map<SiteItem, Value[]>();
  for (const site of sites) {
    const live = input.live.get(site)!;
    const defaults = input.defaults.get(site)!;
    const saved: Value[] = [];
    for (const id of live.toArray()) {
      if (defaults.has(id)) continue;
      const value = lowered.values[id]!;
      if (value === site.result) continue;
      if (!slotOf.has(value)) slotOf.set(value, next++);
      saved.push(value);
    }
    saved.sort((a, b) => slotOf.get(a)! - slotOf.get(b)!);
    savedAt.set(site, saved);
  }
  // Only the result and exception slots go in the flags (1 and 2 at most): any number of
  // values fits in a continuation.
  const slotCount = next - 1;
  const points = sites.map((site): PointLayout => {
    const saved = savedAt.get(site)!;
    const preserved = input.preserved.get(site)!;
    const pointResult = site.result !== null ? resultSlot : 0;
    const pointException = site.inTry ? exceptionSlot : 0;
    return {
      site,
      saved,
      savedOnReuse: saved.filter((value) => !preserved.has(value.id)),
      resultSlot: pointResult,
      exceptionSlot: pointException,
      flags: encodeFlags(pointResult, pointException),
    };
  });
  return { slotOf, resultSlot, exceptionSlot, slotCount, points };
}

/** The slots of a shared layout that hold values (not the result or the exception), in order. */
export function valueSlotsOf(layout: SharedLayout): number[] {
  const slots: number[] = [];
  for (let slot = 1; slot <= layout.slotCount; slot++) {
    if (slot !== layout.resultSlot && slot !== layout.exceptionSlot) slots.push(slot);
  }
  return slots;
}
