/**
 * Bindings of one compiled async function: what it declares, where each binding lives, every
 * reference to it (read, written, from a nested function or not), and the pseudo-bindings
 * `this` and `arguments`. The analyses and the lowering work on these bindings.
 */
import { childrenOf, isFunction, type Node } from '../../ast.js';
import { UnsupportedAt } from '../../errors.js';

export type BindingKind = 'param' | 'var' | 'let' | 'const' | 'class' | 'function' | 'catch' | 'this' | 'arguments';

export interface Binding {
  readonly id: number;
  readonly name: string;
  readonly kind: BindingKind;
  /** The node whose scope declares it: the function, a block, a loop, a catch clause, a switch. */
  readonly scope: Node;
  /** Every reference in source order. */
  readonly refs: Reference[];
  /** Referenced from a nested function. */
  captured: boolean;
  /** Written anywhere other than by its declaration (or for-loop head update). */
  reassigned: boolean;
}

export interface Reference {
  readonly binding: Binding;
  readonly node: Node;
  readonly read: boolean;
  readonly write: boolean;
  /** `let x;` without initialiser: the binding is (re)set to undefined, its default. */
  readonly toDefault: boolean;
  /** Inside a nested function. */
  readonly nested: boolean;
}

export interface FunctionScope {
  readonly fn: Node;
  readonly bindings: Binding[];
  /** Identifier node -> its reference (only references to this function's bindings). */
  readonly referenceAt: Map<Node, Reference>;
  /** `this` / `arguments` (or the enclosing ones, for arrows) as used by this function's body. */
  readonly thisBinding: Binding | null;
  readonly argumentsBinding: Binding | null;
  /** Nodes `this` and `arguments` identifiers in this function and its nested arrows. */
  readonly thisNodes: Node[];
  readonly argumentsNodes: Node[];
  /** The `arguments` identifiers among argumentsNodes that are written (sloppy mode: `arguments = x`). */
  readonly argumentsWrites: Node[];
  /** A named function expression: the identifiers in its body that write to its own name (not shadowed). */
  readonly selfNameWrites: Node[];
  /** Uses of `super` / `new.target` in the body (for diagnostics). */
  readonly superNodes: Node[];
  readonly newTargetNodes: Node[];
  /**
   * What makes the function be left native, with the warning to give: a direct `eval(...)` call
   * or a `with` statement (its scope is dynamic), or a labelled function declaration (sloppy
   * mode, Annex B.3.2), which the lowering does not hoist.
   */
  readonly leftNative: { readonly node: Node; readonly why: string } | null;
  /**
   * Sloppy mode (Annex B.3.3): a function declaration in a block (a switch, an `if` clause), with
   * the function-level variable that its evaluation copies the block's function to.
   */
  readonly annexB: ReadonlyMap<Node, Binding>;
  /**
   * Where the parameters have expressions, the body's variables are bindings of their own: a `var`
   * of the body named like a parameter, with that parameter, whose value it starts with.
   */
  readonly parameterCopies: ReadonlyMap<Binding, Binding>;
}

class Scope {
  readonly names = new Map<string, Binding>();
  readonly node: Node;
  readonly parent: Scope | null;
  readonly depth: number;
  constructor(node: Node, parent: Scope | null, depth: number) {
    this.node = node;
    this.parent = parent;
    this.depth = depth;}
  lookup(name: string): Binding | undefined {
    for (let scope: Scope | null = this; scope !== null; scope = scope.parent) {
      const found = scope.names.get(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}

const NOT_A_BINDING = Symbol('shadowed');

/**
 * The identifiers in the expression `node` that refer to a variable `name` declared around it:
 * not those that a declaration inside `node` shadows (a function's parameter or name, a class's
 * name, a declaration in a function body or block, a catch parameter). Resolved by this
 * analysis, as the body of an arrow with the one parameter `name`.
 */
export function referencesTo(node: Node, name: string): Node[] {
  const declared: Node = { type: 'Identifier', name, start: node.start, end: node.start };
  const { bindings } = analyzeScope({ type: 'ArrowFunctionExpression', params: [declared], body: node, start: node.start, end: node.end });
  return bindings[0]!.refs.filter((r) => r.node !== declared).map((r) => r.node);
}

/** `strict`: the function is strict code (no Annex B function hoisting). */
export function analyzeScope(fn: Node, strict = true): FunctionScope {
  const bindings: Binding[] = [];
  const annexB = new Map<Node, Binding>();
  const parameterCopies = new Map<Binding, Binding>();
  const referenceAt = new Map<Node, Reference>();
  const thisNodes: Node[] = [];
  const argumentsNodes: Node[] = [];
  const argumentsWrites: Node[] = [];
  const selfNameWrites: Node[] = [];
  const superNodes: Node[] = [];
  const newTargetNodes: Node[] = [];
  let leftNative: { node: Node; why: string } | null = null;
  /** The first reason found stands. */
  const leaveNative = (node: Node, why: string): void => {
    leftNative ??= { node, why };
  };
  const dynamicScope = 'direct eval or `with` inside an async function';
  const isArrow = fn.type === 'ArrowFunctionExpression';
  let thisBinding: Binding | null = null;
  let argumentsBinding: Binding | null = null;

  const declare = (scope: Scope, name: string, kind: BindingKind, depth: number): void => {
    if (depth > 0) {
      // A nested function's own binding: it only shadows.
      scope.names.set(name, NOT_A_BINDING as unknown as Binding);
      return;
    }
    if (scope.names.has(name)) return; // `var x; var x;` or a var re-declaring a parameter
    const binding: Binding = { id: bindings.length, name, kind, scope: scope.node, refs: [], captured: false, reassigned: false };
    bindings.push(binding);
    scope.names.set(name, binding);
  };

  const reference = (scope: Scope, id: Node, read: boolean, write: boolean, depth: number, toDefault = false): void => {
    const binding = scope.lookup(id.name);
    if (binding === undefined && id.name === 'arguments' && (depth === 0 || arrowChainToRoot(scope))) {
      // Reads are found by visitExpr; writes (sloppy mode) come here.
      if (!argumentsNodes.includes(id)) argumentsNodes.push(id);
      if (write) argumentsWrites.push(id);
      return;
    }
    if (binding === undefined && write && fn.type === 'FunctionExpression' && fn.id && id.name === fn.id.name) selfNameWrites.push(id);
    if (binding === undefined || (binding as unknown) === NOT_A_BINDING) return;
    const ref: Reference = { binding, node: id, read, write, toDefault, nested: depth > 0 };
    binding.refs.push(ref);
    referenceAt.set(id, ref);
    if (depth > 0) binding.captured = true;
  };

  // ---- declarations (hoisting) ----
  /** `var` declarations and (for the function body) function declarations, hoisted to `scope`. */
  const hoistVars = (node: Node, scope: Scope, depth: number): void => {
    const visit = (n: Node): void => {
      if (isFunction(n)) return;
      if (n.type === 'VariableDeclaration' && n.kind === 'var') {
        for (const d of n.declarations) for (const id of identifiersOf(d.id)) declare(scope, id.name, 'var', depth);
      }
      if (n.type === 'ClassDeclaration' || n.type === 'ClassExpression') {
        // Class bodies hold no var declarations, but computed keys may hold functions: skip.
        return;
      }
      for (const child of childrenOf(n)) visit(child);
    };
    visit(node);
  };

  /** let/const/class/function declared directly in a statement list. */
  const hoistLexical = (statements: Node[], scope: Scope, depth: number): void => {
    for (const s of statements) {
      const stmt = s.type === 'ExportNamedDeclaration' && s.declaration ? s.declaration : s;
      if (stmt.type === 'VariableDeclaration' && stmt.kind !== 'var') {
        for (const d of stmt.declarations) for (const id of identifiersOf(d.id)) declare(scope, id.name, stmt.kind === 'const' ? 'const' : 'let', depth);
      } else if (stmt.type === 'ClassDeclaration' && stmt.id) {
        declare(scope, stmt.id.name, 'class', depth);
      } else if (stmt.type === 'FunctionDeclaration' && stmt.id) {
        declare(scope, stmt.id.name, 'function', depth);
      }
    }
  };

  // ---- references ----
  const visitPattern = (pattern: Node, scope: Scope, depth: number, toDefault: boolean): void => {
    switch (pattern.type) {
      case 'Identifier':
        reference(scope, pattern, false, true, depth, toDefault);
        break;
      case 'ObjectPattern':
        for (const p of pattern.properties) {
          if (p.type === 'RestElement') visitPattern(p.argument, scope, depth, false);
          else {
            if (p.computed) visitExpr(p.key, scope, depth);
            visitPattern(p.value, scope, depth, false);
          }
        }
        break;
      case 'ArrayPattern':
        for (const e of pattern.elements) if (e) visitPattern(e, scope, depth, false);
        break;
      case 'AssignmentPattern':
        visitPattern(pattern.left, scope, depth, false);
        visitExpr(pattern.right, scope, depth);
        break;
      case 'RestElement':
        visitPattern(pattern.argument, scope, depth, false);
        break;
      default:
        visitExpr(pattern, scope, depth); // member expression target
    }
  };

  const visitFunction = (f: Node, scope: Scope, depth: number): void => {
    const inner = new Scope(f, scope, depth);
    if (f.type === 'FunctionExpression' && f.id) inner.names.set(f.id.name, NOT_A_BINDING as unknown as Binding);
    const paramScope = inner;
    for (const p of f.params) for (const id of identifiersOf(p)) declare(paramScope, id.name, 'param', depth);
    if (f.type !== 'ArrowFunctionExpression' && depth > 0) inner.names.set('arguments', NOT_A_BINDING as unknown as Binding);
    for (const p of f.params) visitPattern(p, paramScope, depth, false);
    if (f.body.type === 'BlockStatement') {
      hoistVars(f.body, inner, depth);
      hoistLexical(f.body.body, inner, depth);
      for (const s of f.body.body) visitStmt(s, inner, depth);
    } else {
      visitExpr(f.body, inner, depth);
    }
  };

  const visitExpr = (node: Node, scope: Scope, depth: number): void => {
    switch (node.type) {
      case 'Identifier':
        if (node.name === 'arguments' && scope.lookup('arguments') === undefined) {
          if (depth === 0 || arrowChainToRoot(scope)) argumentsNodes.push(node);
          return;
        }
        reference(scope, node, true, false, depth);
        return;
      case 'ThisExpression':
        if (depth === 0 || arrowChainToRoot(scope)) thisNodes.push(node);
        return;
      case 'Super':
        if (depth === 0 || arrowChainToRoot(scope)) superNodes.push(node);
        return;
      case 'MetaProperty':
        if (node.meta.name === 'new' && (depth === 0 || arrowChainToRoot(scope))) newTargetNodes.push(node);
        return;
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        visitFunction(node, scope, depth + 1);
        return;
      case 'ClassExpression':
      case 'ClassDeclaration':
        visitClass(node, scope, depth);
        return;
      case 'MemberExpression':
        visitExpr(node.object, scope, depth);
        if (node.computed) visitExpr(node.property, scope, depth);
        return;
      case 'Property':
        if (node.computed) visitExpr(node.key, scope, depth);
        visitExpr(node.value, scope, depth);
        return;
      case 'AssignmentExpression':
        if (node.left.type === 'Identifier') {
          reference(scope, node.left, node.operator !== '=', true, depth);
        } else {
          visitPattern(node.left, scope, depth, false);
        }
        visitExpr(node.right, scope, depth);
        return;
      case 'UpdateExpression':
        if (node.argument.type === 'Identifier') reference(scope, node.argument, true, true, depth);
        else visitExpr(node.argument, scope, depth);
        return;
      case 'CallExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'eval' && depth === 0) leaveNative(node, dynamicScope);
        for (const child of childrenOf(node)) visitExpr(child, scope, depth);
        return;
      case 'ObjectPattern':
      case 'ArrayPattern':
        visitPattern(node, scope, depth, false);
        return;
      default:
        for (const child of childrenOf(node)) visitExpr(child, scope, depth);
    }
  };

  const visitClass = (node: Node, scope: Scope, depth: number): void => {
    if (node.type === 'ClassDeclaration' && node.id) reference(scope, node.id, false, true, depth);
    const inner = new Scope(node, scope, depth);
    if (node.id) inner.names.set(node.id.name, NOT_A_BINDING as unknown as Binding);
    // The heritage is evaluated in the class's scope, where its name is its own binding.
    if (node.superClass) visitExpr(node.superClass, inner, depth);
    for (const element of node.body.body) {
      if (element.computed) visitExpr(element.key, inner, depth);
      if (element.type === 'MethodDefinition') visitFunction(element.value, inner, depth + 1);
      else if (element.type === 'PropertyDefinition' || element.type === 'AccessorProperty') {
        // Field initialisers run as methods: their `this` is the instance.
        if (element.value) visitMethodLike(element.value, inner, depth);
      } else if (element.type === 'StaticBlock') {
        const block = new Scope(element, inner, depth + 1);
        hoistVars(element, block, depth + 1);
        hoistLexical(element.body, block, depth + 1);
        for (const s of element.body) visitStmt(s, block, depth + 1);
      }
    }
  };

  const visitMethodLike = (expr: Node, scope: Scope, depth: number): void => {
    const inner = new Scope(expr, scope, depth + 1);
    inner.names.set('arguments', NOT_A_BINDING as unknown as Binding);
    visitExpr(expr, inner, depth + 1);
  };

  /** Is every function between `scope` and the compiled function an arrow? */
  const arrowChainToRoot = (scope: Scope): boolean => {
    for (let s: Scope | null = scope; s !== null; s = s.parent) {
      if (s.node === fn) return true;
      if (isFunction(s.node) && s.node.type !== 'ArrowFunctionExpression') return false;
      if (s.node.type === 'StaticBlock' || s.node.type === 'ClassBody') return false;
      if (s.parent && (s.parent.node.type === 'ClassDeclaration' || s.parent.node.type === 'ClassExpression') && s.depth > s.parent.depth) return false;
    }
    return false;
  };

  const visitBlockLike = (statements: Node[], node: Node, scope: Scope, depth: number): void => {
    const inner = new Scope(node, scope, depth);
    hoistLexical(statements, inner, depth);
    for (const s of statements) visitStmt(s, inner, depth);
  };

  const visitDeclaration = (decl: Node, scope: Scope, depth: number): void => {
    for (const d of decl.declarations) {
      if (d.init) visitExpr(d.init, scope, depth);
      if (d.init || decl.kind === 'var') visitPattern(d.id, scope, depth, false);
      else visitPattern(d.id, scope, depth, true);
      if (!d.init && decl.kind === 'var') {
        // `var x;` writes nothing: its identifier is a reference that neither reads nor writes.
        for (const id of identifiersOf(d.id)) {
          const ref = referenceAt.get(id);
          if (ref) {
            const declarationOnly: Reference = { ...ref, write: false };
            ref.binding.refs[ref.binding.refs.indexOf(ref)] = declarationOnly;
            referenceAt.set(id, declarationOnly);
          }
        }
      }
    }
  };

  const visitStmt = (node: Node, scope: Scope, depth: number): void => {
    switch (node.type) {
      case 'BlockStatement':
        visitBlockLike(node.body, node, scope, depth);
        return;
      case 'StaticBlock':
        visitBlockLike(node.body, node, scope, depth);
        return;
      case 'VariableDeclaration':
        visitDeclaration(node, scope, depth);
        return;
      case 'FunctionDeclaration':
        if (node.id) reference(scope, node.id, false, true, depth);
        visitFunction(node, scope, depth + 1);
        return;
      case 'ClassDeclaration':
        visitClass(node, scope, depth);
        return;
      case 'ForStatement': {
        const inner = new Scope(node, scope, depth);
        if (node.init && node.init.type === 'VariableDeclaration' && node.init.kind !== 'var') hoistLexical([node.init], inner, depth);
        if (node.init) (node.init.type === 'VariableDeclaration' ? visitDeclaration(node.init, inner, depth) : visitExpr(node.init, inner, depth));
        if (node.test) visitExpr(node.test, inner, depth);
        if (node.update) visitExpr(node.update, inner, depth);
        visitStmt(node.body, inner, depth);
        return;
      }
      case 'ForInStatement':
      case 'ForOfStatement': {
        visitExpr(node.right, scope, depth);
        const inner = new Scope(node, scope, depth);
        if (node.left.type === 'VariableDeclaration') {
          if (node.left.kind !== 'var') hoistLexical([node.left], inner, depth);
          for (const d of node.left.declarations) visitPattern(d.id, inner, depth, false);
        } else {
          visitPattern(node.left, inner, depth, false);
        }
        visitStmt(node.body, inner, depth);
        return;
      }
      case 'SwitchStatement': {
        visitExpr(node.discriminant, scope, depth);
        const inner = new Scope(node, scope, depth);
        hoistLexical(node.cases.flatMap((c: Node) => c.consequent), inner, depth);
        for (const c of node.cases) {
          if (c.test) visitExpr(c.test, inner, depth);
          for (const s of c.consequent) visitStmt(s, inner, depth);
        }
        return;
      }
      case 'TryStatement':
        visitStmt(node.block, scope, depth);
        if (node.handler) {
          const inner = new Scope(node.handler, scope, depth);
          if (node.handler.param) {
            for (const id of identifiersOf(node.handler.param)) declare(inner, id.name, 'catch', depth);
            visitPattern(node.handler.param, inner, depth, false);
          }
          visitBlockLike(node.handler.body.body, node.handler.body, inner, depth);
        }
        if (node.finalizer) visitStmt(node.finalizer, scope, depth);
        return;
      case 'WithStatement':
        if (depth === 0) leaveNative(node, dynamicScope);
        visitExpr(node.object, scope, depth);
        visitStmt(node.body, scope, depth);
        return;
      case 'LabeledStatement':
        if (depth === 0 && node.body.type === 'FunctionDeclaration') leaveNative(node.body, 'a labelled function declaration inside an async function');
        visitStmt(node.body, scope, depth);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'EmptyStatement':
      case 'DebuggerStatement':
        return;
      case 'ExpressionStatement':
        visitExpr(node.expression, scope, depth);
        return;
      case 'IfStatement':
        visitExpr(node.test, scope, depth);
        // A function declaration as a clause (sloppy mode, Annex B.3.4) is in a block of its own.
        for (const clause of [node.consequent, node.alternate]) {
          if (clause?.type === 'FunctionDeclaration') visitBlockLike([clause], clause, scope, depth);
          else if (clause) visitStmt(clause, scope, depth);
        }
        return;
      case 'WhileStatement':
      case 'DoWhileStatement':
        visitExpr(node.test, scope, depth);
        visitStmt(node.body, scope, depth);
        return;
      case 'ReturnStatement':
      case 'ThrowStatement':
        if (node.argument) visitExpr(node.argument, scope, depth);
        return;
      default:
        if (node.type.startsWith('TS')) throw new UnsupportedAt(`TypeScript syntax ${node.type} left after type stripping`, node.start);
        for (const child of childrenOf(node)) visitExpr(child, scope, depth);
    }
  };

  const root = new Scope(fn, null, 0);
  if (!isArrow) {
    thisBinding = { id: -1, name: 'this', kind: 'this', scope: fn, refs: [], captured: false, reassigned: false };
    argumentsBinding = { id: -1, name: 'arguments', kind: 'arguments', scope: fn, refs: [], captured: false, reassigned: false };
  }
  // Parameters, then the body.
  for (const p of fn.params) for (const id of identifiersOf(p)) declare(root, id.name, 'param', 0);
  for (const p of fn.params) visitPattern(p, root, 0, false);
  if (fn.body.type === 'BlockStatement') {
    // The body's declarations are the parameters' bindings, but where the parameters have
    // expressions (defaults, computed keys): the body's variables are then bindings of their own,
    // which closures in the parameters do not see. A function declaration of the body named like
    // a parameter declared by a pattern is one of its own too: it replaces the parameter's value,
    // which the compiled function binds in its body (lower.ts), after the declaration is hoisted.
    const body = new Scope(fn, root, 0);
    const expressions = fn.params.some(hasExpressions);
    const patterned = new Set(fn.params.filter((p: Node) => p.type !== 'Identifier' && !(p.type === 'RestElement' && p.argument.type === 'Identifier')).flatMap((p: Node) => identifiersOf(p).map((id) => id.name)));
    const functions = new Set(fn.body.body.filter((s: Node) => s.type === 'FunctionDeclaration' && s.id).map((s: Node) => s.id.name));
    for (const [name, binding] of root.names) {
      if (!expressions && !(functions.has(name) && patterned.has(name))) body.names.set(name, binding);
    }
    hoistVars(fn.body, body, 0);
    hoistLexical(fn.body.body, body, 0);
    for (const [name, binding] of body.names) {
      const parameter = root.names.get(name);
      if (parameter !== undefined && parameter !== binding && binding.kind === 'var' && !functions.has(name)) parameterCopies.set(binding, parameter);
    }
    if (!strict) {
      for (const declaration of sloppyBlockFunctions(fn, root.names)) {
        declare(body, declaration.id.name, 'var', 0);
        annexB.set(declaration, body.names.get(declaration.id.name)!);
      }
    }
    for (const s of fn.body.body) visitStmt(s, body, 0);
  } else {
    visitExpr(fn.body, root, 0);
  }

  // A binding is reassigned when written more than once (its declaration, a parameter's
  // binding, a var's initialiser, an Annex B copy count once) or from a nested function.
  for (const b of bindings) {
    const writes = b.refs.filter((r) => r.write);
    const copies = [...annexB.values()].filter((target) => target === b).length;
    b.reassigned = writes.length + copies > 1 || writes.some((w) => w.nested);
  }

  return {
    fn,
    bindings,
    referenceAt,
    thisBinding: thisNodes.length > 0 ? thisBinding : null,
    argumentsBinding: argumentsNodes.length > 0 ? argumentsBinding : null,
    thisNodes,
    argumentsNodes,
    argumentsWrites,
    selfNameWrites,
    superNodes,
    newTargetNodes,
    leftNative,
    annexB,
    parameterCopies,
  };
}

/** The binding identifiers of a declaration target or pattern. */
export function identifiersOf(pattern: Node): Node[] {
  const out: Node[] = [];
  const visit = (p: Node): void => {
    switch (p.type) {
      case 'Identifier':
        out.push(p);
        break;
      case 'ObjectPattern':
        for (const property of p.properties) visit(property.type === 'RestElement' ? property.argument : property.value);
        break;
      case 'ArrayPattern':
        for (const element of p.elements) if (element) visit(element);
        break;
      case 'AssignmentPattern':
        visit(p.left);
        break;
      case 'RestElement':
        visit(p.argument);
        break;
      default:
        break; // member expressions in assignment patterns declare nothing
    }
  };
  visit(pattern);
  return out;
}

/** Does a parameter hold an expression (a default, a computed key)? */
function hasExpressions(pattern: Node): boolean {
  switch (pattern.type) {
    case 'AssignmentPattern':
      return true;
    case 'ObjectPattern':
      return pattern.properties.some((p: Node) => (p.type === 'RestElement' ? hasExpressions(p.argument) : p.computed || hasExpressions(p.value)));
    case 'ArrayPattern':
      return pattern.elements.some((e: Node | null) => e !== null && hasExpressions(e));
    case 'RestElement':
      return hasExpressions(pattern.argument);
    default:
      return false;
  }
}

/**
 * The function declarations in blocks and switches of a sloppy function that Annex B.3.3 also
 * copies to a function-level variable when they are evaluated, as V8 decides it: plain functions
 * (not async, not generators) whose name is not a parameter's, nor declared lexically (`let`,
 * `const`, `class`, a loop head, a catch pattern; not another such function) in a scope between
 * the block and the function.
 */
function sloppyBlockFunctions(fn: Node, parameters: ReadonlyMap<string, unknown>): Node[] {
  const found: Node[] = [];
  const lexical = (declarations: Node[]): Set<string> => {
    const names = new Set<string>();
    for (const d of declarations) {
      if (d.type === 'VariableDeclaration' && d.kind !== 'var') for (const v of d.declarations) for (const id of identifiersOf(v.id)) names.add(id.name);
      else if (d.type === 'ClassDeclaration' && d.id) names.add(d.id.name);
    }
    return names;
  };
  const visit = (node: Node, enclosing: Set<string>[]): void => {
    if (isFunction(node) || node.type === 'ClassDeclaration' || node.type === 'ClassExpression') return;
    let scopes = enclosing;
    const list: Node[] | null = node === fn.body ? null : node.type === 'BlockStatement' ? node.body : node.type === 'SwitchStatement' ? node.cases.flatMap((c: Node) => c.consequent)
      : node.type === 'IfStatement' ? [node.consequent, node.alternate].filter((c) => c?.type === 'FunctionDeclaration') : null;
    if (list !== null) {
      for (const s of list) {
        if (s.type !== 'FunctionDeclaration' || s.async || s.generator || !s.id) continue;
        if (!parameters.has(s.id.name) && !enclosing.some((names) => names.has(s.id.name))) found.push(s);
      }
      scopes = [...enclosing, lexical(list)];
    } else if (node.type === 'ForStatement' && node.init?.type === 'VariableDeclaration') {
      scopes = [...enclosing, lexical([node.init])];
    } else if ((node.type === 'ForInStatement' || node.type === 'ForOfStatement') && node.left.type === 'VariableDeclaration') {
      scopes = [...enclosing, lexical([node.left])];
    } else if (node.type === 'CatchClause' && node.param && node.param.type !== 'Identifier') {
      // (V8 declares a catch parameter that is an identifier like a `var`.)
      scopes = [...enclosing, new Set(identifiersOf(node.param).map((id) => id.name))];
    }
    for (const child of childrenOf(node)) visit(child, scopes);
  };
  visit(fn.body, [lexical(fn.body.body)]);
  return found;
}
