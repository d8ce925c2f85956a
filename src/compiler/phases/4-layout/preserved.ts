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
import { solveForward } from './dataflow.js';

type Fact = BitSet | null; // null: ⊤, not resumed yet on this path

export function preservedAtSuspensions(cfg: Cfg, live: Map<SiteItem, BitSet>, defaults: Map<SiteItem, BitSet>): Map<SiteItem, BitSet> {
  const into = solveForward<Fact>(cfg, {
    initial: () => null,
    transfer: (node, fact) => {
      let out: Fact;
      if (node.site) {
        // Suspended here and resumed: the continuation holds exactly the saved values.
        const saved = live.get(node.site)!.copy();
        saved.subtract(defaults.get(node.site)!);
        out = saved;
        if (fact !== null) out.intersectWith(fact);
      } else if (fact === null) {
        return null;
      } else {
        out = fact.copy();
      }
      out.subtract(node.mayWrite);
      out.subtract(node.mustWrite);
      out.subtract(node.toDefault);
      return out;
    },
    meet: (a, b) => {
      if (a === null) return b;
      if (b === null) return a;
      const both = a.copy();
      both.intersectWith(b);
      return both;
    },
    equals: (a, b) => (a === null || b === null ? a === b : a.equals(b)),
  });
  const result = new Map<SiteItem, BitSet>();
  for (const [site, node] of cfg.siteNodes) {
    const fact = into[node.id];
    result.set(site, fact == null ? live.get(site)!.copy() : fact.copy());
  }
  return result;
}
