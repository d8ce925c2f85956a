/**
 * Text printed first in the body of a function copied as written, after its directive prologue:
 * the faces of the async declarations it holds, the entry of a native twin (before-run.ts). One
 * rewrite per body prints them all, in the order they were added.
 */
import { directivePrologue, type Node } from '../../ast.js';
import type { Emit, Rewrites } from './rewrites.js';
import type { Output } from './output.js';

export class Prologues {
  private readonly byFunction = new Map<Node, Emit[]>();

  private readonly rewrites: Rewrites;
  private readonly output: Output;
  constructor(rewrites: Rewrites, output: Output) {
    this.rewrites = rewrites;
    this.output = output;
  }

  add(fn: Node, emit: Emit): void {
    this.listOf(fn).push(emit);
  }

  /** Before everything added so far. */
  addFirst(fn: Node, emit: Emit): void {
    this.listOf(fn).unshift(emit);
  }

  private listOf(fn: Node): Emit[] {
    const known = this.byFunction.get(fn);
    if (known !== undefined) return known;
    const list: Emit[] = [];
    this.byFunction.set(fn, list);
    const body: Node = fn.body;
    const printAll = (): void => {
      for (const each of list) each();
    };
    const last: Node | undefined = directivePrologue(body.body).at(-1);
    if (last !== undefined) {
      this.rewrites.add(last, () => {
        this.rewrites.copy(last.start, last.end);
        // A directive may lack its semicolon.
        this.output.gen(';');
        printAll();
      });
    } else {
      this.rewrites.addRange(body.start, body.start + 1, () => {
        this.output.gen('{', body.start);
        printAll();
      });
    }
    return list;
  }
}
