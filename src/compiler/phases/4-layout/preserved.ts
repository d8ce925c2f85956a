/**
 * Values preserved since resumption (dotnet/runtime#125615): on the reuse path, a value that the
 * continuation already holds and that has not been written since the activation resumed need
 * not be stored again. A forward must-analysis: at a suspension point the activation resumes with
 * exactly the values it saved there; any write kills.
 *
 * Paths from the function's entry that have not resumed never take the reuse path (the
 * continuation is null there), so they constrain nothing: their fact is ⊤ (null below), which a
 * write does not change and which a meet ignores.
 */
import type { SiteItem } from '../3-lower/ir.js';
import type { BitSet } from './bitset.js';
import type { Cfg } from './cfg.js';

type Fact = BitSet | null; // null: ⊤, not resumed yet on this path

export function preservedAtSuspensions(cfg: Cfg, live: Map<SiteItem, BitSet>, defaults: Map<SiteItem, BitSet>): Map<SiteItem, BitSet> {
  const into: Fact[] = cfg.nodes.map(() => null);
  const predecessors = cfg.nodes.map(() => [] as number[]);
  for (const node of cfg.nodes) for (const succ of node.succ) predecessors[succ.id]!.push(node.id);
  const outOf = (id: number): Fact => {
    const node = cfg.nodes[id]!;
    let out = into[id]!;
    if (node.site) {
      // Suspended here and resumed: the continuation holds exactly the saved values.
      const saved = live.get(node.site)!.copy();
      saved.subtract(defaults.get(node.site)!);
      if (out === null) out = saved;
      else {
        out = out.copy();
        out.intersectWith(saved);
      }
    } else if (out === null) {
      return null;
    } else {
      out = out.copy();
    }
    out.subtract(node.mayWrite);
    out.subtract(node.mustWrite);
    out.subtract(node.toDefault);
    return out;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const node of cfg.nodes) {
      if (node === cfg.entry) continue;
      let merged: Fact = null;
      for (const p of predecessors[node.id]!) {
        const fact = outOf(p);
        if (fact === null) continue;
        if (merged === null) merged = fact.copy();
        else merged.intersectWith(fact);
      }
      const before = into[node.id]!;
      if (merged === null ? before !== null : before === null || !merged.equals(before)) {
        into[node.id] = merged;
        changed = true;
      }
    }
  }
  const result = new Map<SiteItem, BitSet>();
  for (const [site, node] of cfg.siteNodes) {
    const fact = into[node.id];
    result.set(site, fact === null ? live.get(site)!.copy() : fact.copy());
  }
  return result;
}
