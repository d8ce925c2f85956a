/**
 * Liveness: which values are needed after each suspension point. Only those are saved in the
 * continuation (the JIT's "live locals at the suspension point").
 */
import type { SiteItem } from '../3-lower/ir.js';
import { BitSet } from './bitset.js';
import type { Cfg } from './cfg.js';

/** Live-in of every node: reads ∪ (live-out − must-write), to a fixed point. */
export function liveness(cfg: Cfg): BitSet[] {
  const liveIn = cfg.nodes.map(() => new BitSet(cfg.valueCount));
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = cfg.nodes.length - 1; i >= 0; i--) {
      const node = cfg.nodes[i]!;
      const out = new BitSet(cfg.valueCount);
      for (const succ of node.succ) out.unionWith(liveIn[succ.id]!);
      out.subtract(node.mustWrite);
      out.unionWith(node.reads);
      if (!out.equals(liveIn[i]!)) {
        liveIn[i] = out;
        changed = true;
      }
    }
  }
  return liveIn;
}

/** Values that must survive each suspension point: live into its suspension node. */
export function liveAtSuspensions(cfg: Cfg, liveIn: BitSet[]): Map<SiteItem, BitSet> {
  const result = new Map<SiteItem, BitSet>();
  for (const [site, node] of cfg.siteNodes) result.set(site, liveIn[node.id]!.copy());
  return result;
}
