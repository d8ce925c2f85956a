/**
 * Default-value analysis: a value that on every path from the function's entry still holds its
 * initial value (undefined: never assigned, or reset by `let x;`) need not be saved at a
 * suspension point; resuming leaves it undefined.
 */
import type { SiteItem } from '../3-lower/ir.js';
import { BitSet } from './bitset.js';
import type { Cfg } from './cfg.js';
import { solveForward } from './dataflow.js';

/** Values that may hold something other than their default, on entry to each node. */
export function maybeAssigned(cfg: Cfg): BitSet[] {
  return solveForward(cfg, {
    initial: () => new BitSet(cfg.valueCount),
    transfer: (node, into) => {
      const out = into.copy();
      out.subtract(node.toDefault);
      const written = node.mayWrite.copy();
      written.subtract(node.toDefault);
      out.unionWith(written);
      return out;
    },
    meet: (a, b) => {
      const union = a.copy();
      union.unionWith(b);
      return union;
    },
    equals: (a, b) => a.equals(b),
  });
}

/** Values still at their default at each suspension point. */
export function atDefault(cfg: Cfg, assigned: BitSet[], live: Map<SiteItem, BitSet>): Map<SiteItem, BitSet> {
  const result = new Map<SiteItem, BitSet>();
  for (const [site, node] of cfg.siteNodes) {
    const defaults = live.get(site)!.copy();
    defaults.subtract(assigned[node.id]!);
    result.set(site, defaults);
  }
  return result;
}
