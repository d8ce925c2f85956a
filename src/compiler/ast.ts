/** The slice of ESTree (as produced by oxc-parser) that the compiler reads. */
export interface Node {
  type: string;
  start: number;
  end: number;
  // ESTree nodes are heterogeneous records; the compiler narrows by `type`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export interface Program extends Node {
  type: 'Program';
  body: Node[];
}

const SKIP = new Set(['type', 'start', 'end', 'range', 'loc']);

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}

/** Child nodes in source order. */
export function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  for (const key in node) {
    if (SKIP.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) out.push(item);
    } else if (isNode(value)) {
      out.push(value);
    }
  }
  // Shorthand properties share a range between key and value: keep one of them.
  if (node.type === 'Property' && node.shorthand) return [node.value as Node];
  out.sort((a, b) => a.start - b.start);
  return out;
}

/** The directive prologue of a function body or program: its leading string-literal statements. */
export function directivePrologue(statements: readonly Node[]): Node[] {
  const directives: Node[] = [];
  for (const statement of statements) {
    if (statement.type !== 'ExpressionStatement' || typeof statement.directive !== 'string') break;
    directives.push(statement);
  }
  return directives;
}

export function isFunction(node: Node): boolean {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/** A function or class definition that takes the name of what it is assigned to (IsAnonymousFunctionDefinition). */
export function isAnonymousFunction(node: Node): boolean {
  return node.type === 'ArrowFunctionExpression' || ((node.type === 'FunctionExpression' || node.type === 'ClassExpression') && !node.id);
}

/** Visits every node below `root` (not `root` itself); `enter` returns false to skip a subtree. */
export function walk(root: Node, enter: (node: Node, parent: Node) => boolean | void): void {
  const stack: [Node, Node][] = [];
  for (const child of childrenOf(root).reverse()) stack.push([child, root]);
  while (stack.length > 0) {
    const [node, parent] = stack.pop()!;
    if (enter(node, parent) === false) continue;
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, node]);
  }
}

/** Does `node` contain an `await` of its own function (not of a nested function)? */
export function containsAwait(node: Node): boolean {
  if (node.type === 'AwaitExpression') return true;
  if (node.type === 'ForOfStatement' && node.await) return true;
  let found = false;
  walk(node, (child) => {
    if (found || isFunction(child)) return false;
    if (child.type === 'AwaitExpression' || (child.type === 'ForOfStatement' && child.await)) {
      found = true;
      return false;
    }
    return true;
  });
  return found;
}
