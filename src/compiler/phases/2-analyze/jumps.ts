/**
 * Jumps of one function (break, continue, return, throw; not those of nested functions), each
 * with the statement it leaves to. The CFG uses them for statements kept as original text.
 */
import { childrenOf, isFunction, type Node } from '../../ast.js';

export interface Jump {
  readonly node: Node;
  readonly kind: 'break' | 'continue' | 'return' | 'throw';
  /** break/continue: the loop, switch or labelled statement targeted. */
  readonly target: Node | null;
  /** A labelled jump names its label. */
  readonly label: string | null;
}

const LOOP = /^(For|ForIn|ForOf|While|DoWhile)Statement$/;

export function findJumps(fn: Node): Jump[] {
  const jumps: Jump[] = [];
  const targets: { node: Node; labels: string[]; loop: boolean; breakable: boolean }[] = [];
  const visit = (node: Node, pendingLabels: string[]): void => {
    if (node !== fn && isFunction(node)) return;
    if (node.type === 'ClassBody') return;
    switch (node.type) {
      case 'BreakStatement':
      case 'ContinueStatement': {
        const label: string | null = node.label ? node.label.name : null;
        const kind = node.type === 'BreakStatement' ? 'break' : 'continue';
        let target: Node | null = null;
        for (let i = targets.length - 1; i >= 0; i--) {
          const t = targets[i]!;
          if (label !== null ? t.labels.includes(label) : kind === 'break' ? t.breakable : t.loop) {
            target = t.node;
            break;
          }
        }
        jumps.push({ node, kind, target, label });
        return;
      }
      case 'ReturnStatement':
        jumps.push({ node, kind: 'return', target: null, label: null });
        break;
      case 'ThrowStatement':
        jumps.push({ node, kind: 'throw', target: null, label: null });
        break;
      case 'LabeledStatement': {
        const labels = [...pendingLabels, node.label.name];
        if (LOOP.test(node.body.type)) {
          visit(node.body, labels);
          return;
        }
        targets.push({ node, labels, loop: false, breakable: false });
        visit(node.body, []);
        targets.pop();
        return;
      }
      default:
        break;
    }
    const loop = LOOP.test(node.type);
    const pushed = loop || node.type === 'SwitchStatement';
    if (pushed) targets.push({ node, labels: pendingLabels, loop, breakable: true });
    for (const child of childrenOf(node)) visit(child, []);
    if (pushed) targets.pop();
  };
  visit(fn.body, []);
  return jumps.sort((a, b) => a.node.start - b.node.start);
}
