/**
 * Default-value analysis: a value that on every path from the function's entry still holds its
 * initial value (undefined: never assigned, or reset by `let x;`) need not be saved at a
 * suspension point; resuming leaves it undefined.
 */
import type { SiteItem } from '../3-lower/ir.js';
import { BitSet } from './bitset.js';
import type { Cfg } from './cfg.js';

/** Values that may have been assigned something other than their default, on entry to each node. */
export function maybeAssigned(cfg: Cfg): BitSet[] {
  const into = cfg.nodes.map(() => new BitSet(cfg.valueCount));
  const predecessors = cfg.nodes.map(() => [] as number[]);
  for (const node of cfg.nodes) for (const succ of node.succ) predecessors[succ.id]!.push(node.id);
  const outOf = (id: number): BitSet => {
    const node = cfg.nodes[id]!;
    const out = into[id]!.copy();
    out.subtract(node.toDefault);
    const written = node.mayWrite.copy();
    written.subtract(node.toDefault);
    out.unionWith(written);
    return out;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const node of cfg.nodes) {
      if (node === cfg.entry) continue;
      const merged = new BitSet(cfg.valueCount);
      for (const p of predecessors[node.id]!) merged.unionWith(outOf(p));
      if (!merged.equals(into[node.id]!)) {
        into[node.id] = merged;
        changed = true;
      }
    }
  }
  return into;
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
