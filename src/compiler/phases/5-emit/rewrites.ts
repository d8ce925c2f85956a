/**
 * Nodes whose original text is replaced when it is copied: compiled functions, `this` and
 * `arguments` of functions that resume, `return` statements, and so on. Copying a range prints
 * the rewrites found inside it instead of their text, so that one mechanism serves statements
 * kept as written and statements built by the lowering.
 */
import type { Node } from '../../ast.js';
import type { Output } from './output.js';

export type Emit = () => void;

interface Rewrite {
  readonly start: number;
  readonly end: number;
  readonly emit: Emit;
}

export class Rewrites {
  private readonly list: Rewrite[] = [];
  private sorted = true;
  private readonly active = new Set<Rewrite>();

  private readonly output: Output;
  constructor(output: Output) {
    this.output = output;}

  add(node: Node, emit: Emit): void {
    this.addRange(node.start, node.end, emit);
  }

  addRange(start: number, end: number, emit: Emit): void {
    this.list.push({ start, end, emit });
    this.sorted = false;
  }

  /** Copies original text [start, end), printing rewrites that lie inside it. */
  copy(start: number, end: number): void {
    if (!this.sorted) {
      // Outer rewrites first when two start together.
      this.list.sort((a, b) => a.start - b.start || b.end - a.end);
      this.sorted = true;
    }
    let position = start;
    let index = this.firstAtOrAfter(position);
    while (index < this.list.length) {
      const rewrite = this.list[index]!;
      if (rewrite.start >= end) break;
      if (rewrite.end > end || this.active.has(rewrite) || rewrite.start < position) {
        index++;
        continue;
      }
      this.output.copy(position, rewrite.start);
      this.active.add(rewrite);
      rewrite.emit();
      this.active.delete(rewrite);
      position = rewrite.end;
      index = this.firstAtOrAfter(position);
    }
    this.output.copy(position, end);
  }

  private firstAtOrAfter(position: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid]!.start < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
