/**
 * Control-flow graph of a lowered function, for the dataflow analyses. One node per statement
 * kept as text (its reads and writes summarised), per declarator, per test, and two per await
 * (evaluating the operand, then the suspension point itself). Every node inside a try region
 * may throw to its handler.
 */
import type { Node } from '../../ast.js';
import type { FunctionScope, Reference } from '../2-analyze/scope.js';
import type { Jump } from '../2-analyze/jumps.js';
import type { Chunk, Item, LoweredFunction, SiteItem, Value } from '../3-lower/ir.js';
import { BitSet } from './bitset.js';

export interface CfgNode {
  readonly id: number;
  readonly reads: BitSet;
  /** Certainly written (kills liveness). */
  readonly mustWrite: BitSet;
  /** Possibly written. */
  readonly mayWrite: BitSet;
  /** Reset to undefined, the initial value (`let x;`). */
  readonly toDefault: BitSet;
  readonly succ: CfgNode[];
  /** The suspension point of this site (its operand has been evaluated). */
  readonly site: SiteItem | null;
}

export interface Cfg {
  readonly entry: CfgNode;
  readonly exit: CfgNode;
  readonly nodes: CfgNode[];
  readonly siteNodes: Map<SiteItem, CfgNode>;
  readonly valueCount: number;
}

interface Target {
  readonly node: Node | null;
  readonly labels: readonly string[];
  readonly loop: boolean;
  readonly breakTo: CfgNode;
  readonly continueTo: CfgNode | null;
}

export function buildCfg(lowered: LoweredFunction, scope: FunctionScope, jumps: Jump[]): Cfg {
  return new CfgBuilder(lowered, scope, jumps).build();
}

class CfgBuilder {
  private readonly nodes: CfgNode[] = [];
  private readonly size: number;
  private readonly references: Reference[];
  private readonly valueOf = new Map<unknown, Value>();
  private readonly handlers: CfgNode[] = [];
  /** Finally blocks between here and the function's exit. */
  private readonly finallies: CfgNode[] = [];
  private readonly targets: Target[] = [];
  private readonly siteNodes = new Map<SiteItem, CfgNode>();
  /** Values that resuming reads before it reaches a suspension point (a lexical switch's selector). */
  private readonly resumeReads: Value[] = [];
  private exitNode!: CfgNode;
  private readonly lowered: LoweredFunction;
  private readonly jumps: Jump[];

  constructor(lowered: LoweredFunction, scope: FunctionScope, jumps: Jump[]) {
    this.lowered = lowered;
    this.jumps = jumps;
    this.size = lowered.values.length;
    for (const value of lowered.values) if (value.binding) this.valueOf.set(value.binding, value);
    this.references = [...scope.referenceAt.values()].sort((a, b) => a.node.start - b.node.start);
    this.thisNodes = scope.thisNodes.map((n) => n.start).sort((a, b) => a - b);
    this.argumentsNodes = scope.argumentsNodes.map((n) => n.start).sort((a, b) => a - b);
    this.argumentsWrites = scope.argumentsWrites.map((n) => n.start).sort((a, b) => a - b);
  }
  private readonly thisNodes: number[];
  private readonly argumentsNodes: number[];
  /** Sloppy mode `arguments = x`: the alias is written. */
  private readonly argumentsWrites: number[];

  private node(site: SiteItem | null = null): CfgNode {
    const node: CfgNode = {
      id: this.nodes.length,
      reads: new BitSet(this.size),
      mustWrite: new BitSet(this.size),
      mayWrite: new BitSet(this.size),
      toDefault: new BitSet(this.size),
      succ: [],
      site,
    };
    this.nodes.push(node);
    const handler = this.handlers[this.handlers.length - 1];
    if (handler) node.succ.push(handler);
    return node;
  }

  private link(from: CfgNode, to: CfgNode): void {
    if (!from.succ.includes(to)) from.succ.push(to);
  }

  build(): Cfg {
    const entry = this.node();
    for (const value of this.lowered.entryValues) {
      entry.mustWrite.add(value.id);
      entry.mayWrite.add(value.id);
    }
    this.exitNode = this.node();
    const last = this.items(this.lowered.body, entry);
    this.link(last, this.exitNode);
    return { entry, exit: this.exitNode, nodes: this.nodes, siteNodes: this.siteNodes, valueCount: this.size };
  }

  /** Chains `items` after `from`; returns the node where control leaves them normally. */
  private items(items: readonly Item[], from: CfgNode): CfgNode {
    let current = from;
    for (const item of items) current = this.item(item, current);
    return current;
  }

  private join(): CfgNode {
    return this.node();
  }

  private item(item: Item, from: CfgNode): CfgNode {
    switch (item.kind) {
      case 'code': {
        const node = this.node();
        this.link(from, node);
        this.summarise(node, item.chunks);
        for (const value of item.mustWrite) node.mustWrite.add(value.id);
        for (const exit of item.exits) this.exitTo(node, exit);
        if (item.range) this.originalJumps(node, item.range);
        if (item.carries) this.jumpEdges(node, this.jumps.find((j) => j.node === item.carries)!);
        if (item.completion) {
          // Returns recorded as the completion of a try whose finally awaits: they leave to it.
          for (const value of item.completion.also) node.mayWrite.add(value.id);
          const target = [...this.targets].reverse().find((t) => t.labels.includes(item.completion!.label));
          if (target) this.link(node, target.breakTo);
        }
        return node;
      }
      case 'decl': {
        const node = this.node();
        this.link(from, node);
        if (item.init) this.summarise(node, item.init);
        if (item.isPattern) this.summarise(node, item.target);
        for (const value of item.declared) {
          if (item.init !== null) {
            node.mustWrite.add(value.id);
            node.mayWrite.add(value.id);
          } else if (item.keyword !== 'var') {
            node.mustWrite.add(value.id);
            node.toDefault.add(value.id);
          }
        }
        return node;
      }
      case 'site': {
        const operand = this.node();
        this.link(from, operand);
        if (item.operand) this.summarise(operand, item.operand);
        if (item.call) {
          if (item.call.receiver) this.summarise(operand, item.call.receiver);
          this.summarise(operand, item.call.callee);
          for (const arg of item.call.args) this.summarise(operand, arg);
        }
        const suspension = this.node(item);
        this.link(operand, suspension);
        for (const value of this.resumeReads) suspension.reads.add(value.id);
        if (item.result) {
          suspension.mustWrite.add(item.result.id);
          suspension.mayWrite.add(item.result.id);
        }
        this.siteNodes.set(item, suspension);
        return suspension;
      }
      case 'block': {
        const node = this.node();
        this.link(from, node);
        for (const value of item.hoistedFunctions) {
          node.mustWrite.add(value.id);
          node.mayWrite.add(value.id);
        }
        return this.items(item.items, node);
      }
      case 'if': {
        const test = this.node();
        this.link(from, test);
        this.summarise(test, item.test);
        const after = this.join();
        this.link(this.items(item.consequent, test), after);
        this.link(item.alternate ? this.items(item.alternate, test) : test, after);
        return after;
      }
      case 'native-loop':
        return this.nativeLoop(item, from);
      case 'forever': {
        const head = this.node();
        this.link(from, head);
        const after = this.join();
        // With a continue label, `continue` lands after the body block.
        const continuePoint = item.continueLabel ? this.node() : head;
        this.targets.push({ node: item.node, labels: item.labels, loop: true, breakTo: after, continueTo: continuePoint });
        let current = head;
        item.items.forEach((child, index) => {
          if (item.continueLabel && index === item.bodyCount) {
            this.link(current, continuePoint);
            current = continuePoint;
          }
          current = this.item(child, current);
          if (child.kind === 'code' && child.exits.includes('break')) this.link(current, after);
        });
        this.targets.pop();
        this.link(current, head);
        return after;
      }
      case 'try':
        return this.tryItem(item, from);
      case 'switch': {
        const head = this.node();
        this.link(from, head);
        head.reads.add(item.selector.id);
        // The clauses' function declarations are hoisted to the switch's scope.
        for (const value of item.hoistedFunctions) {
          head.mustWrite.add(value.id);
          head.mayWrite.add(value.id);
        }
        const after = this.join();
        this.link(head, after);
        this.targets.push({ node: item.node, labels: item.labels, loop: false, breakTo: after, continueTo: null });
        // A lexical switch is re-entered at the selector: resuming reads it.
        if (item.lexical) this.resumeReads.push(item.selector);
        let fallthrough: CfgNode | null = null;
        for (const clause of item.clauses) {
          const start = this.node();
          this.link(head, start);
          if (fallthrough) this.link(fallthrough, start);
          fallthrough = this.items(clause, start);
        }
        if (fallthrough) this.link(fallthrough, after);
        if (item.lexical) this.resumeReads.pop();
        this.targets.pop();
        return after;
      }
      case 'labeled': {
        const after = this.join();
        this.targets.push({ node: item.node, labels: [item.label], loop: false, breakTo: after, continueTo: null });
        this.link(this.item(item.body, from), after);
        this.targets.pop();
        return after;
      }
    }
  }

  private nativeLoop(item: Extract<Item, { kind: 'native-loop' }>, from: CfgNode): CfgNode {
    let current = from;
    if (item.init) {
      if (item.init.length > 0 && typeof item.init[0] === 'object' && 'kind' in item.init[0] && item.init[0].kind === 'decl') {
        current = this.items(item.init as Item[], current);
      } else {
        const init = this.node();
        this.link(current, init);
        this.summarise(init, item.init as Chunk[]);
        current = init;
      }
    }
    const test = this.node();
    if (item.test) this.summarise(test, item.test);
    const update = this.node();
    if (item.update) this.summarise(update, item.update);
    const after = this.join();
    const bodyStart = this.node();
    const continueTo = item.form === 'for' ? update : test;
    this.targets.push({ node: item.node, labels: item.labels, loop: true, breakTo: after, continueTo });
    const bodyEnd = this.items(item.body, bodyStart);
    this.targets.pop();
    if (item.form === 'do') {
      this.link(current, bodyStart);
    } else {
      this.link(current, test);
    }
    this.link(test, bodyStart);
    this.link(test, after);
    if (item.form === 'for') {
      this.link(bodyEnd, update);
      this.link(update, test);
    } else {
      this.link(bodyEnd, test);
    }
    return after;
  }

  private tryItem(item: Extract<Item, { kind: 'try' }>, from: CfgNode): CfgNode {
    const after = this.join();
    let finallyNode: CfgNode | null = null;
    let finallyEnd: CfgNode | null = null;
    if (item.finalizer) {
      finallyNode = this.node();
      finallyEnd = this.items(item.finalizer, finallyNode);
    }
    let handlerNode: CfgNode | null = null;
    if (item.handlerCopy || item.captureInto || item.onThrow) {
      if (finallyNode) this.handlers.push(finallyNode);
      handlerNode = this.node();
      if (finallyNode) this.handlers.pop();
      if (item.handlerCopy) {
        this.summarise(handlerNode, item.handlerCopy);
        for (const chunk of item.handlerCopy) if (typeof chunk === 'object' && chunk.kind === 'copy') this.originalJumps(handlerNode, [chunk.start, chunk.end]);
      }
      if (item.onThrow) this.summarise(handlerNode, item.onThrow);
      if (item.captureInto) {
        handlerNode.mustWrite.add(item.captureInto.id);
        handlerNode.mayWrite.add(item.captureInto.id);
      }
    }
    if (finallyNode) {
      this.handlers.push(finallyNode);
      this.finallies.push(finallyNode);
    }
    if (handlerNode) this.handlers.push(handlerNode);
    const blockEnd = this.items(item.block, from);
    if (handlerNode) this.handlers.pop();
    if (finallyNode) {
      this.handlers.pop();
      this.finallies.pop();
    }
    if (handlerNode) this.link(handlerNode, finallyNode ?? after);
    this.link(blockEnd, finallyNode ?? after);
    if (finallyEnd) {
      // A finally block resumes whatever completion entered it.
      this.link(finallyEnd, after);
      this.exitTo(finallyEnd, 'throw');
      this.exitTo(finallyEnd, 'return');
      for (const target of this.targets) {
        this.link(finallyEnd, target.breakTo);
        if (target.continueTo) this.link(finallyEnd, target.continueTo);
      }
    }
    return after;
  }

  /** Edges of a jump that leaves `node`: to the handler, the finally blocks, or the exit. */
  private exitTo(node: CfgNode, kind: 'break' | 'return' | 'throw'): void {
    if (kind === 'break') return; // linked by the enclosing loop
    if (kind === 'throw') {
      this.link(node, this.handlers.at(-1) ?? this.exitNode);
      return;
    }
    const finallyNode = this.finallies.at(-1);
    this.link(node, finallyNode ?? this.exitNode);
  }

  /** Jumps written in the original text of a statement, to targets outside it. */
  private originalJumps(node: CfgNode, range: readonly [number, number]): void {
    const [start, end] = range;
    for (const jump of this.jumps) {
      if (jump.node.start < start) continue;
      if (jump.node.start >= end) break;
      if (this.lowered.completionJumps.has(jump.node)) continue; // see CodeItem.completion
      const target = jump.target;
      if (target !== null && target.start >= start && target.end <= end) continue; // stays inside
      this.jumpEdges(node, jump);
    }
  }

  /** Edges of one jump leaving `node` (written, or carried out after a finally: CodeItem.carries). */
  private jumpEdges(node: CfgNode, jump: Jump): void {
    if (jump.kind === 'return' || jump.kind === 'throw') {
      this.exitTo(node, jump.kind);
      return;
    }
    const found = [...this.targets].reverse().find((t) =>
      jump.label !== null ? t.labels.includes(jump.label) : jump.kind === 'continue' ? t.loop : t.loop || t.node?.type === 'SwitchStatement',
    );
    if (!found) return;
    const to = jump.kind === 'continue' ? found.continueTo : found.breakTo;
    if (to) this.link(node, to);
    // A jump out through finally blocks also runs them.
    for (const f of this.finallies) this.link(node, f);
  }

  /** Reads and writes of values in some chunks. */
  private summarise(node: CfgNode, chunks: readonly Chunk[]): void {
    for (const chunk of chunks) {
      if (typeof chunk === 'string') continue;
      if (chunk.kind === 'ref') {
        if (chunk.read) node.reads.add(chunk.value.id);
        if (chunk.write) node.mayWrite.add(chunk.value.id);
        continue;
      }
      for (const ref of this.referencesIn(chunk.start, chunk.end)) {
        const value = this.valueOf.get(ref.binding);
        if (value === undefined) continue;
        if (this.lowered.boxed.has(ref.binding)) {
          node.reads.add(value.id); // reading or writing `x.v` reads the box
          continue;
        }
        if (ref.read || ref.nested) node.reads.add(value.id);
        if (ref.write && !ref.nested) node.mayWrite.add(value.id);
      }
      if (this.lowered.thisValue && countIn(this.thisNodes, chunk.start, chunk.end) > 0) node.reads.add(this.lowered.thisValue.id);
      if (this.lowered.argumentsValue && countIn(this.argumentsNodes, chunk.start, chunk.end) > 0) node.reads.add(this.lowered.argumentsValue.id);
      if (this.lowered.argumentsValue && countIn(this.argumentsWrites, chunk.start, chunk.end) > 0) node.mayWrite.add(this.lowered.argumentsValue.id);
    }
  }

  private referencesIn(start: number, end: number): Reference[] {
    const refs = this.references;
    let lo = 0;
    let hi = refs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (refs[mid]!.node.start < start) lo = mid + 1;
      else hi = mid;
    }
    const out: Reference[] = [];
    for (let i = lo; i < refs.length && refs[i]!.node.start < end; i++) out.push(refs[i]!);
    return out;
  }
}

function countIn(sorted: number[], start: number, end: number): number {
  let count = 0;
  for (const position of sorted) if (position >= start && position < end) count++;
  return count;
}
