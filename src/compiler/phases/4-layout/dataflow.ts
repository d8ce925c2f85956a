/**
 * A forward dataflow solver over the CFG: iterates `transfer` and `meet` to a fixed point. The
 * entry node keeps its initial fact. Facts are immutable values: `transfer` returns a new one.
 */
import type { Cfg, CfgNode } from './cfg.js';

export interface ForwardProblem<F> {
  /** The fact into every node before solving (the entry's stays). */
  readonly initial: (node: CfgNode) => F;
  /** The fact out of `node` given the fact into it. */
  readonly transfer: (node: CfgNode, into: F) => F;
  readonly meet: (a: F, b: F) => F;
  readonly equals: (a: F, b: F) => boolean;
}

/** The fact into each node, indexed by node id. */
export function solveForward<F>(cfg: Cfg, problem: ForwardProblem<F>): F[] {
  const into = cfg.nodes.map((node) => problem.initial(node));
  const predecessors = cfg.nodes.map(() => [] as number[]);
  for (const node of cfg.nodes) for (const succ of node.succ) predecessors[succ.id]!.push(node.id);
  let changed = true;
  while (changed) {
    changed = false;
    for (const node of cfg.nodes) {
      const preds = predecessors[node.id]!;
      if (node === cfg.entry || preds.length === 0) continue;
      let merged = problem.transfer(cfg.nodes[preds[0]!]!, into[preds[0]!]!);
      for (let i = 1; i < preds.length; i++) merged = problem.meet(merged, problem.transfer(cfg.nodes[preds[i]!]!, into[preds[i]!]!));
      if (!problem.equals(merged, into[node.id]!)) {
        into[node.id] = merged;
        changed = true;
      }
    }
  }
  return into;
}
