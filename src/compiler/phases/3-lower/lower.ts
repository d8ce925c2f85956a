/**
 * Phase 3: lowers the body of one async function to the IR (ir.ts).
 *
 * Every await becomes a Site with a state number (1..N, in source order). An expression that
 * awaits is split into the statements that run before each await, with every value computed
 * before an await and used after it spilled to a temp, so that JavaScript's left-to-right order
 * is kept. Statements without awaits stay original text. Unsupported constructs raise
 * UnsupportedAt naming them.
 */
import { childrenOf, isAnonymousFunction, isFunction, type Node } from '../../ast.js';
import { UnsupportedAt } from '../../errors.js';
import { type Binding, type FunctionScope, identifiersOf, referencesTo } from '../2-analyze/scope.js';
import { findJumps, type Jump } from '../2-analyze/jumps.js';
import type { Names } from '../../names.js';
import {
  type BlockItem,
  type CallOperand,
  type Chunk,
  type CodeItem,
  type DeclItem,
  type FinallyCompletion,
  type ForeverItem,
  type IfItem,
  type Item,
  type LoweredFunction,
  named,
  NO_STATES,
  type SiteItem,
  spanOf,
  type TryItem,
  type Value,
} from './ir.js';

export interface LowerContext {
  readonly text: string;
  readonly names: Names;
  /** Registers `continue` statements to emit as `break label` (do-while with an awaiting test). */
  readonly continueAsBreak: Map<Node, string>;
  /** The function is strict code (a module, a class, "use strict"). */
  readonly strict: boolean;
}

const copy = (node: Node): Chunk => ({ kind: 'copy', start: node.start, end: node.end });
const copyRange = (start: number, end: number): Chunk => ({ kind: 'copy', start, end });
type Keyword = 'let' | 'const' | 'var';
const read = (value: Value): Chunk => ({ kind: 'ref', value, read: true, write: false });
const write = (value: Value): Chunk => ({ kind: 'ref', value, read: false, write: true });

function code(chunks: Chunk[], mustWrite: Value[] = [], range: readonly [number, number] | null = null, hoisted = false, exits: CodeItem['exits'] = []): CodeItem {
  return { kind: 'code', chunks, mustWrite, hoisted, range, exits, completion: null, carries: null, ...NO_STATES };
}

function exit(kind: 'break' | 'return' | 'throw', chunks: Chunk[]): CodeItem {
  return code(chunks, [], null, false, [kind]);
}

export function lowerFunction(fn: Node, scope: FunctionScope, context: LowerContext): LoweredFunction {
  return new Lowering(fn, scope, context).run();
}

class Lowering {
  private readonly values: Value[] = [];
  private readonly valueOfBinding = new Map<Binding, Value>();
  private readonly states: SiteItem[] = [];
  private readonly awaiting = new Set<Node>();
  private readonly awaitPositions: number[] = [];
  private readonly scratch = new Set<string>();
  private tryDepth = 0;
  private readonly thisValue: Value | null;
  private readonly argumentsValue: Value | null;

  private readonly fn: Node;
  private readonly scope: FunctionScope;
  private readonly context: LowerContext;
  constructor(fn: Node, scope: FunctionScope, context: LowerContext) {
    this.fn = fn;
    this.scope = scope;
    this.context = context;
    this.markAwaits();
    this.jumps = findJumps(fn);
    const stateful = this.awaiting.size > 0;
    if (stateful) this.renameShadowed();
    this.thisValue = stateful && scope.thisBinding ? this.newValue(context.names.this, 'function', scope.thisBinding) : null;
    this.argumentsValue = stateful && scope.argumentsBinding ? this.newValue(context.names.arguments, 'function', scope.argumentsBinding) : null;
  }

  // ---------------------------------------------------------------- values

  private newValue(name: string, home: 'function' | 'block', binding: Binding | null): Value {
    const value: Value = { id: this.values.length, name, home, binding };
    this.values.push(value);
    return value;
  }

  private temp(): Value {
    return this.newValue(this.context.names.temp(), 'function', null);
  }

  valueOf(binding: Binding): Value {
    let value = this.valueOfBinding.get(binding);
    if (value === undefined) {
      const functionLevel = binding.kind === 'param' || binding.kind === 'var' || (binding.kind === 'function' && binding.scope === this.fn);
      value = this.newValue(this.renamed.get(binding) ?? binding.name, functionLevel ? 'function' : 'block', binding);
      this.valueOfBinding.set(binding, value);
    }
    return value;
  }

  private readonly finallyStack: FinallyCompletion[] = [];
  private readonly completionJumps = new Map<Node, FinallyCompletion>();
  private readonly clauseBindings = new Map<Value, { selector: Value; clause: number }>();
  private readonly jumps: Jump[];

  private readonly renamed = new Map<Binding, string>();
  /** Variables kept in a box `{ v }` (see checkSupported). */
  private readonly boxed = new Set<Binding>();
  /**
   * Boxed `let`/`const` that a closure captures before their declaration: the box is made on entry
   * to their block and the declaration fills it; the variable itself, under this name, stays in
   * its dead zone until then, and the box reads it while it is empty (so that it throws as natively).
   */
  private readonly boxedOnEntry = new Map<Binding, string>();
  /** Boxed `let` variables of a `for` head: each iteration gets a box of its own (see forLoop). */
  private readonly perIteration = new Set<Binding>();
  /** Boxed `var` variables that a function declaration of the function body declares too. */
  private readonly functionVars = new Set<Binding>();
  /** `let`/`const` patterns lowered into steps although they do not await (see findSteppedPatterns). */
  private readonly stepped = new Set<Node>();
  private readonly renames = new Map<Node, string>();
  /** Renamed class declarations, with the new name (see keepClassNames). */
  private readonly renamedClasses = new Map<Node, string>();

  /**
   * Bindings that share a name with another binding of this function get a name of their own:
   * code that saves a value at a suspension point must not find it shadowed there.
   */
  private renameShadowed(): void {
    const shorthand = shorthandValues(this.fn, (pattern) => this.awaits(pattern));
    const byName = new Map<string, Binding[]>();
    for (const binding of this.scope.bindings) byName.set(binding.name, [...(byName.get(binding.name) ?? []), binding]);
    // One binding of each name keeps it: the first, unless it is block-scoped and another one can
    // be read in its dead zone before its declaration (V8's error then names the binding as written),
    // directly or by a closure created before it.
    // (A catch parameter is in its dead zone while its pattern binds it.)
    const blockScoped = (b: Binding): boolean => b.kind === 'let' || b.kind === 'const' || b.kind === 'class' || b.kind === 'catch';
    // A `switch` case's binding is also read in its dead zone from a later case, entered directly.
    const earlyRead = (b: Binding): boolean => {
      const declaration = b.refs.find((r) => r.write && !r.nested);
      if (!blockScoped(b) || declaration === undefined) return false;
      const clause = (r: { node: Node }): number => (b.scope.type === 'SwitchStatement' ? b.scope.cases.findIndex((c: Node) => c.start <= r.node.start && r.node.end <= c.end) : -1);
      return b.refs.some((r) => r.node.start < declaration.node.start || clause(r) !== clause(declaration));
    };
    // Several such bindings keep the name together when no code in the scope of one saves or
    // restores another's value: each in a scope of its own (a block, a loop head, a catch clause, a
    // switch), none inside another; or one in a block
    // inside the other's scope, where the other is dead (referenced only before the block, and no
    // loop that awaits around the block within its scope).
    const within = (inner: Node, outer: Node): boolean => outer.start <= inner.start && inner.end <= outer.end;
    const loops = [...this.awaiting].filter((n) => /^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(n.type));
    const together = (x: Binding, y: Binding): boolean => {
      const [outer, inner] = within(y.scope, x.scope) ? [x, y] : within(x.scope, y.scope) ? [y, x] : [null, null];
      if (outer === null || inner === null) return true;
      if (inner.scope.type !== 'BlockStatement' || inner.scope === outer.scope) return false;
      // A block with no await in it holds no suspension or resumption: nothing in it saves or
      // restores the outer binding.
      if (!this.awaiting.has(inner.scope)) return true;
      // (A loop that is the outer binding's own scope, a loop head, makes a new one each iteration.)
      return outer.refs.every((r) => r.node.end <= inner.scope.start) && !loops.some((l) => within(inner.scope, l) && within(l, outer.scope) && l !== outer.scope);
    };
    for (const group of byName.values()) {
      if (group.length < 2) continue;
      const early = group.filter(earlyRead);
      const compatible = early.every((x) => early.every((y) => x === y || together(x, y)));
      // A parameter that a binding of the body shadows (scope.ts) is renamed rather than it: a
      // function declaration of the body keeps its name (see items.ts, nameResets).
      const first = group.find((b) => b.kind !== 'param' && b.scope === this.fn) ?? group[0]!;
      const keepers = early.length > 0 && compatible && (early.includes(first) || blockScoped(first)) ? early : [first];
      for (const binding of group) if (!keepers.includes(binding)) this.rename(binding, shorthand);
    }
  }

  private rename(binding: Binding, shorthand: Set<Node>): void {
    const name = this.context.names.renamed(binding.name);
    this.renamed.set(binding, name);
    for (const ref of binding.refs) this.renames.set(ref.node, shorthand.has(ref.node) ? `${binding.name}: ${name}` : name);
  }

  // ---------------------------------------------------------------- await bookkeeping

  private markAwaits(): void {
    const path: Node[] = [];
    const visit = (node: Node): void => {
      if (node !== this.fn && isFunction(node)) return;
      if (node.type === 'ClassBody') {
        // Class members are functions of their own; computed keys are evaluated by the class.
        path.push(node);
        for (const element of node.body) if (element.computed && element.key) visit(element.key);
        path.pop();
        return;
      }
      path.push(node);
      if (node.type === 'AwaitExpression' || (node.type === 'ForOfStatement' && node.await)) {
        for (const n of path) this.awaiting.add(n);
        this.awaitPositions.push(node.start);
      }
      for (const child of childrenOf(node)) visit(child);
      path.pop();
    };
    for (const p of this.fn.params) visit(p);
    visit(this.fn.body);
    this.awaiting.delete(this.fn);
  }

  private awaits(node: Node | null | undefined): boolean {
    return node != null && this.awaiting.has(node);
  }

  private unsupported(what: string, node: Node): never {
    throw new UnsupportedAt(`${what} is not supported yet by reawait`, node.start);
  }

  // ---------------------------------------------------------------- entry

  /** Where each binding's declaration completes (`const d = await x` initialises d after the await). */
  private initialisedAt(): Map<Binding, number> {
    const ends = statementEnds(this.fn);
    const inPatterns = loweredPatternInits(this.fn, (node) => this.awaits(node));
    const at = new Map<Binding, number>();
    for (const binding of this.scope.bindings) {
      const declaration = binding.refs.find((r) => r.write && !r.nested);
      // A box made on entry to the block is there from its start.
      if (this.boxedOnEntry.has(binding)) at.set(binding, binding.scope === this.fn ? this.fn.body.start : binding.scope.start);
      else if (declaration) at.set(binding, inPatterns.get(declaration.node) ?? ends.get(declaration.node) ?? declaration.node.start);
    }
    return at;
  }

  private get isArrow(): boolean {
    return this.fn.type === 'ArrowFunctionExpression';
  }

  run(): LoweredFunction {
    const fn = this.fn;
    const stateful = this.awaiting.size > 0;
    if (stateful) {
      this.checkSupported();
      this.lowerRewrittenDeclarations();
      this.findSteppedPatterns();
      this.keepClassNames();
    }
    const body: Item[] = [];
    // Parameters bound in the body, after the boxes (a default may read an earlier parameter's box).
    const bound: Item[] = [];
    const params: Chunk[] = [];
    const entryValues: Value[] = [];
    let length = 0;
    let counting = true;
    fn.params.forEach((param: Node, index: number) => {
      if (param.type === 'AssignmentPattern' || param.type === 'RestElement') counting = false;
      if (counting) length++;
      if (index > 0) params.push(', ');
      // A function that never suspends is never resumed: its parameters stay as written.
      if (!stateful || param.type === 'Identifier' || (param.type === 'RestElement' && param.argument.type === 'Identifier')) {
        params.push(copy(param));
        return;
      }
      // A pattern or a default: bound in the body, so that resuming (which passes no
      // arguments) does not evaluate it again.
      const incoming = this.context.names.param(index);
      params.push(param.type === 'RestElement' ? `...${incoming}` : incoming);
      const target = param.type === 'RestElement' ? param.argument : param;
      // The value is in a parameter of its own, which V8's messages would name.
      if (target.type === 'AssignmentPattern') {
        const source = target.left.type === 'ObjectPattern' ? DEFAULTED_PARAMETER_SOURCE : null;
        // A default that is an anonymous function takes the parameter's name (not in a conditional).
        const value = target.left.type === 'Identifier' && isAnonymousFunction(target.right) ? named(target.left.name, [copy(target.right)]) : [copy(target.right)];
        this.declare('var', target.left, [`${incoming} === undefined ? `, ...value, ` : ${incoming}`], bound, source, undefined, true);
      } else {
        this.declare('var', target, [incoming], bound, target.type === 'ObjectPattern' ? DESCRIBED_SOURCE : null, undefined, true);
      }
    });
    // A function declaration of the body is hoisted: its variable (a `var` too) holds it on entry.
    const hoisted = new Set(fn.body.type === 'BlockStatement' ? fn.body.body.filter((s: Node) => s.type === 'FunctionDeclaration' && s.id).map((s: Node) => this.scope.referenceAt.get(s.id)?.binding) : []);
    for (const binding of this.scope.bindings) {
      // Every binding is a value, so that the analyses see all of its reads and writes.
      const value = this.valueOf(binding);
      if (binding.kind === 'param' || hoisted.has(binding)) entryValues.push(value);
    }
    if (this.thisValue) entryValues.push(this.thisValue);
    if (this.argumentsValue) entryValues.push(this.argumentsValue);

    for (const param of fn.params) {
      // A parameter kept in the list is boxed in place; one bound in the body (a pattern, a
      // default) is boxed empty, like a `var`, and its binding assigns to the box.
      const kept = !stateful || param.type === 'Identifier' || (param.type === 'RestElement' && param.argument.type === 'Identifier');
      for (const id of identifiersOf(param)) {
        const ref = this.scope.referenceAt.get(id);
        if (!ref || !this.boxed.has(ref.binding)) continue;
        const value = this.valueOf(ref.binding);
        body.push(kept ? code([write(value), ' = { v: ', read(value), ' };'], [value]) : code(['var ', write(value), ' = { v: undefined };'], [value]));
      }
    }
    for (const binding of this.boxed) {
      // A boxed `var` is boxed on entry: closures created before its declarations share it too.
      if (binding.kind !== 'var') continue;
      const value = this.valueOf(binding);
      body.push(code(['var ', write(value), ' = { v: ', this.functionVars.has(binding) ? read(value) : 'undefined', ' };'], [value]));
    }
    body.push(...bound);
    if (stateful) {
      // A `var` of the body named like a parameter starts with its value (see scope.ts).
      for (const [variable, parameter] of this.scope.parameterCopies) body.push(this.assignBinding(variable, this.readBinding(parameter)));
      // An Annex B variable that nothing else declares (a boxed one is declared with its box).
      for (const variable of new Set(this.scope.annexB.values())) {
        if (variable.kind === 'var' && !this.boxed.has(variable)) body.push(code([`var ${this.valueOf(variable).name};`]));
      }
    }
    if (fn.body.type === 'BlockStatement') {
      body.push(...this.boxesOnEntry(fn.body.body), ...this.functionBoxes(fn.body.body));
      this.lowerList(fn.body.body, body);
    } else if (this.awaits(fn.body)) {
      const value = this.expr(fn.body, body);
      body.push(exit('return', ['return ', this.context.names.runtime('ret'), '(', ...value, ');']));
    } else {
      // Parenthesised: the body may be a comma expression.
      body.push(exit('return', ['return ', this.context.names.runtime('ret'), '((', copy(fn.body), '));']));
    }
    // Jumps that record a completion are emitted as such (function.ts), not as `break label`.
    for (const node of this.completionJumps.keys()) this.context.continueAsBreak.delete(node);
    return {
      node: fn,
      isArrow: fn.type === 'ArrowFunctionExpression',
      body,
      values: this.values,
      states: this.states,
      thisValue: this.thisValue,
      argumentsValue: this.argumentsValue,
      params,
      length,
      entryValues,
      scratch: [...this.scratch],
      renames: this.renames,
      completionJumps: this.completionJumps,
      clauseBindings: this.clauseBindings,
      boxed: this.boxed,
      namedValues: this.namedValues(),
      initialisedAt: this.initialisedAt(),
      // `super` needs the real receiver when the method resumes (see Continuation.self).
      resumesWithThis: stateful && !this.isArrow && this.scope.superNodes.length > 0,
    };
  }

  /**
   * A statement that declares a boxed `var` is lowered as if it awaited, so that its declarations
   * assign to the box (see declare): copied as written, `var x = 0` would replace the box itself.
   * So is one that declares a pattern whose initialiser is printed otherwise than written (a
   * renamed or boxed name in it), so that the value is checked with V8's messages (see declaration),
   * one that declares a renamed function or class, which must keep its name, and one that holds a
   * function declaration that Annex B copies to a function-level variable (see plainStatement).
   */
  private lowerRewrittenDeclarations(): void {
    const path: Node[] = [];
    const lower = (): void => {
      for (const statement of path) if (/Statement$|^SwitchCase$/.test(statement.type)) this.awaiting.add(statement);
    };
    const visit = (node: Node): void => {
      // A renamed function declaration gets its name back where it is hoisted (items.ts,
      // nameResets), a renamed class is declared as a class expression (see keepClassNames).
      if ((node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') && node !== this.fn && node.id && this.renames.has(node.id)) lower();
      if (this.scope.annexB.has(node)) lower();
      if ((node !== this.fn && isFunction(node)) || node.type === 'ClassBody') return;
      path.push(node);
      if (node.type === 'VariableDeclaration' && node.declarations.some((d: Node) =>
        (node.kind === 'var' && identifiersOf(d.id).some((id) => this.isBoxed(id))) || (d.id.type !== 'Identifier' && d.init && !this.namedAsWritten(d.init)))) {
        lower();
      }
      for (const child of childrenOf(node)) visit(child);
      path.pop();
    };
    visit(this.fn.body);
  }

  /**
   * A renamed class declaration keeps its own name, which the class takes and which its body
   * reads (the class's inner binding): it is printed `let <new name> = class <name> …` (a
   * statement that declares one is lowered, see lowerRewrittenDeclarations).
   */
  private keepClassNames(): void {
    const visit = (node: Node): void => {
      if ((node !== this.fn && isFunction(node)) || node.type === 'ClassBody') return;
      const name = node.type === 'ClassDeclaration' && node.id ? this.renames.get(node.id) : undefined;
      if (name !== undefined) {
        this.renames.delete(node.id);
        this.renamedClasses.set(node, name);
      }
      for (const child of childrenOf(node)) visit(child);
    };
    visit(this.fn.body);
  }

  /** The name a class declaration declares, as printed. */
  private classTarget(node: Node): Chunk {
    return this.renamedClasses.get(node) ?? copy(node.id);
  }

  /**
   * A `let`/`const` pattern that a resumption may pass is declared name by name, and its names
   * are destructured into once declared (items.ts: restoringDeclaration, patternInit). That is
   * wrong when a name can be touched before the pattern completes (inside its own declarator,
   * or by a closure created before its end: natively a dead-zone ReferenceError) or when a
   * `const` name is assigned (natively a TypeError): such a pattern is lowered into steps, each
   * name declared alone with its own keyword, in order.
   */
  private findSteppedPatterns(): void {
    const createdAt = closureCreation(this.fn);
    const visit = (node: Node): void => {
      if ((node !== this.fn && isFunction(node)) || node.type === 'ClassBody') return;
      // A catch clause's pattern too, declared with `let` (see tryStatement).
      const declarators: Node[] = node.type === 'VariableDeclaration' && node.kind !== 'var' ? node.declarations
        : node.type === 'CatchClause' && node.param ? [{ type: 'CatchParameter', id: node.param, start: node.param.start, end: node.param.end }] : [];
      for (const d of declarators) {
        if (d.id.type === 'Identifier') continue;
        const ids = identifiersOf(d.id);
        const bindings = ids.map((id) => this.scope.referenceAt.get(id)?.binding).filter((b) => b !== undefined);
        // Never passed by a resumption: the declaration stays as written.
        if (!bindings.some((b) => b.scope === this.fn || this.awaiting.has(b.scope))) continue;
        const early = (r: { node: Node; nested: boolean }): boolean =>
          (!ids.includes(r.node) && r.node.start >= d.start && r.node.end <= d.end) || (r.nested && (createdAt.get(r.node) ?? r.node.start) < d.end);
        if (bindings.some((b) => (node.kind === 'const' && b.reassigned) || b.refs.some(early))) this.stepped.add(d.id);
      }
      for (const child of childrenOf(node)) visit(child);
    };
    visit(this.fn.body);
  }

  /**
   * A closure keeps the bindings of the activation that created it, while a resumed activation
   * restores its own copies: a captured variable that can change once a closure may have seen it
   * (reassigned, or initialised after an await that follows the closure) lives in a box, which
   * the continuation saves like any value, so that the closure and every activation share it.
   * Only variables whose scope holds an await need it.
   */
  private checkSupported(): void {
    const loops: Node[] = [];
    for (const node of this.awaiting) if (/^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(node.type)) loops.push(node);
    const shorthand = shorthandValues(this.fn, (pattern) => this.awaits(pattern));
    const heads = new Map<Node, Node>();
    const declaredBy = declarationSites(this.fn, heads);
    const statementEnd = statementEnds(this.fn);
    const createdAt = closureCreation(this.fn);
    for (const binding of this.scope.bindings) {
      if (!binding.captured) continue;
      if (binding.scope !== this.fn && !this.awaiting.has(binding.scope)) continue; // no await while it lives
      // A for-in/of variable lives in the body only: an await in the iterable comes before it.
      if (/^For(In|Of)Statement$/.test(binding.scope.type) && !this.awaits(binding.scope.left) && !this.awaits(binding.scope.body)) continue;
      const declarations = binding.refs.filter((r) => declaredBy.has(r.node));
      const declaration = declarations[0];
      // A write takes effect when its statement has run (`const b = await p` writes after the await).
      // Assigning to a `const` throws before it writes: only its declaration changes it.
      const writeRefs = binding.refs.filter((r) => r.write && !r.nested && (binding.kind !== 'const' || declaredBy.has(r.node)));
      // A function declaration is hoisted: it writes on entry to its scope.
      const scopeStart = binding.scope === this.fn ? this.fn.body.start : binding.scope.start;
      const writes = writeRefs.map((r) => (declaredBy.get(r.node) === 'function declaration' ? scopeStart : statementEnd.get(r.node) ?? r.node.start));
      // A function declaration in a block, in sloppy mode, is copied to a function-level variable
      // where it is evaluated (Annex B).
      const copies = [...this.scope.annexB].filter(([, target]) => target === binding).map(([copied]) => copied.start);
      writes.push(...copies);
      const firstClosure = Math.min(...binding.refs.filter((r) => r.nested).map((r) => createdAt.get(r.node) ?? r.node.start));
      const changesAfterClosure = writes.some((w) => this.awaitPositions.some((a) => firstClosure < a && a < w));
      const varInLoop = (binding.kind === 'var' || binding.kind === 'param') && writes.some((w) => loops.some((l) => l.start <= w && w < l.end));
      // A `const` never changes otherwise (the copies agree; an assignment throws natively).
      const reassigned = binding.reassigned && binding.kind !== 'const';
      if (!reassigned && !changesAfterClosure && !varInLoop) continue;
      const closure = binding.refs.find((r) => r.nested)!;
      const head = declaration ? heads.get(declaration.node) : undefined;
      // A `var` or a parameter is boxed on entry to the function, a function declaration on entry
      // to its scope (see functionBoxes); a `let` or `const` by its declaration.
      const atEntry = binding.kind === 'var' || binding.kind === 'param' || binding.kind === 'function';
      // A closure created before the declaration, or inside its initialiser before an await there
      // (a catch parameter is in its dead zone until its pattern binds it, like a `let`).
      const lexical = binding.kind === 'let' || binding.kind === 'const' || binding.kind === 'class' || binding.kind === 'catch';
      const declared = declaration ? statementEnd.get(declaration.node) ?? declaration.node.start : 0;
      const early = declaration !== undefined && (firstClosure < declaration.node.start || (lexical && this.awaitPositions.some((a) => firstClosure < a && a < declared)));
      if (!atEntry && early) {
        // The box is made on entry to the scope, since a closure may see the variable before its
        // declaration: a block, the function body, a switch, the head of a loop (for-in/of: of
        // each iteration), a catch clause.
        this.boxedOnEntry.set(binding, this.renamed.get(binding) ?? binding.name);
        this.renamed.set(binding, this.context.names.renamed(binding.name));
      }
      const functionDeclared = declarations.some((r) => declaredBy.get(r.node) === 'function declaration');
      // A `var` in a loop head is assigned through its box: such a loop is lowered (forLoop, forInOf).
      const refused = declarations.find((r) => !BOXABLE.has(declaredBy.get(r.node)!));
      // (A variable that only Annex B declares has no declaration: it is boxed on entry like a `var`.)
      if (refused || (!declaration && copies.length === 0)) {
        const site = refused ? declaredBy.get(refused.node)! : binding.kind;
        throw new UnsupportedAt(
          `a closure that captures '${binding.name}' (a ${site} that changes after an await) is not supported yet by reawait`,
          closure.node.start,
        );
      }
      // A `var` that is also a function declaration starts from the function (see run).
      if (functionDeclared && binding.kind === 'var') this.functionVars.add(binding);
      // A `let` of a `for` head: a box per iteration (see forLoop).
      if (head?.type === 'ForStatement' && binding.kind === 'let') this.perIteration.add(binding);
      this.boxed.add(binding);
      const name = this.renamed.get(binding) ?? binding.name;
      for (const ref of binding.refs) {
        // Declarations name the variable itself (see declare); the parameter list keeps it too.
        if (declaredBy.has(ref.node)) continue;
        this.renames.set(ref.node, shorthand.has(ref.node) ? `${binding.name}: ${name}.v` : `${name}.v`);
      }
    }
  }

  /**
   * Anonymous functions and classes that an assignment (or an assignment pattern's default) gives
   * the name of a boxed variable, anywhere in the function or its closures (see LoweredFunction).
   * Declarations name theirs themselves (see declare, patternElement).
   */
  private namedValues(): Map<Node, string> {
    const found = new Map<Node, string>();
    if (this.boxed.size === 0) return found;
    const declaredBy = declarationSites(this.fn);
    const visit = (node: Node): void => {
      const target = node.type === 'AssignmentExpression' && ['=', '&&=', '||=', '??='].includes(node.operator) ? node.left : node.type === 'AssignmentPattern' ? node.left : null;
      if (target?.type === 'Identifier' && !declaredBy.has(target) && this.isBoxed(target) && isAnonymousFunction(node.right)) found.set(node.right, target.name);
      for (const child of childrenOf(node)) visit(child);
    };
    visit(this.fn.body);
    return found;
  }

  // ---------------------------------------------------------------- statements

  private lowerList(statements: Node[], out: Item[]): void {
    for (const statement of statements) this.statement(statement, out, []);
  }

  private lowerBlock(node: Node): Item[] {
    const items: Item[] = [];
    if (node.type === 'BlockStatement') {
      items.push(this.block(node.body));
    } else if (node.type === 'FunctionDeclaration') {
      // An `if` clause (sloppy mode, Annex B.3.4): in a block of its own.
      items.push(this.block([node]));
    } else {
      this.statement(node, items, []);
    }
    return items;
  }

  /**
   * The boxes made on entry to the block of `statements`, or to the scope of a `switch`, a `for`
   * head, an iteration of a for-in/of or for await loop or a catch clause, `scope` (see
   * boxedOnEntry). A switch's boxes are made before it, where its variables are out of reach: an
   * empty one throws native's ReferenceError itself. Once filled, the box of a `const` throws
   * native's TypeError when assigned.
   */
  private boxesOnEntry(statements: Node[], scope: Node | null = null): Item[] {
    const items: Item[] = [];
    for (const [binding, name] of this.boxedOnEntry) {
      const home = binding.scope === this.fn ? this.fn.body : binding.scope;
      if (scope !== null ? home !== scope : home.body !== statements) continue;
      const value = this.valueOf(binding);
      // A renamed variable would give its new name in V8's message: the box throws it itself.
      const box = this.deadZoneBox(binding.name, binding.scope.type === 'SwitchStatement' || name !== binding.name ? null : name, binding.kind === 'const');
      items.push({ kind: 'decl', keyword: 'const', target: [value.name], declared: [value], isPattern: false, init: [box], ...NO_STATES });
    }
    return items;
  }

  /**
   * A box made empty, before its variable `name` is initialised: `t` says whether it is. Until
   * then it reads and writes `variable`, the variable itself in its dead zone (which throws as
   * natively), or, where there is none in reach, throws native's ReferenceError itself. Once filled,
   * a `constant` one throws native's TypeError when assigned.
   */
  private deadZoneBox(name: string, variable: string | null, constant: boolean): string {
    const x = this.context.names.scratch('v');
    const dead = `throw new globalThis.ReferenceError(${JSON.stringify(`Cannot access '${name}' before initialization`)})`;
    const get = variable === null ? `if (this.t) return this.x; ${dead};` : `return this.t ? this.x : ${variable};`;
    const set = constant ? 'throw new globalThis.TypeError("Assignment to constant variable.")' : `this.x = ${x}`;
    return `{ t: false, x: undefined, get v() { ${get} }, set v(${x}) { if (this.t) ${set}; else ${variable === null ? dead : `${variable} = ${x}`}; } }`;
  }

  /**
   * The boxes of the boxed function declarations of a statement list (the function body, a
   * block) or of a switch, made from the hoisted function on entry. A switch has no place before
   * its first clause: every clause makes the box unless one before it did (a box is never a
   * function), or a resumption restored it.
   */
  private functionBoxes(scope: Node[] | Node): Item[] {
    const items: Item[] = [];
    for (const binding of this.boxed) {
      if (binding.kind !== 'function') continue;
      const home = binding.scope === this.fn ? this.fn.body : binding.scope;
      if (Array.isArray(scope) ? home.body !== scope : home !== scope) continue;
      const value = this.valueOf(binding);
      const box: Chunk[] = [write(value), ' = { v: ', read(value), ' };'];
      items.push(Array.isArray(scope) ? code(box, [value]) : code(['if (typeof ', read(value), ' === "function") ', ...box]));
    }
    return items;
  }

  private block(statements: Node[]): BlockItem {
    const items: Item[] = [...this.boxesOnEntry(statements), ...this.functionBoxes(statements)];
    this.lowerList(statements, items);
    const hoistedFunctions: Value[] = [];
    for (const s of statements) {
      if (s.type === 'FunctionDeclaration' && s.id) {
        const ref = this.scope.referenceAt.get(s.id);
        if (ref) hoistedFunctions.push(this.valueOf(ref.binding));
      }
    }
    return { kind: 'block', items, hoistedFunctions, ...spanOf(items) };
  }

  private statement(node: Node, out: Item[], labels: string[]): void {
    if (!this.awaits(node)) {
      this.plainStatement(node, out);
      return;
    }
    switch (node.type) {
      case 'ExpressionStatement':
        if (node.expression.type === 'AwaitExpression') this.site(node.expression, out, false);
        // Parenthesised: what the lowering leaves first may be an object literal, a function or a class
        // (`({ ...o, p: await x })`, `0, { p: await x }`).
        else out.push(code(['(', ...this.expr(node.expression, out), ');'], this.assignedBy(node, true)));
        return;
      case 'VariableDeclaration':
        this.declaration(node, out);
        return;
      case 'ReturnStatement':
        out.push(this.returnItem(this.expr(node.argument, out)));
        return;
      case 'ThrowStatement':
        out.push(exit('throw', ['throw ', ...this.expr(node.argument, out), ';']));
        return;
      case 'BlockStatement':
        out.push(this.block(node.body));
        return;
      case 'IfStatement': {
        const test = this.expr(node.test, out);
        out.push(this.ifItem(test, this.lowerBlock(node.consequent), node.alternate ? this.lowerBlock(node.alternate) : null));
        return;
      }
      case 'LabeledStatement': {
        const all = [...labels, node.label.name];
        if (/^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(node.body.type)) {
          this.statement(node.body, out, all);
          return;
        }
        const inner: Item[] = [];
        this.statement(node.body, inner, []);
        const body: Item = inner.length === 1 ? inner[0]! : blockOf(inner);
        let item: Item = body;
        for (const label of all.reverse()) item = { kind: 'labeled', node, label, body: item, lo: body.lo, hi: body.hi };
        out.push(item);
        return;
      }
      case 'WhileStatement':
        this.whileLoop(node, out, labels);
        return;
      case 'DoWhileStatement':
        this.doWhileLoop(node, out, labels);
        return;
      case 'ForStatement':
        this.forLoop(node, out, labels);
        return;
      case 'ForOfStatement':
      case 'ForInStatement':
        this.forInOf(node, out, labels);
        return;
      case 'SwitchStatement':
        this.switchStatement(node, out, labels);
        return;
      case 'TryStatement':
        this.tryStatement(node, out);
        return;
      case 'ClassDeclaration': {
        const ref = this.scope.referenceAt.get(node.id)!;
        const init = this.classWithAwaits(node, out);
        if (this.boxed.has(ref.binding)) {
          this.declare('let', node.id, init, out);
          return;
        }
        out.push({ kind: 'decl', keyword: 'let', target: [this.classTarget(node)], declared: [this.valueOf(ref.binding)], isPattern: false, init, ...NO_STATES });
        return;
      }
      default:
        this.unsupported(`await inside ${node.type}`, node);
    }
  }

  /** `return value`: a return, or, inside a `try` whose `finally` awaits, a recorded completion. */
  private returnItem(value: Chunk[]): CodeItem {
    const pending = this.finallyStack.at(-1);
    if (pending === undefined) return exit('return', ['return ', this.context.names.runtime('ret'), '(', ...value, ');']);
    return {
      ...code([write(pending.value), ' = ', ...value, '; ', write(pending.kind), ` = 2; break ${pending.label};`], [pending.value, pending.kind]),
      completion: { label: pending.label, also: [] },
    };
  }

  /** A statement without awaits: original text. Declarations become DeclItems (restored when resuming). */
  private plainStatement(node: Node, out: Item[]): void {
    if (node.type === 'VariableDeclaration') {
      this.declaration(node, out);
      return;
    }
    if (node.type === 'ClassDeclaration' && node.id) {
      const ref = this.scope.referenceAt.get(node.id)!;
      if (this.boxed.has(ref.binding)) {
        // Its box holds the class (a class expression of the same name).
        this.declare('let', node.id, [copy(node)], out);
        return;
      }
      const value = this.valueOf(ref.binding);
      out.push({ kind: 'decl', keyword: 'let', target: [this.classTarget(node)], declared: [value], isPattern: false, init: [copy(node)], ...NO_STATES });
      return;
    }
    if (node.type === 'FunctionDeclaration') {
      out.push(code([copy(node)], [], [node.start, node.end], true));
      // Annex B: evaluating it copies the block's function to a function-level variable, which
      // the engine would do under the block function's name, renamed (see renameShadowed).
      const target = this.scope.annexB.get(node);
      if (target !== undefined) out.push(this.assignBinding(target, this.readBinding(this.scope.referenceAt.get(node.id)!.binding)));
      return;
    }
    out.push(this.recordingCompletions(code([copy(node)], this.assignedBy(node), [node.start, node.end])));
  }

  /** Original text holding jumps that record a completion (see withPendingCompletion): they leave to its label. */
  private recordingCompletions(item: CodeItem): CodeItem {
    const pending = this.finallyStack.at(-1);
    const [start, end] = item.range!;
    if (pending && this.jumps.some((j) => this.completionJumps.get(j.node) === pending && j.node.start >= start && j.node.end <= end)) {
      return { ...item, completion: { label: pending.label, also: [pending.value, pending.kind] } };
    }
    return item;
  }

  /**
   * `x = ...;` certainly writes x (for liveness); other statements are summarised as may-writes.
   * Once lowered, `x += await y` is `x = old + value` too (logical assignments stay conditional).
   */
  private assignedBy(statement: Node, lowered = false): Value[] {
    const e = statement.type === 'ExpressionStatement' ? statement.expression : null;
    if (e?.type !== 'AssignmentExpression' || e.left.type !== 'Identifier') return [];
    const plain = e.operator === '=' || (lowered && !['&&=', '||=', '??='].includes(e.operator));
    if (!plain) return [];
    const ref = this.scope.referenceAt.get(e.left);
    return ref ? [this.valueOf(ref.binding)] : [];
  }

  private declaration(node: Node, out: Item[]): void {
    const keyword = node.kind as 'let' | 'const' | 'var';
    if (keyword !== 'let' && keyword !== 'const' && keyword !== 'var') this.unsupported(`'${node.kind}' declarations`, node);
    for (const d of node.declarations) {
      let init = d.init ? this.expr(d.init, out) : null;
      // Restored on resumption (`$s === 0 ? init : saved`), an anonymous class takes its name explicitly.
      const functionName = init !== null && d.id.type === 'Identifier' && isAnonymousFunction(d.init) ? d.id.name : undefined;
      if (functionName !== undefined && this.awaits(d.init)) init = named(functionName, init!);
      const source = d.init ? (d.id.type === 'ArrayPattern' ? iterableSource(this.context.text, d.init) : calleeText(this.context.text, d.init)) : null;
      // A pattern's value printed otherwise than written would be named so in V8's messages.
      const checked = d.init !== null && d.id.type !== 'Identifier' && !this.namedAsWritten(d.init);
      this.declare(keyword, d.id, init, out, source, functionName, checked);
    }
  }

  /**
   * Whether V8 names `node` in its messages as written once it is compiled (see calleeText): not
   * when it awaits, nor when a name in it is printed otherwise (renamed, boxed, `this` or `arguments`).
   */
  private namedAsWritten(node: Node): boolean {
    if (this.awaits(node)) return false;
    const names = this.context.names;
    const printed = (n: Node): string => {
      if (n.type === 'ThisExpression') return this.thisValue ? names.this : 'this';
      return this.renames.get(n) ?? (n.name === 'arguments' && this.argumentsValue ? names.arguments : n.name);
    };
    return calleeText(this.context.text, node, printed) === calleeText(this.context.text, node);
  }

  /**
   * Declares `target` with `init`. A pattern whose defaults or computed keys await is lowered
   * into steps (see destructure); `source` is how V8 names the value in its errors then, and
   * `checked`: a pattern left to the engine gets the checks whose messages name the value first
   * (`init` is not printed as written: a temp, or rewritten names).
   */
  private declare(keyword: Keyword, target: Node, init: Chunk[] | null, out: Item[], source: string | null = null, functionName?: string, checked = false): void {
    // Patterns that declare a boxed variable are lowered too, so that each name is declared alone.
    if (init !== null && target.type !== 'Identifier' && (this.awaits(target) || this.stepped.has(target) || identifiersOf(target).some((id) => this.isBoxed(id)))) {
      this.destructure(target, init, keyword, source, out);
      return;
    }
    if (checked && init !== null) init = this.checkedValue(target, init, keyword, source, out);
    const declared: Value[] = [];
    for (const id of identifiersOf(target)) {
      const ref = this.scope.referenceAt.get(id);
      if (ref) declared.push(this.valueOf(ref.binding));
    }
    const ref = target.type === 'Identifier' ? this.scope.referenceAt.get(target) : undefined;
    if (ref && this.boxed.has(ref.binding)) {
      const value = this.valueOf(ref.binding);
      const tdz = this.boxedOnEntry.get(ref.binding);
      if (tdz !== undefined) {
        // The box made on entry takes the value; the variable leaves its dead zone unused.
        out.push(code([read(value), '.x = ', ...(init ?? ['undefined']), '; ', read(value), '.t = true;']));
        out.push({ kind: 'decl', keyword: 'let', target: [tdz], declared: [], isPattern: false, init: null, ...NO_STATES });
        return;
      }
      if (ref.binding.kind === 'var' || ref.binding.kind === 'param') {
        // Boxed on entry to the function: the declaration assigns to the box (`var x;` does nothing).
        if (init !== null) out.push(code([read(value), '.v = ', ...init, ';']));
        return;
      }
      init = ['{ v: ', ...(init ?? ['undefined']), ' }'];
    }
    // A declared name is printed as the variable's name (not through the rewrites of its identifier).
    const printed: Chunk = ref ? this.valueOf(ref.binding).name : copy(target);
    // Restored on resumption, the declaration is printed as an assignment, whose message describes a value that is not iterable.
    const notIterable = target.type === 'ArrayPattern' && !checked && init !== null && source !== null ? `${source} is not iterable` : undefined;
    out.push({ kind: 'decl', keyword, target: [printed], declared, isPattern: target.type !== 'Identifier', init, functionName, notIterable, ...NO_STATES });
  }

  /**
   * A pattern whose defaults or computed keys await, lowered into simple steps in the order of
   * the specification: the source is read once; an object pattern checks it is not null or
   * undefined, then for each property evaluates a computed key (ToPropertyKey at once), the
   * target of an assignment (its object and key), gets the value, evaluates the default only
   * when the value is undefined, and binds it (nested patterns likewise); a rest copies the
   * remaining own enumerable properties. An array pattern steps the iterator lazily, element by
   * element (no `next` once it is done), and closes it (`return()`) when the pattern completes
   * before the iterator does, or when a step other than the iterator's own throws.
   * `keyword` declares the names (one declaration each, in order: a default sees the names
   * after it in their dead zone); null assigns. `source`: how V8 names the value in the
   * TypeError for null or undefined (top-level declarations only).
   */
  private destructure(pattern: Node, init: Chunk[], keyword: Keyword | null, source: string | null, out: Item[]): void {
    const only = init[0];
    const value = init.length === 1 && typeof only === 'object' && only.kind === 'ref' ? init : [read(this.spillChunks(init, out))];
    if (pattern.type === 'ObjectPattern') this.objectPattern(pattern, value, keyword, source, out);
    else this.arrayPattern(pattern, value, keyword, source, out);
  }

  /** Iterators of the array patterns being lowered, innermost last: a throw closes them all. */
  private readonly openIterators: Value[] = [];

  /**
   * Steps of a lowered pattern that may throw: inside the array patterns being lowered, they
   * run in a `try` that closes the iterators on a throw. Declarations stay outside it, in the
   * enclosing block.
   */
  private guard(out: Item[], build: (into: Item[]) => void): void {
    if (this.openIterators.length === 0) {
      build(out);
      return;
    }
    const items: Item[] = [];
    this.tryDepth++;
    build(items);
    this.tryDepth--;
    if (items.length === 0) return;
    const close = [...this.openIterators].reverse().flatMap((it): Chunk[] => [`${this.context.names.runtime('closeOnThrow')}(`, read(it), '); ']);
    out.push({ kind: 'try', block: items, handlerCopy: null, captureInto: null, onThrow: close, finalizer: null, ...spanOf(items) });
  }

  /** RequireObjectCoercible of an object pattern's value, with V8's messages (which depend on the first property). */
  private requireCoercible(pattern: Node, value: Chunk[], source: string | null, out: Item[]): void {
    const first = pattern.properties[0];
    const named = first && first.type === 'Property' && !first.computed ? propertyKeyOf(first.key) : null;
    const destructuring = source !== null && !(named !== null && first.value.type === 'AssignmentPattern');
    // A parameter's value is described: 'object null' or 'undefined'.
    const described: Chunk[] = source === DESCRIBED_SOURCE ? ['"\'" + (', ...value, ' === null ? "object null" : "undefined") + "\'"'] : [JSON.stringify(`'${source}'`)];
    const prefix: Chunk[] = !destructuring ? ['"Cannot read properties of "'] : named === null ? ['"Cannot destructure " + ', ...described, ' + " as it is "'] : [JSON.stringify(`Cannot destructure property '${named}' of `), ' + ', ...described, ' + " as it is "'];
    const suffix = destructuring ? '.' : named === null ? '' : ` (reading '${named}')`;
    this.guard(out, (into) => into.push(exit('throw', ['if (', ...value, ' === null || ', ...value, ' === undefined) throw new globalThis.TypeError(', ...prefix, ' + ', ...value, ` + ${JSON.stringify(suffix)});`])));
  }

  /**
   * The value of a pattern that the engine destructures, printed otherwise than written (a loop
   * head's or a catch parameter's temp, an initialiser that awaits or whose names are renamed):
   * the checks whose V8 messages name the value are made first. An object pattern's value is
   * checked for null and undefined; a declared array pattern's iterator is got by the runtime
   * (`source`: see iterableSource) and handed to the engine (an assigned one's message describes
   * the value, as V8's does for the temp).
   */
  private checkedValue(pattern: Node, value: Chunk[], keyword: Keyword | null, source: string | null, out: Item[]): Chunk[] {
    if (pattern.type === 'ArrayPattern' && keyword !== null) {
      return [`${this.context.names.runtime('iterableOnce')}(`, ...value, `, ${source === null ? 'null' : JSON.stringify(`${source} is not iterable`)})`];
    }
    if (pattern.type !== 'ObjectPattern') return value;
    const checked = isRef(value) ? value : [read(this.spillChunks(value, out))];
    this.requireCoercible(pattern, checked, source, out);
    return checked;
  }

  private objectPattern(pattern: Node, value: Chunk[], keyword: Keyword | null, source: string | null, out: Item[]): void {
    const global = 'globalThis';
    this.requireCoercible(pattern, value, source, out);
    const keys: Chunk[][] = [];
    for (const property of pattern.properties) {
      if (property.type === 'RestElement') {
        const rest = this.temp();
        let reference: Chunk[] | null = null;
        this.guard(out, (into) => {
          reference = this.assignmentReference(property.argument, keyword, into);
          const [o, p, d] = ['o', 'p', 'd'].map((n) => this.scratchLocal(n));
          const excluded = keys.flatMap((key) => [` && ${p} !== `, ...key]);
          into.push(code([
            write(rest), ` = {}; ${o} = ${global}.Object(`, ...value, `); for (${p} of ${global}.Reflect.ownKeys(${o})) if (true`, ...excluded,
            `) { ${d} = ${global}.Reflect.getOwnPropertyDescriptor(${o}, ${p}); if (${d} !== undefined && ${d}.enumerable) ${global}.Reflect.defineProperty(`, read(rest),
            `, ${p}, { __proto__: null, value: ${o}[${p}], writable: true, enumerable: true, configurable: true }); }`,
          ], [rest]));
        });
        this.bindTarget(property.argument, [read(rest)], keyword, reference, out);
        continue;
      }
      let key: Chunk[];
      if (property.computed) {
        const converted = this.temp();
        // ToPropertyKey at once, before the target and the value (an object key converts once).
        this.guard(out, (into) => into.push(code([write(converted), ' = ', ...propertyKey(this.expr(property.key, into)), ';'], [converted])));
        key = [read(converted)];
      } else {
        key = [JSON.stringify(propertyKeyOf(property.key))];
      }
      keys.push(key);
      this.patternElement(property.value, keyword, out, () => [...value, '[', ...key, ']']);
    }
  }

  /** `source`: V8's `<source> is not iterable` (see iterableSource); null: V8 describes the value. */
  private arrayPattern(pattern: Node, value: Chunk[], keyword: Keyword | null, source: string | null, out: Item[]): void {
    const names = this.context.names;
    const iterator = this.temp();
    const notIterable = source === null ? 'null' : JSON.stringify(`${source} is not iterable`);
    this.guard(out, (into) => into.push(code([write(iterator), ` = ${names.runtime('iterate')}(`, ...value, `, ${notIterable});`], [iterator])));
    this.openIterators.push(iterator);
    // A step after the iterator is done gives undefined without calling `next`.
    const next = (into: Item[]): Chunk[] => {
      const step = this.temp();
      into.push(code([write(step), ' = ', read(iterator), `.done ? undefined : ${names.runtime('step')}(`, read(iterator), '); if (', read(step), ` === ${names.runtime('DONE')}) `, write(step), ' = undefined;'], [step]));
      return [read(step)];
    };
    for (const element of pattern.elements) {
      if (element === null) {
        this.guard(out, (into) => void next(into));
        continue;
      }
      if (element.type === 'RestElement') {
        const rest = this.temp();
        let reference: Chunk[] | null = null;
        this.guard(out, (into) => {
          reference = this.assignmentReference(element.argument, keyword, into);
          const x = this.scratchLocal('x');
          into.push(code([write(rest), ' = []; while (!', read(iterator), `.done) { ${x} = ${names.runtime('step')}(`, read(iterator), `); if (${x} !== ${names.runtime('DONE')}) `, read(rest), '[', read(rest), `.length] = ${x}; }`], [rest]));
        });
        this.bindTarget(element.argument, [read(rest)], keyword, reference, out);
        continue;
      }
      this.patternElement(element, keyword, out, next);
    }
    this.openIterators.pop();
    this.guard(out, (into) => into.push(code([`${names.runtime('close')}(`, read(iterator), ');'])));
  }

  /** One element or property value of a lowered pattern: target reference, value, default, binding. */
  private patternElement(element: Node, keyword: Keyword | null, out: Item[], get: (into: Item[]) => Chunk[]): void {
    const init = element.type === 'AssignmentPattern' ? element.right : null;
    const target = init ? element.left : element;
    const value = this.temp();
    let reference: Chunk[] | null = null;
    this.guard(out, (into) => {
      reference = this.assignmentReference(target, keyword, into);
      into.push(code([write(value), ' = ', ...get(into), ';'], [value]));
      if (init) {
        const branch: Item[] = [];
        // A default that is an anonymous function takes the name of its binding.
        const name = target.type === 'Identifier' && isAnonymousFunction(init) ? JSON.stringify(target.name) : null;
        const evaluated = name ? named(target.name, this.expr(init, branch)) : this.expr(init, branch);
        branch.push(code([write(value), ' = ', ...evaluated, ';'], [value]));
        into.push(this.ifItem([read(value), ' === undefined'], branch, null));
      }
    });
    this.bindTarget(target, [read(value)], keyword, reference, out);
  }

  /** An assignment's target that is a property: its object and key, evaluated before the value is got. */
  private assignmentReference(target: Node, keyword: Keyword | null, out: Item[]): Chunk[] | null {
    if (keyword !== null || target.type !== 'MemberExpression') return null;
    if (target.object.type === 'Super') return this.superReference(target, out);
    const object = this.spill(this.expr(target.object, out), target.object, out);
    if (!target.computed) return [...object, '.', copy(target.property)];
    return [...object, '[', ...this.spill(this.expr(target.property, out), target.property, out), ']'];
  }

  /**
   * `super.x` or `super[k]` as an assignment target before an await: the key is kept (V8 converts
   * it, and finds the home object's prototype, when it assigns, after the value).
   */
  private superReference(target: Node, out: Item[]): Chunk[] {
    if (!target.computed) return ['super.', copy(target.property)];
    return ['super[', ...this.spill(this.expr(target.property, out), target.property, out), ']'];
  }

  /** Binds a value to a pattern's target: declares it, assigns it, or destructures it further. */
  private bindTarget(target: Node, value: Chunk[], keyword: Keyword | null, reference: Chunk[] | null, out: Item[]): void {
    if (target.type === 'ObjectPattern' || target.type === 'ArrayPattern') {
      this.destructure(target, value, keyword, null, out);
    } else if (keyword !== null) {
      this.declare(keyword, target, value, out);
    } else if (reference !== null) {
      const to = reference;
      this.guard(out, (into) => into.push(code([...to, ' = ', ...value, ';'])));
    } else {
      const ref = this.scope.referenceAt.get(target);
      // A boxed variable is written through its box: the identifier's own rewrite (`x.v`).
      const direct = ref && !this.boxed.has(ref.binding) ? this.valueOf(ref.binding) : null;
      this.guard(out, (into) => into.push(code([direct ? write(direct) : copy(target), ' = ', ...value, ';'], direct ? [direct] : [])));
    }
  }

  /** The value of a variable, read through its box when it has one. */
  private readBinding(binding: Binding): Chunk[] {
    const value = this.valueOf(binding);
    return this.boxed.has(binding) ? [read(value), '.v'] : [read(value)];
  }

  /** `variable = value;`, through its box when it has one. */
  private assignBinding(binding: Binding, value: Chunk[]): CodeItem {
    const variable = this.valueOf(binding);
    return this.boxed.has(binding) ? code([read(variable), '.v = ', ...value, ';']) : code([write(variable), ' = ', ...value, ';'], [variable]);
  }

  private isBoxed(id: Node): boolean {
    const ref = this.scope.referenceAt.get(id);
    return ref !== undefined && this.boxed.has(ref.binding);
  }

  private scratchLocal(name: string): string {
    const scratch = this.context.names.scratch(name);
    this.scratch.add(scratch);
    return scratch;
  }

  private ifItem(test: Chunk[], consequent: Item[], alternate: Item[] | null): IfItem {
    const span = spanOf(alternate ? [...consequent, ...alternate] : consequent);
    return { kind: 'if', test, consequent, alternate, ...span };
  }

  private forever(node: Node, labels: string[], items: Item[], continueLabel: string | null = null, bodyCount = 0): ForeverItem {
    return { kind: 'forever', node, labels, items, continueLabel, bodyCount, ...spanOf(items) };
  }

  private breakUnless(test: Chunk[]): CodeItem {
    return exit('break', ['if (!(', ...test, ')) break;']);
  }

  private whileLoop(node: Node, out: Item[], labels: string[]): void {
    if (!this.awaits(node.test)) {
      const body = this.lowerBlock(node.body);
      out.push({ kind: 'native-loop', node, labels, form: 'while', init: null, test: [copy(node.test)], update: null, body, ...spanOf(body) });
      return;
    }
    const items: Item[] = [];
    const test = this.expr(node.test, items);
    items.push(this.breakUnless(test), ...this.lowerBlock(node.body));
    out.push(this.forever(node, labels, items));
  }

  private doWhileLoop(node: Node, out: Item[], labels: string[]): void {
    if (!this.awaits(node.test)) {
      const body = this.lowerBlock(node.body);
      out.push({ kind: 'native-loop', node, labels, form: 'do', init: null, test: [copy(node.test)], update: null, body, ...spanOf(body) });
      return;
    }
    // for (;;) { cont: { body } test; if (!test) break; }: `continue` must reach the test.
    const continueLabel = this.context.names.label();
    this.markContinues(node, continueLabel, labels);
    const body = this.lowerBlock(node.body);
    const items: Item[] = [blockOf(body)];
    const test = this.expr(node.test, items);
    items.push(this.breakUnless(test));
    out.push(this.forever(node, labels, items, continueLabel, 1));
  }

  /** `continue` statements that target `loop` (unlabelled, or labelled with one of its labels). */
  private markContinues(loop: Node, label: string, loopLabels: readonly string[]): void {
    const visit = (node: Node, depth: number, labels: Set<string>): void => {
      if (isFunction(node)) return;
      if (node.type === 'ContinueStatement') {
        if ((node.label === null && depth === 0) || (node.label && labels.has(node.label.name))) this.context.continueAsBreak.set(node, label);
        return;
      }
      const isLoop = /^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(node.type);
      for (const child of childrenOf(node)) visit(child, isLoop ? depth + 1 : depth, labels);
    };
    visit(loop.body, 0, new Set(loopLabels));
  }

  private forLoop(node: Node, out: Item[], labels: string[]): void {
    // A head that declares boxed variables is lowered like one that awaits: a `let` gets a box
    // per iteration below, a `var` is assigned through its box.
    const boxedHead = node.init?.type === 'VariableDeclaration' && node.init.declarations.some((d: Node) => identifiersOf(d.id).some((id) => this.isBoxed(id)));
    // Kept in the loop's head (per-iteration bindings), a pattern declares its names first and
    // destructures into them (items.ts, patternInit): one that must be lowered into steps
    // (findSteppedPatterns) needs the lowered loop. A `const` head with a pattern is declared
    // with `let` (names cannot be declared first with `const`), so none of its names may be assigned.
    const patterns: Node[] = node.init?.type === 'VariableDeclaration' ? node.init.declarations.filter((d: Node) => d.id.type !== 'Identifier') : [];
    const assignedConst = patterns.length > 0 && node.init.kind === 'const' &&
      node.init.declarations.some((d: Node) => identifiersOf(d.id).some((id) => this.scope.referenceAt.get(id)?.binding.reassigned));
    const steppedHead = assignedConst || patterns.some((d) => this.stepped.has(d.id));
    // A pattern's initialiser printed otherwise than written is checked first (see declaration), before the loop.
    const checkedHead = patterns.some((d) => d.init && !this.namedAsWritten(d.init));
    const headAwaits = boxedHead || steppedHead || checkedHead || this.awaits(node.init) || this.awaits(node.test) || this.awaits(node.update);
    if (!headAwaits) {
      let init: DeclItem[] | Chunk[] | null = null;
      if (node.init && node.init.type === 'VariableDeclaration') {
        const declarators: Item[] = [];
        this.declaration(node.init, declarators);
        // `const` cannot be told from `let` here: nothing assigns to these names (see above).
        init = (declarators as DeclItem[]).map((d) => (patterns.length > 0 && d.keyword === 'const' ? { ...d, keyword: 'let' } : d));
      } else if (node.init) {
        init = [copy(node.init)];
      }
      const body = this.lowerBlock(node.body);
      out.push({
        kind: 'native-loop', node, labels, form: 'for', init,
        test: node.test ? [copy(node.test)] : null,
        update: node.update ? [copy(node.update)] : null,
        body, ...spanOf(body),
      });
      return;
    }
    // { init; first = true; for (;;) { if (!first) update; first = false; if (!test) break; body } }
    const outer: Item[] = this.boxesOnEntry([], node);
    if (node.init) {
      if (node.init.type === 'VariableDeclaration') this.declaration(node.init, outer);
      else outer.push(code([...this.expr(node.init, outer), ';']));
    }
    // CreatePerIterationEnvironment: every iteration (the first too, whose box is not the one
    // closures of the initialiser saw) starts with a new box holding the last one's value,
    // before the update.
    const copies: Item[] = [];
    for (const binding of this.perIteration) {
      if (binding.scope !== node) continue;
      const value = this.valueOf(binding);
      const last = this.temp();
      outer.push(code([write(last), ' = ', read(value), ';'], [last]));
      copies.push({ kind: 'decl', keyword: 'let', target: [value.name], declared: [value], isPattern: false, init: ['{ v: ', read(last), '.v }'], ...NO_STATES });
      copies.push(code([write(last), ' = ', read(value), ';'], [last]));
    }
    const items: Item[] = [];
    if (node.update) {
      if (this.awaits(node.update)) {
        const first = this.temp();
        outer.push(code([write(first), ' = true;'], [first]));
        const update: Item[] = [];
        update.push(code([...this.expr(node.update, update), ';']));
        items.push(this.ifItem(['!', read(first)], update, null));
        items.push(code([write(first), ' = false;'], [first]));
      }
    }
    if (node.test) items.push(this.breakUnless(this.expr(node.test, items)));
    items.push(...this.lowerBlock(node.body));
    if (node.update && !this.awaits(node.update)) {
      // The update runs at the top of every iteration but the first.
      const first = this.temp();
      outer.push(code([write(first), ' = true;'], [first]));
      items.unshift(code(['if (!', read(first), ') ', copy(node.update), '; ', write(first), ' = false;'], []));
    }
    items.unshift(...copies);
    outer.push(this.forever(node, labels, items));
    out.push(blockOf(outer));
  }

  private forInOf(node: Node, out: Item[], labels: string[]): void {
    if (node.type === 'ForOfStatement' && node.await) {
      this.forAwait(node, out, labels);
      return;
    }
    const right = this.awaits(node.right) ? this.expr(node.right, out) : [copy(node.right)];
    // A boxed `var` in the head is assigned through its box: the loop is lowered.
    const boxedLeft = node.left.type === 'VariableDeclaration' && identifiersOf(node.left.declarations[0].id).some((id) => this.isBoxed(id));
    if (!this.awaits(node.body) && !this.awaits(node.left) && !boxedLeft) {
      // Only the iterable awaits: the loop stays native, with its labels.
      out.push(this.recordingCompletions(code([...labels.map((l) => `${l}: `), copyRange(node.start, node.right.start), ...right, copyRange(node.right.end, node.end)], [], [node.start, node.end])));
      return;
    }
    const names = this.context.names;
    const isOf = node.type === 'ForOfStatement';
    const iterator = this.temp();
    const step = this.temp();
    const outer: Item[] = [];
    outer.push(code([write(iterator), ` = ${names.runtime(isOf ? 'iterate' : 'enumerate')}(`, ...right, ');'], [iterator]));
    const items: Item[] = [];
    items.push(code([write(step), ` = ${names.runtime('step')}(`, read(iterator), `); if (`, read(step), ` === ${names.runtime('DONE')}) break;`], [step], null, false, ['break']));
    // Binding the target is inside the try that closes the iterator, like the body.
    this.tryDepth += isOf ? 1 : 0;
    this.loopTarget(node, [read(step)], items);
    items.push(...this.lowerBlock(node.body));
    this.tryDepth -= isOf ? 1 : 0;
    const loop = this.forever(node, labels, items);
    if (isOf) {
      const guarded: TryItem = {
        kind: 'try',
        block: [loop],
        handlerCopy: null,
        captureInto: null,
        onThrow: [`${names.runtime('closeOnThrow')}(`, read(iterator), ');'],
        finalizer: [code([`${names.runtime('close')}(`, read(iterator), ');'])],
        lo: loop.lo,
        hi: loop.hi,
      };
      outer.push(guarded);
    } else {
      outer.push(loop);
    }
    out.push(blockOf(outer));
  }

  /**
   * Binds the target of a for-in, for-of or for await loop to the value of one step, after the
   * boxes of the iteration's variables that closures capture before they are declared.
   */
  private loopTarget(loop: Node, value: Chunk[], out: Item[]): void {
    const left = loop.left;
    out.push(...this.boxesOnEntry([], loop));
    // The value is in a temp, which V8's messages would name where native names `.for`.
    if (left.type === 'VariableDeclaration') this.declare(left.kind as Keyword, left.declarations[0].id, value, out, FOR_SOURCE, undefined, true);
    else if (this.awaits(left)) this.bindTarget(left, value, null, this.assignmentReference(left, null, out), out);
    else out.push(code(['(', copy(left), ' = ', ...this.checkedValue(left, value, null, null, out), ');']));
  }

  private switchStatement(node: Node, out: Item[], labels: string[]): void {
    const hoistedFunctions: Value[] = [];
    for (const s of node.cases.flatMap((c: Node) => c.consequent)) {
      const ref = s.type === 'FunctionDeclaration' && s.id ? this.scope.referenceAt.get(s.id) : undefined;
      if (ref) hoistedFunctions.push(this.valueOf(ref.binding));
    }
    out.push(...this.boxesOnEntry([], node));
    const discriminant = this.expr(node.discriminant, out);
    const selector = this.temp();
    // let, const and class declarations of the clauses: see SwitchItem.lexical.
    let lexical = false;
    node.cases.forEach((clause: Node, index: number) => {
      for (const s of clause.consequent) {
        const ids = s.type === 'ClassDeclaration' && s.id ? [s.id] : s.type === 'VariableDeclaration' && s.kind !== 'var' ? s.declarations.flatMap((d: Node) => identifiersOf(d.id)) : [];
        for (const id of ids) {
          const ref = this.scope.referenceAt.get(id);
          // A box made before the switch is always saved.
          if (ref && !this.boxedOnEntry.has(ref.binding)) this.clauseBindings.set(this.valueOf(ref.binding), { selector, clause: index });
          lexical = true;
        }
      }
    });
    const defaultIndex = node.cases.findIndex((clause: Node) => clause.test === null);
    if (node.cases.some((clause: Node) => this.awaits(clause.test))) {
      // Tests that await: evaluated one by one, in order, until one matches (the default last).
      const value = this.spillChunks(discriminant, out);
      const label = this.context.names.label();
      const tests: Item[] = [];
      node.cases.forEach((clause: Node, index: number) => {
        if (clause.test === null) return;
        const test = this.expr(clause.test, tests);
        tests.push({ ...code(['if (', read(value), ' === (', ...test, ')) { ', write(selector), ` = ${index}; break ${label}; }`]), completion: { label, also: [selector] } });
      });
      tests.push(code([write(selector), ` = ${defaultIndex};`], [selector]));
      const block: BlockItem = blockOf(tests);
      out.push({ kind: 'labeled', node, label, body: block, lo: block.lo, hi: block.hi });
    } else {
      const d = this.context.names.scratch('d');
      this.scratch.add(d);
      const chain: Chunk[] = [write(selector), ` = (${d} = `, ...discriminant, ', '];
      node.cases.forEach((clause: Node, index: number) => {
        if (clause.test !== null) chain.push(`${d} === (`, copy(clause.test), `) ? ${index} : `);
      });
      chain.push(`${defaultIndex});`);
      out.push(code(chain, [selector]));
    }
    const clauses = node.cases.map((clause: Node) => {
      const items: Item[] = this.functionBoxes(node);
      this.lowerList(clause.consequent, items);
      return items;
    });
    out.push({ kind: 'switch', node, labels, selector, clauses, lexical, hoistedFunctions, ...spanOf(clauses.flat()) });
  }

  private tryStatement(node: Node, out: Item[]): void {
    if (this.awaits(node.finalizer)) {
      this.tryWithAwaitingFinally(node, out);
      return;
    }
    const hasFinally = node.finalizer !== null;
    const finalizer = hasFinally ? [this.recordingCompletions(code([copy(node.finalizer)], [], [node.finalizer.start, node.finalizer.end]))] : null;
    const handler = node.handler;
    if (!this.awaits(handler)) {
      this.tryDepth++;
      const block = this.lowerBlock(node.block);
      this.tryDepth--;
      const span = spanOf(block);
      out.push({ kind: 'try', block, handlerCopy: handler ? [copy(handler)] : null, captureInto: null, onThrow: null, finalizer, ...span });
      return;
    }
    // The catch clause awaits: run it after the try statement, from the captured exception.
    const items: Item[] = [];
    const caught = this.temp();
    const noException = this.context.names.runtime('NO_EXCEPTION');
    items.push(code([write(caught), ` = ${noException};`], [caught]));
    this.tryDepth++;
    const block = this.lowerBlock(node.block);
    this.tryDepth--;
    items.push({ kind: 'try', block, handlerCopy: null, captureInto: caught, onThrow: null, finalizer: null, ...spanOf(block) });
    if (hasFinally) this.tryDepth++;
    const catchItems: Item[] = [];
    if (handler.param) {
      catchItems.push(...this.boxesOnEntry([], handler));
      // V8 names the exception `.catch` when it is null or undefined; it describes a non-iterable one.
      this.declare('let', handler.param, [read(caught)], catchItems, handler.param.type === 'ArrayPattern' ? null : '.catch', undefined, true);
    }
    catchItems.push(...this.lowerBlock(handler.body));
    if (hasFinally) this.tryDepth--;
    const catchBlock: BlockItem = blockOf(catchItems);
    items.push(this.ifItem([read(caught), ` !== ${noException}`], [catchBlock], null));
    if (hasFinally) {
      out.push({ kind: 'try', block: items, handlerCopy: null, captureInto: null, onThrow: null, finalizer, ...spanOf(items) });
    } else {
      out.push(...items);
    }
  }

  /**
   * `try { A } catch (e) { B } finally { C }` where C awaits. The completion of A and B (normal,
   * throw, return) is recorded in two temps, C runs as ordinary statements (so it can suspend and
   * resume like any other), and the completion is carried out after it:
   *
   *   kind = 0; value = NO_EXCEPTION;
   *   label: { try { A; catch B } catch (x) { value = x } }   // return v -> value = v; kind = 2; break label
   *   if (kind === 0 && value !== NO_EXCEPTION) kind = 1;
   *   C
   *   if (kind === 1) throw value; if (kind === 2) return value;
   */
  private tryWithAwaitingFinally(node: Node, out: Item[]): void {
    const inside = [node.block.start, (node.handler ?? node.block).end] as const;
    this.withPendingCompletion(node, inside, out, () => {
      const guarded: Item[] = [];
      if (node.handler) this.tryStatement({ ...node, finalizer: null }, guarded);
      else guarded.push(...this.lowerBlock(node.block));
      return guarded;
    }, (after) => after.push(...this.lowerBlock(node.finalizer)));
  }

  /**
   * The shape shared by a `finally` that awaits and by `for await`: run `protect()` with its
   * completion (normal, throw, return, or a `break`/`continue` to a target outside `node`)
   * recorded in two temps, then `after`, then carry the completion out. Returns and such jumps
   * inside [range) record themselves and leave to `after` instead (kind 3 + i for the i-th jump).
   */
  private withPendingCompletion(node: Node, range: readonly [number, number], out: Item[], protect: () => Item[], after: (items: Item[], pending: FinallyCompletion) => void): void {
    const noException = this.context.names.runtime('NO_EXCEPTION');
    const pending: FinallyCompletion = { label: this.context.names.label(), kind: this.temp(), value: this.temp(), jumps: [] };
    out.push(code([write(pending.kind), ' = 0; ', write(pending.value), ` = ${noException};`], [pending.kind, pending.value]));
    // The jumps inside (an inner construct of this kind claims its own again; this one then
    // records the inner one's carried-out copy of a jump that leaves both).
    for (const jump of this.jumps) {
      if (jump.node.start < range[0] || jump.node.end > range[1]) continue;
      if (jump.kind === 'return') {
        this.completionJumps.set(jump.node, pending);
      } else if ((jump.kind === 'break' || jump.kind === 'continue') && jump.target !== null && (jump.target.start < node.start || jump.target.end > node.end)) {
        this.completionJumps.set(jump.node, pending);
        // A `continue` to a do-while whose test awaits is a `break` (see markContinues).
        const asBreak = this.context.continueAsBreak.get(jump.node);
        pending.jumps.push({ node: jump.node, text: asBreak !== undefined ? `break ${asBreak};` : `${jump.kind}${jump.label !== null ? ` ${jump.label}` : ''};` });
      }
    }
    this.finallyStack.push(pending);
    // Everything protected is inside the try that captures the exception: awaits there take theirs.
    this.tryDepth++;
    const guarded = protect();
    this.tryDepth--;
    this.finallyStack.pop();
    const tryPart: TryItem = { kind: 'try', block: guarded, handlerCopy: null, captureInto: pending.value, onThrow: null, finalizer: null, ...spanOf(guarded) };
    const block: BlockItem = blockOf([tryPart]);
    out.push({ kind: 'labeled', node, label: pending.label, body: block, lo: block.lo, hi: block.hi });
    out.push(code(['if (', read(pending.kind), ' === 0 && ', read(pending.value), ` !== ${noException}) `, write(pending.kind), ' = 1;'], []));
    after(out, pending);
    out.push(exit('throw', ['if (', read(pending.kind), ' === 1) throw ', read(pending.value), ';']));
    out.push(this.ifPending(pending, 2, this.returnItem([read(pending.value)])));
    pending.jumps.forEach((jump, index) => out.push(this.ifPending(pending, 3 + index, this.jumpItem(jump))));
  }

  /**
   * `if (kind === n) item`, where item carries out the recorded completion (`return value`, a
   * jump), or, nested, records it in the enclosing completion: conditional, so its writes are
   * only possible.
   */
  private ifPending(pending: FinallyCompletion, n: number, item: CodeItem): CodeItem {
    const also = item.completion ? [...item.mustWrite, ...item.completion.also] : [];
    return {
      ...item,
      chunks: ['if (', read(pending.kind), ` === ${n}) { `, ...item.chunks, ' }'],
      mustWrite: [],
      completion: item.completion ? { label: item.completion.label, also } : null,
    };
  }

  /**
   * A `break`/`continue` carried out after the `finally` it passed through: as written, or, when
   * it also leaves an enclosing `try` whose `finally` awaits, recorded in that one's completion.
   */
  private jumpItem(jump: FinallyCompletion['jumps'][number]): CodeItem {
    const pending = this.finallyStack.at(-1);
    const index = pending === undefined ? -1 : pending.jumps.findIndex((j) => j.node === jump.node);
    if (pending === undefined || index < 0) return { ...code([jump.text]), carries: jump.node };
    return {
      ...code([write(pending.kind), ` = ${3 + index}; break ${pending.label};`], [pending.kind]),
      completion: { label: pending.label, also: [] },
    };
  }

  // ---------------------------------------------------------------- expressions

  /** Lowers an expression that may await; statements that must run first go to `out`. */
  expr(node: Node, out: Item[]): Chunk[] {
    if (!this.awaits(node)) return this.plainExpr(node);
    switch (node.type) {
      case 'AwaitExpression':
        return [read(this.site(node, out, true)!)];
      case 'CallExpression':
        return this.call(node, out);
      case 'LogicalExpression':
        if (this.awaits(node.right)) return this.logical(node.operator, node.left, node.right, out);
        return this.generic(node, out);
      case 'ConditionalExpression':
        if (this.awaits(node.consequent) || this.awaits(node.alternate)) return this.conditional(node, out);
        return this.generic(node, out);
      case 'AssignmentExpression':
        return this.assignment(node, out);
      case 'SequenceExpression': {
        const last = lastIndexWhere(node.expressions, (e: Node) => this.awaits(e));
        // `void (...)`: an operand may start with `{` or `function`, and no statement may run into it.
        node.expressions.slice(0, last).forEach((e: Node) => out.push(code(['void (', ...this.expr(e, out), ');'])));
        const tail = node.expressions.slice(last + 1).map((e: Node) => copy(e));
        const value = this.expr(node.expressions[last], out);
        return tail.length === 0 ? value : ['(', ...value, ...tail.flatMap((c: Chunk) => [', ', c]), ')'];
      }
      case 'ChainExpression':
        return this.optionalChain(node, out, false);
      case 'UnaryExpression':
        if (node.operator === 'delete' && node.argument.type === 'ChainExpression') return this.optionalChain(node.argument, out, true);
        return this.generic(node, out);
      case 'TaggedTemplateExpression':
        return this.taggedTemplate(node, out);
      case 'ClassExpression':
      case 'ClassDeclaration':
        return this.classWithAwaits(node, out);
      case 'YieldExpression':
        return this.unsupported('yield', node);
      case 'ObjectPattern':
      case 'ArrayPattern':
      case 'AssignmentPattern':
        return this.unsupported('await inside a destructuring default or computed key', node);
      default:
        return this.generic(node, out);
    }
  }

  /** An expression without awaits, as written; a comma expression keeps its parentheses. */
  private plainExpr(node: Node): Chunk[] {
    return node.type === 'SequenceExpression' ? ['(', copy(node), ')'] : [copy(node)];
  }

  /** An await at statement level or inside an expression: a suspension point. */
  private site(node: Node, out: Item[], used: boolean): Value | null {
    const argument = node.argument;
    let call: CallOperand | null = null;
    let operand: Chunk[] | null = null;
    if (argument.type === 'CallExpression' && !argument.optional && argument.callee.type !== 'Super' && !(argument.callee.type === 'MemberExpression' && (argument.callee.optional || argument.callee.object.type === 'Super'))) {
      call = this.callOperand(argument, out);
    } else {
      // Kept in the site's result.
      operand = unnamed(argument, this.expr(argument, out));
    }
    return this.pushSite(operand, call, out, used, node.start);
  }

  private pushSite(operand: Chunk[] | null, call: CallOperand | null, out: Item[], used: boolean, position: number): Value | null {
    const result = used ? this.temp() : null;
    const state = this.states.length + 1;
    const item: SiteItem = { kind: 'site', state, operand, call, result, inTry: this.tryDepth > 0, position, lo: state, hi: state };
    this.states.push(item);
    out.push(item);
    return result;
  }

  /**
   * `for await (x of y) body`: each step awaits the iterator's next result; leaving the loop early
   * awaits the iterator's `return()` (AsyncIteratorClose), after the body's completion is
   * recorded as for a `finally` that awaits:
   *
   *   it = asyncIterate(y); kind = 0; value = NO_EXCEPTION;
   *   label: { try { for (;;) { r = await asyncNext(it); if (asyncDone(it, r)) break; x = r.value; body } }
   *            catch (e) { value = e } }
   *   if (kind === 0 && value !== NO_EXCEPTION) kind = 1;
   *   await asyncClose(it, kind === 1);      // nothing to await when the iteration finished
   *   if (kind === 1) throw value; if (kind === 2) return value;
   */
  private forAwait(node: Node, out: Item[], labels: string[]): void {
    const names = this.context.names;
    const outer: Item[] = [];
    const right = this.expr(node.right, outer);
    const iterator = this.temp();
    outer.push(code([write(iterator), ` = ${names.runtime('asyncIterate')}(`, ...right, ');'], [iterator]));
    this.withPendingCompletion(node, [node.body.start, node.body.end], outer, () => {
      const items: Item[] = [];
      const result = this.pushSite([`${names.runtime('asyncNext')}(`, read(iterator), ')'], null, items, true, node.start)!;
      items.push(code([`if (${names.runtime('asyncDone')}(`, read(iterator), ', ', read(result), ')) break;'], [], null, false, ['break']));
      this.loopTarget(node, [read(result), '.value'], items);
      items.push(...this.lowerBlock(node.body));
      return [this.forever(node, labels, items)];
    }, (after, pending) => {
      // Leaving early awaits the iterator's return() (nothing when the iteration finished).
      this.pushSite([`${names.runtime('asyncClose')}(`, read(iterator), ', ', read(pending.kind), ' === 1)'], null, after, false, node.start);
    });
    out.push(blockOf(outer));
  }


  /** Parts of a call, in evaluation order, spilled so that later awaits cannot disturb them. */
  private callOperand(node: Node, out: Item[]): CallOperand {
    // `(a?.m)(x)`: a parenthesised member chain still passes its object as `this`.
    const chained = node.callee.type === 'ChainExpression' && node.callee.expression.type === 'MemberExpression' && !this.awaits(node.callee) ? node.callee.expression : null;
    if (chained) {
      const argsAwait = node.arguments.some((a: Node) => this.awaits(a));
      let receiver: Chunk[] = this.plainExpr(chained.object);
      if (argsAwait) receiver = this.spill(receiver, chained.object, out);
      // The receiver and the callee may be kept in scratch locals (items.ts, site).
      receiver = unnamed(chained.object, receiver);
      const dot = chained.optional ? '?.' : '.';
      const access: Chunk[] = chained.computed ? [chained.optional ? '?.[' : '[', copy(chained.property), ']'] : [dot, copy(chained.property)];
      if (argsAwait) {
        const fnValue = this.spillChunks([...receiver, ...access], out);
        return { receiver, callee: [read(fnValue)], args: this.args(node.arguments, out), calleeText: calleeText(this.context.text, chained) };
      }
      return { receiver, callee: access, args: this.args(node.arguments, out), calleeText: calleeText(this.context.text, chained) };
    }
    const callee = node.callee;
    const args: Node[] = node.arguments;
    const argsAwait = args.some((a) => this.awaits(a));
    if (callee.type === 'MemberExpression') {
      const keyAwaits = callee.computed && this.awaits(callee.property);
      let receiver = this.expr(callee.object, out);
      if (keyAwaits || argsAwait) receiver = this.spill(receiver, callee.object, out);
      receiver = unnamed(callee.object, receiver);
      let access: Chunk[];
      if (callee.computed) {
        let key = this.expr(callee.property, out);
        if (argsAwait) key = this.spill(key, callee.property, out);
        access = ['[', ...key, ']'];
      } else {
        access = ['.', copy(callee.property)];
      }
      if (argsAwait) {
        // The function is read before the arguments are evaluated.
        const fnValue = this.spillChunks([...receiver, ...access], out);
        return { receiver, callee: [read(fnValue)], args: this.args(args, out), calleeText: calleeText(this.context.text, callee) };
      }
      return { receiver, callee: access, args: this.args(args, out), calleeText: calleeText(this.context.text, callee) };
    }
    let fnChunks = this.expr(callee, out);
    if (argsAwait) fnChunks = this.spill(fnChunks, callee, out);
    fnChunks = unnamed(callee, fnChunks);
    return { receiver: null, callee: fnChunks, args: this.args(args, out), calleeText: calleeText(this.context.text, callee) };
  }

  private args(args: Node[], out: Item[]): Chunk[][] {
    const last = lastIndexWhere(args, (a) => this.awaits(a));
    return args.map((arg, index) => {
      const spread = arg.type === 'SpreadElement';
      const inner = spread ? arg.argument : arg;
      let value = this.expr(inner, out);
      if (index < last) value = this.spill(value, inner, out);
      // Arguments may be kept in scratch locals (items.ts, argument) or temps (checkedCall).
      value = unnamed(inner, value);
      return spread ? ['...', ...value] : value;
    });
  }

  /** A call that is not itself awaited, with awaits in its callee or arguments. */
  private call(node: Node, out: Item[]): Chunk[] {
    if (node.optional) return this.unsupported('await inside an optional call', node);
    const callee = node.callee;
    // V8 finds the super constructor after the arguments: the call stays as written, after them.
    if (callee.type === 'Super') return ['super(', ...joinArgs(this.args(node.arguments, out)), ')'];
    if (callee.type === 'MemberExpression' && callee.object.type === 'Super') {
      // super.m(await x): the method is read before the arguments, then called with this
      // function's `this` (a method using `super` resumes with its receiver as `this`).
      const access: Chunk[] = callee.computed ? ['[', ...this.spill(this.expr(callee.property, out), callee.property, out), ']'] : ['.', copy(callee.property)];
      const method = this.spillChunks(['super', ...access], out);
      return this.checkedCall([read(method)], ['this'], this.args(node.arguments, out), calleeText(this.context.text, callee), out);
    }
    const operand = this.callOperand(node, out);
    if (operand.receiver === null) return this.checkedCall(operand.callee, null, operand.args, operand.calleeText, out);
    const receiver = this.spillChunks(operand.receiver, out);
    const fnValue = isRef(operand.callee) ? operand.callee : [read(this.spillChunks([read(receiver), ...operand.callee], out))];
    return this.checkedCall(fnValue, [read(receiver)], operand.args, operand.calleeText, out);
  }

  /**
   * `fn(args)`, or `fn.call(receiver, args)`. A function read into a temp before an await is
   * checked after the arguments are evaluated (they are then spilled first), so that the
   * TypeError names the callee as written, as V8's does.
   */
  private checkedCall(fn: Chunk[], receiver: Chunk[] | null, args: Chunk[][], text: string, out: Item[]): Chunk[] {
    const only = fn[0];
    const temp = fn.length === 1 && typeof only === 'object' && only.kind === 'ref' && only.value.binding === null;
    if (temp) args = args.map((arg) => (arg[0] === '...' || isRef(arg) ? arg : [read(this.spillChunks(arg, out))]));
    const list = joinArgs(args);
    const call: Chunk[] = receiver
      ? [...fn, '.call(', ...receiver, ...(list.length > 0 ? [', ', ...list] : []), ')']
      : [...wrapCallee(fn), '(', ...list, ')'];
    if (!temp) return call;
    return ['(typeof ', ...fn, ' === "function" ? ', ...call, ` : ${this.context.names.runtime('notCallable')}(${JSON.stringify(text)})())`];
  }

  /**
   * An optional chain that awaits: each link's value in a temp; at an optional link, the rest of
   * the chain (awaits included) runs only if the value is not null or undefined, else the whole
   * chain is undefined.
   */
  private optionalChain(node: Node, out: Item[], deleting: boolean): Chunk[] {
    const links: Node[] = [];
    let base: Node = node.expression;
    while (base.type === 'MemberExpression' || base.type === 'CallExpression') {
      links.unshift(base);
      base = base.type === 'MemberExpression' ? base.object : base.callee;
    }
    const result = this.temp();
    // `delete a?.b[await k]`: the last link is deleted rather than read; a short-circuit gives true.
    const shortCircuit = deleting ? 'true' : 'undefined';
    const walk = (index: number, current: Value, receiver: Value | null, items: Item[]): void => {
      if (index === links.length) {
        items.push(code([write(result), ' = ', read(current), ';'], [result]));
        return;
      }
      const link = links[index]!;
      if (link.optional) {
        const rest: Item[] = [];
        step(index, current, receiver, rest);
        items.push(this.ifItem(['(', read(current), ' !== null && ', read(current), ' !== undefined)'], rest, [code([write(result), ` = ${shortCircuit};`], [result])]));
        return;
      }
      step(index, current, receiver, items);
    };
    const step = (index: number, current: Value, receiver: Value | null, items: Item[]): void => {
      const link = links[index]!;
      if (link.type === 'MemberExpression') {
        const access: Chunk[] = link.computed ? ['[', ...this.expr(link.property, items), ']'] : ['.', copy(link.property)];
        if (deleting && index === links.length - 1) {
          items.push(code([write(result), ' = delete ', read(current), ...access, ';'], [result]));
          return;
        }
        walk(index + 1, this.spillChunks([read(current), ...access], items), current, items);
        return;
      }
      const call = this.checkedCall([read(current)], receiver ? [read(receiver)] : null, this.args(link.arguments, items), calleeText(this.context.text, link.callee), items);
      walk(index + 1, this.spillChunks(call, items), null, items);
    };
    if (base.type === 'Super') {
      // `super.m?.(await x)`: the first link reads the property of the home object's prototype,
      // and a call of it receives this function's `this`.
      const link = links[0]!;
      const receiver = this.spillChunks(['this'], out);
      const access: Chunk[] = link.computed ? ['[', ...this.expr(link.property, out), ']'] : ['.', copy(link.property)];
      walk(1, this.spillChunks(['super', ...access], out), receiver, out);
    } else {
      walk(0, this.spillChunks(unnamed(base, this.expr(base, out)), out), null, out);
    }
    return [read(result)];
  }

  /**
   * tag`a${await x}b`: the tag (and its receiver) are read first, the substitutions evaluated in
   * order, then the tag is called with this site's template object, which a tagged template
   * with the same strings and inert substitutions yields (one per site, the same at each call).
   */
  private taggedTemplate(node: Node, out: Item[]): Chunk[] {
    const tag = node.tag;
    const quasi = node.quasi;
    // (An optional chain cannot be a tag unless parenthesised: `(a?.b)` is a ChainExpression.)
    const chained = tag.type === 'ChainExpression' && tag.expression.type === 'MemberExpression' && !this.awaits(tag) ? tag.expression : null;
    let receiver: Chunk[] | null = null;
    let fn: Chunk[];
    if (tag.type === 'MemberExpression' && tag.object.type === 'Super') {
      // super.tag`...`: called with this function's `this`.
      receiver = ['this'];
      const access: Chunk[] = tag.computed ? ['[', ...this.expr(tag.property, out), ']'] : ['.', copy(tag.property)];
      fn = [read(this.spillChunks(['super', ...access], out))];
    } else if (chained) {
      // (a?.tag)`...`: still called with its object as `this`.
      receiver = [read(this.spillChunks(unnamed(chained.object, this.plainExpr(chained.object)), out))];
      const access: Chunk[] = chained.computed ? [chained.optional ? '?.[' : '[', copy(chained.property), ']'] : [chained.optional ? '?.' : '.', copy(chained.property)];
      fn = [read(this.spillChunks([...receiver, ...access], out))];
    } else if (tag.type === 'MemberExpression') {
      receiver = [read(this.spillChunks(unnamed(tag.object, this.expr(tag.object, out)), out))];
      const access: Chunk[] = tag.computed ? ['[', ...this.expr(tag.property, out), ']'] : ['.', copy(tag.property)];
      fn = [read(this.spillChunks([...receiver, ...access], out))];
    } else {
      fn = this.spill(this.expr(tag, out), tag, out);
    }
    const expressions: Node[] = quasi.expressions;
    const last = lastIndexWhere(expressions, (e) => this.awaits(e));
    const substitutions = expressions.map((e, index) => {
      let value = this.expr(e, out);
      if (index < last) value = this.spill(value, e, out);
      return value;
    });
    const strings: Chunk[] = [`${this.context.names.runtime('templateObject')}`];
    let position = quasi.start;
    for (const e of expressions) {
      strings.push(copyRange(position, e.start), '0');
      position = e.end;
    }
    strings.push(copyRange(position, quasi.end));
    return this.checkedCall(fn, receiver, [strings, ...substitutions], calleeText(this.context.text, tag), out);
  }

  private logical(operator: string, left: Node, right: Node, out: Item[]): Chunk[] {
    const result = this.temp();
    out.push(code([write(result), ' = ', ...unnamed(left, this.expr(left, out)), ';'], [result]));
    const branch: Item[] = [];
    const value = unnamed(right, this.expr(right, branch));
    branch.push(code([write(result), ' = ', ...value, ';'], [result]));
    const test: Chunk[] = operator === '&&' ? [read(result)] : operator === '||' ? ['!', read(result)] : ['(', read(result), ' === null || ', read(result), ' === undefined)'];
    out.push(this.ifItem(test, branch, null));
    return [read(result)];
  }

  private conditional(node: Node, out: Item[]): Chunk[] {
    const result = this.temp();
    const test = this.expr(node.test, out);
    const consequent: Item[] = [];
    consequent.push(code([write(result), ' = ', ...unnamed(node.consequent, this.expr(node.consequent, consequent)), ';'], [result]));
    const alternate: Item[] = [];
    alternate.push(code([write(result), ' = ', ...unnamed(node.alternate, this.expr(node.alternate, alternate)), ';'], [result]));
    out.push(this.ifItem(test, consequent, alternate));
    return [read(result)];
  }

  private assignment(node: Node, out: Item[]): Chunk[] {
    const left = node.left;
    const operator: string = node.operator;
    if (left.type === 'ObjectPattern' || left.type === 'ArrayPattern') {
      // The value that awaits is printed as a temp, which V8 would name.
      if (!this.awaits(left)) return ['(', copy(left), ' = ', ...this.checkedValue(left, this.expr(node.right, out), null, calleeText(this.context.text, node.right), out), ')'];
      // The pattern awaits: lowered into steps; the assignment's value is its source.
      const source = this.spillChunks(unnamed(node.right, this.expr(node.right, out)), out);
      // V8 names the source of an object pattern; it describes a value an array pattern cannot iterate.
      this.destructure(left, [read(source)], null, left.type === 'ObjectPattern' ? calleeText(this.context.text, node.right) : null, out);
      return [read(source)];
    }
    let target: Chunk[];
    if (left.type === 'MemberExpression') {
      const object = left.object.type === 'Super' ? null : this.spill(this.expr(left.object, out), left.object, out);
      if (object === null) {
        target = this.superReference(left, out);
      } else if (left.computed) {
        const key = this.spill(this.expr(left.property, out), left.property, out);
        target = [...object, '[', ...key, ']'];
      } else {
        target = [...object, '.', copy(left.property)];
      }
    } else if (left.type === 'Identifier') {
      // Written here; the old value of a compound assignment is read by the spill below.
      const ref = this.scope.referenceAt.get(left);
      // A boxed variable is written through its box: the identifier's own rewrite (`x.v`).
      const direct = ref && !this.boxed.has(ref.binding) && operator !== '&&=' && operator !== '||=' && operator !== '??=';
      target = direct ? [write(this.valueOf(ref.binding))] : [copy(left)];
    } else {
      return this.unsupported(`await in an assignment to ${left.type}`, left);
    }
    if (operator === '=') return ['(', ...target, ' = ', ...this.expr(node.right, out), ')'];
    if (operator === '&&=' || operator === '||=' || operator === '??=') {
      const result = this.temp();
      out.push(code([write(result), ' = ', ...target, ';'], [result]));
      const branch: Item[] = [];
      const value = this.expr(node.right, branch);
      branch.push(code([write(result), ' = ', ...target, ' = ', ...value, ';'], [result]));
      const test: Chunk[] = operator === '&&=' ? [read(result)] : operator === '||=' ? ['!', read(result)] : ['(', read(result), ' === null || ', read(result), ' === undefined)'];
      out.push(this.ifItem(test, branch, null));
      return [read(result)];
    }
    // Compound: the target's old value is read before the right side runs.
    const old = this.spillChunks(target.map((c) => (typeof c === 'object' && c.kind === 'ref' ? read(c.value) : c)), out);
    const value = this.expr(node.right, out);
    return ['(', ...target, ' = ', read(old), ` ${operator.slice(0, -1)} (`, ...value, '))'];
  }

  /**
   * Any other expression: its operands in evaluation order; those before the last one that
   * awaits are spilled, the rest stay as written.
   */
  private generic(node: Node, out: Item[]): Chunk[] {
    const parts = evaluatedParts(node);
    const last = lastIndexWhere(parts, (p) => this.awaits(p));
    if (last < 0) return this.unsupported(`await inside ${node.type}`, node);
    const replaced = new Map<Node, Chunk[]>();
    parts.forEach((part, index) => {
      if (index > last) return;
      let value = this.expr(part, out);
      const property = node.type === 'ObjectExpression' ? node.properties.find((p: Node) => p.type === 'Property' && (p.value === part || (p.computed && p.key === part))) : undefined;
      if (index < last && property?.computed && property.key === part) {
        // Converted at once, before the value, as natively (and once: the property is made later).
        value = [read(this.spillChunks(propertyKey(value), out))];
      } else if (index < last && property !== undefined && isAnonymousFunction(part) && (property.computed || propertyKeyOf(property.key) !== '__proto__')) {
        // A property value takes its key's name (`__proto__: v` sets the prototype, names nothing).
        value = [read(this.spillChunks(named(property.computed ? replaced.get(property.key)! : propertyKeyOf(property.key), value), out))];
      } else if (index < last) {
        value = this.spill(value, part, out);
      }
      replaced.set(part, value);
    });
    if (node.type === 'NewExpression' && replaced.has(node.callee)) {
      // The constructor was read into a temp before the awaits: a failure must still name it.
      const args = node.arguments.map((a: Node) => {
        const inner = a.type === 'SpreadElement' ? a.argument : a;
        const value = replaced.get(inner) ?? this.plainExpr(inner);
        return a.type === 'SpreadElement' ? ['...', ...value] : value;
      });
      return [`${this.context.names.runtime('construct')}(`, ...replaced.get(node.callee)!, `, ${JSON.stringify(calleeText(this.context.text, node.callee))}`, ...args.flatMap((a: Chunk[]) => [', ', ...a]), ')'];
    }
    return rebuild(node, replaced);
  }

  /**
   * A class whose heritage or computed keys await. The class evaluates its heritage, then its
   * computed keys in order, each converted to a property key at once (V8 checks the heritage only
   * then, when it creates the class); those before the last await are evaluated first, into
   * temps, the rest stay in the class as written.
   */
  private classWithAwaits(node: Node, out: Item[]): Chunk[] {
    const parts: Node[] = [];
    if (node.superClass) parts.push(node.superClass);
    for (const element of node.body.body) if (element.computed && element.key) parts.push(element.key);
    const last = lastIndexWhere(parts, (p) => this.awaits(p));
    const moved = parts.slice(0, last + 1);
    // In the heritage and the keys, the class's name is its own binding, in its dead zone until the
    // class is made. Evaluated before the class, they read a box instead (closures there too),
    // filled with the class once it is made.
    let own: Value | null = null;
    if (node.id) {
      const name: string = node.id.name;
      const refs: Node[] = [];
      for (const part of moved) refs.push(...referencesTo(part, name));
      if (refs.length > 0) {
        own = this.temp();
        out.push(code([write(own), ' = ', this.deadZoneBox(name, null, true), ';'], [own]));
        const shorthand = new Set(moved.flatMap((part) => [...shorthandValues(part, () => false)]));
        for (const ref of refs) this.renames.set(ref, shorthand.has(ref) ? `${name}: ${own.name}.v` : `${own.name}.v`);
      }
    }
    const replaced = new Map<Node, Chunk[]>();
    moved.forEach((part, index) => {
      let value = this.expr(part, out);
      if (index < last) {
        // V8 checks the heritage when it creates the class, after the keys.
        if (part === node.superClass) {
          value = this.spill(value, part, out);
        } else {
          value = [read(this.spillChunks(propertyKey(value), out))];
        }
      }
      replaced.set(part, value);
    });
    if (own === null) return rebuild(node, replaced);
    const made = this.spillChunks(rebuild(node, replaced), out);
    out.push(code([read(own), '.x = ', read(made), '; ', read(own), '.t = true;']));
    return [read(made)];
  }

  /** Keeps a value computed before a later await in a temp (unless it cannot change). */
  private spill(value: Chunk[], node: Node, out: Item[]): Chunk[] {
    if (this.isStable(node, value)) return value;
    return [read(this.spillChunks(unnamed(node, value), out))];
  }

  private spillChunks(value: Chunk[], out: Item[]): Value {
    const temp = this.temp();
    out.push(code([write(temp), ' = ', ...value, ';'], [temp]));
    return temp;
  }

  private isStable(node: Node, value: Chunk[]): boolean {
    if (value.length === 1 && typeof value[0] === 'object' && value[0].kind === 'ref') return true;
    switch (node.type) {
      case 'Literal':
      case 'ThisExpression':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        return true;
      case 'TemplateLiteral':
        return node.expressions.length === 0;
      case 'Identifier': {
        const ref = this.scope.referenceAt.get(node);
        if (ref) return !ref.binding.reassigned && ref.binding.kind !== 'var' && ref.binding.kind !== 'param';
        return node.name === 'undefined';
      }
      default:
        return false;
    }
  }
}

/** The nodes an expression evaluates, in order (not function bodies, not non-computed keys). */
function evaluatedParts(node: Node): Node[] {
  switch (node.type) {
    case 'MemberExpression':
      // `super` is no value to spill: its base (the home object's prototype) is read with the key.
      if (node.object.type === 'Super') return node.computed ? [node.property] : [];
      return node.computed ? [node.object, node.property] : [node.object];
    case 'ObjectExpression':
      return node.properties.flatMap((p: Node) => {
        if (p.type === 'SpreadElement') return [p.argument];
        const parts: Node[] = [];
        if (p.computed) parts.push(p.key);
        if (p.kind === 'init' && !p.method) parts.push(p.value);
        return parts;
      });
    case 'SpreadElement':
      return [node.argument];
    case 'ArrayExpression':
      return node.elements.filter((e: Node | null) => e !== null).map((e: Node) => (e.type === 'SpreadElement' ? e.argument : e));
    case 'NewExpression':
      return [node.callee, ...node.arguments.map((a: Node) => (a.type === 'SpreadElement' ? a.argument : a))];
    case 'TemplateLiteral':
      return node.expressions;
    case 'ImportExpression':
      return [node.source, ...(node.options ? [node.options] : [])];
    default:
      return childrenOf(node).filter((c) => !isFunction(c) && c.type !== 'TemplateElement');
  }
}

/** The identifiers read in an expression (not property names, not inside functions). */
function identifierNodes(node: Node): Node[] {
  const found: Node[] = [];
  const visit = (n: Node, parent: Node | null): void => {
    if (isFunction(n)) return;
    if (n.type === 'Identifier') {
      const name = parent !== null && ((parent.type === 'MemberExpression' && parent.property === n && !parent.computed) || (parent.type === 'Property' && parent.key === n && !parent.computed));
      if (!name) found.push(n);
      return;
    }
    for (const child of childrenOf(n)) visit(child, n);
  };
  visit(node, null);
  return found;
}

/** The text of `node` with some of its parts replaced (a shorthand property keeps its key). */
function rebuild(node: Node, replaced: Map<Node, Chunk[]>): Chunk[] {
  const entries = [...replaced.entries()].sort((a, b) => a[0].start - b[0].start);
  const out: Chunk[] = [];
  let position = node.start;
  for (const [part, chunks] of entries) {
    out.push(copyRange(position, part.start));
    if (node.type === 'ObjectExpression') {
      const property = node.properties.find((p: Node) => p.type === 'Property' && p.shorthand && p.value === part);
      if (property) out.push(copy(property.key), ': ');
    }
    out.push('(', ...chunks, ')');
    position = part.end;
  }
  out.push(copyRange(position, node.end));
  return out;
}

/** A block the lowering makes (it declares no functions of its own). */
function blockOf(items: Item[]): BlockItem {
  return { kind: 'block', items, hoistedFunctions: [], ...spanOf(items) };
}

function joinArgs(args: Chunk[][]): Chunk[] {
  return args.flatMap((arg, index) => (index === 0 ? arg : [', ', ...arg]));
}

/** A single reference to a value (a temp or a variable). */
function isRef(chunks: readonly Chunk[]): boolean {
  const only = chunks[0];
  return chunks.length === 1 && typeof only === 'object' && only.kind === 'ref';
}

function wrapCallee(callee: Chunk[]): Chunk[] {
  const only = callee[0];
  return callee.length === 1 && typeof only === 'object' && only.kind === 'ref' ? callee : ['(', ...callee, ')'];
}

function lastIndexWhere<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i]!)) return i;
  return -1;
}

/**
 * V8's rendering of a callee in "x is not a function" (its CallPrinter, for common shapes).
 * `printed`: how a name or `this` is printed (as written by default).
 */
function calleeText(text: string, callee: Node, printed: (node: Node) => string = (node) => (node.type === 'ThisExpression' ? 'this' : node.name)): string {
  const render = (node: Node): string => {
    switch (node.type) {
      case 'Identifier':
      case 'ThisExpression':
        return printed(node);
      case 'Literal':
        return typeof node.value === 'string' ? JSON.stringify(node.value) : String(node.raw ?? node.value);
      case 'MemberExpression': {
        // A link of an optional chain is printed with its `?.`.
        const object = render(node.object) + (node.optional ? '?.' : '');
        const dot = node.optional ? '' : '.';
        if (!node.computed) return `${object}${dot}${text.slice(node.property.start, node.property.end)}`;
        const key = node.property;
        if (key.type === 'Literal' && typeof key.value === 'string') return `${object}${dot}${key.value}`;
        return `${object}[${render(key)}]`;
      }
      case 'CallExpression':
        return `${render(node.callee)}(...)`;
      case 'SequenceExpression':
        return `(${node.expressions.map(render).join(' , ')})`;
      case 'BinaryExpression':
      case 'LogicalExpression':
        return `(${render(node.left)} ${node.operator} ${render(node.right)})`;
      case 'TemplateLiteral':
        return node.expressions.map(render).join(''); // V8 prints a template's substitutions only
      default:
        return '(intermediate value)';
    }
  };
  return render(callee);
}

/**
 * How V8 names a declaration's initialiser that an array pattern finds not iterable
 * (`<source> is not iterable`); null when V8 describes the value instead (`number 1 is not
 * iterable (cannot read property Symbol(Symbol.iterator))`): a property, a call of a method.
 */
function iterableSource(text: string, init: Node): string | null {
  switch (init.type) {
    case 'Identifier':
    case 'ThisExpression':
    case 'AwaitExpression':
      return calleeText(text, init);
    case 'Literal':
      return typeof init.value === 'bigint' ? '(intermediate value)' : calleeText(text, init);
    case 'CallExpression':
    case 'NewExpression':
      return init.callee.type === 'Identifier' ? `${init.callee.name} is not a function or its return value` : null;
    default:
      return null;
  }
}

/**
 * How each binding identifier of a function is declared: a plain `let`/`const`/`var` declarator,
 * a simple parameter, a pattern, a loop head (the loop goes to `heads`), a catch clause, a class
 * or a function declaration (which boxing does not handle yet, see BOXABLE).
 */
function declarationSites(fn: Node, heads: Map<Node, Node> = new Map()): Map<Node, string> {
  const sites = new Map<Node, string>();
  for (const param of fn.params) {
    if (param.type === 'Identifier') sites.set(param, 'param');
    else for (const id of identifiersOf(param)) sites.set(id, 'parameter pattern');
  }
  const visit = (node: Node, parent: Node | null): void => {
    if (node !== fn && isFunction(node)) {
      if (node.type === 'FunctionDeclaration' && node.id) sites.set(node.id, 'function declaration');
      return;
    }
    if (node.type === 'VariableDeclaration') {
      const inHead = parent !== null && /^For(In|Of)?Statement$/.test(parent.type) && (parent.init === node || parent.left === node);
      for (const d of node.declarations) {
        for (const id of identifiersOf(d.id)) {
          sites.set(id, inHead ? 'loop variable' : d.id.type !== 'Identifier' ? 'destructured variable' : node.kind);
          if (inHead) heads.set(id, parent);
        }
      }
    } else if (node.type === 'CatchClause' && node.param) {
      for (const id of identifiersOf(node.param)) sites.set(id, 'catch parameter');
    } else if (node.type === 'ClassDeclaration' && node.id) {
      sites.set(node.id, 'class');
    }
    for (const child of childrenOf(node)) visit(child, node);
  };
  visit(fn.body, fn);
  return sites;
}

/**
 * For each identifier inside a nested function, where that closure is created: a function
 * declaration at the start of its block (it is hoisted), any other function where it is written.
 */
function closureCreation(fn: Node): Map<Node, number> {
  const created = new Map<Node, number>();
  const visit = (node: Node, blockStart: number, closure: number | null): void => {
    let here = closure;
    if (node !== fn && isFunction(node) && here === null) here = node.type === 'FunctionDeclaration' ? blockStart : node.start;
    if (node.type === 'Identifier' && here !== null) created.set(node, here);
    const start = node.type === 'BlockStatement' || node.type === 'SwitchCase' || node.type === 'StaticBlock' ? node.start : blockStart;
    for (const child of childrenOf(node)) visit(child, start, here);
  };
  visit(fn.body, fn.body.start, null);
  return created;
}

/**
 * For each identifier of a function (not of nested functions), where its statement ends (or its
 * declarator: `let g = f, i = await p` initialises g before the await).
 */
function statementEnds(fn: Node): Map<Node, number> {
  const ends = new Map<Node, number>();
  const visit = (node: Node, end: number): void => {
    if (node !== fn && isFunction(node)) return;
    const here = /(Statement|Declaration|Declarator)$/.test(node.type) && node.type !== 'FunctionDeclaration' ? node.end : end;
    if (node.type === 'Identifier') ends.set(node, here);
    for (const child of childrenOf(node)) visit(child, here);
  };
  visit(fn.body, fn.body.end);
  return ends;
}

/**
 * For each name declared by a pattern that awaits (lowered into steps, see destructure): where
 * it is initialised, after its own element and the defaults of the elements that contain it.
 */
function loweredPatternInits(fn: Node, awaits: (node: Node) => boolean): Map<Node, number> {
  const at = new Map<Node, number>();
  const bind = (pattern: Node, after: number): void => {
    switch (pattern.type) {
      case 'Identifier':
        at.set(pattern, Math.max(after, pattern.end));
        break;
      case 'AssignmentPattern':
        bind(pattern.left, Math.max(after, pattern.end));
        break;
      case 'ObjectPattern':
        for (const p of pattern.properties) bind(p.type === 'RestElement' ? p.argument : p.value, after);
        break;
      case 'ArrayPattern':
        for (const e of pattern.elements) if (e) bind(e.type === 'RestElement' ? e.argument : e, after);
        break;
      default:
        break;
    }
  };
  const visit = (node: Node): void => {
    if (node !== fn && isFunction(node)) return;
    const pattern = node.type === 'VariableDeclarator' ? node.id : node.type === 'CatchClause' ? node.param : null;
    if (pattern && awaits(pattern)) bind(pattern, 0);
    for (const child of childrenOf(node)) visit(child);
  };
  visit(fn.body);
  return at;
}

/**
 * Identifiers that are the value of a shorthand property (`{ x }`), in objects and patterns; not
 * in the patterns that `lowered` says are lowered into steps (their names are bound one by one).
 */
export function shorthandValues(root: Node, lowered: (pattern: Node) => boolean): Set<Node> {
  const found = new Set<Node>();
  const visit = (node: Node, inLowered: boolean): void => {
    if (node.type === 'Property' && node.shorthand && !inLowered) {
      const value = node.value.type === 'AssignmentPattern' ? node.value.left : node.value;
      if (value.type === 'Identifier') found.add(value);
    }
    const here = inLowered || ((node.type === 'ObjectPattern' || node.type === 'ArrayPattern') && lowered(node));
    for (const child of childrenOf(node)) {
      // Defaults and computed keys are expressions again.
      const expression = (node.type === 'AssignmentPattern' && child === node.right) || (node.type === 'Property' && node.computed && child === node.key);
      visit(child, here && !expression);
    }
  };
  visit(root, false);
  return found;
}

/** How V8 names the value of a for-in/of or for await loop's head in its messages. */
const FOR_SOURCE = '.for';
/** A parameter's object pattern: V8 describes the value where it names the source (see requireCoercible). */
const DESCRIBED_SOURCE = '\0described';
/** How V8 names the value of a parameter's object pattern with a default, whatever the default. */
const DEFAULTED_PARAMETER_SOURCE = '(intermediate value)(intermediate value)(intermediate value)';

/** How a variable a closure captures may be declared for it to be boxed (see checkSupported). */
const BOXABLE = new Set(['let', 'const', 'var', 'param', 'parameter pattern', 'catch parameter', 'destructured variable', 'loop variable', 'class', 'function declaration']);

/**
 * The value of `node` as written where it is kept in a temp or scratch, which is no name for it:
 * an anonymous function or class would take the temp's (`(0, f)` is no function definition).
 */
function unnamed(node: Node, value: Chunk[]): Chunk[] {
  return isAnonymousFunction(node) && !isRef(value) ? ['(0, ', ...value, ')'] : value;
}

/** ToPropertyKey of a computed key, at once (the key is then converted once, in order). */
function propertyKey(key: Chunk[]): Chunk[] {
  return ['globalThis.Reflect.ownKeys({ [', ...key, ']: 0 })[0]'];
}

/** The property key of a non-computed key (an identifier, a string or a number). */
function propertyKeyOf(key: Node): string {
  if (key.type === 'Identifier') return key.name;
  if (typeof key.value === 'bigint' || key.bigint) return String(key.bigint ?? key.value);
  return String(key.value);
}
