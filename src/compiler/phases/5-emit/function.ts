/**
 * Emits one compiled async function: its public face (returns a Task), its fast entry (returns
 * the value, or a Signal), and the constructor(s) of its continuation.
 */
import { childrenOf, directivePrologue, isFunction, type Node } from '../../ast.js';
import { UnsupportedAt } from '../../errors.js';
import type { Names } from '../../names.js';
import type { FunctionScope } from '../2-analyze/scope.js';
import type { Jump } from '../2-analyze/jumps.js';
import { type Item, type LoweredFunction, namingKey, type Value } from '../3-lower/ir.js';
import { type SharedLayout, valueSlotsOf } from '../4-layout/layout.js';
import { FRAME_SLOTS } from '../../../runtime/contract.js';
import { RESUMES_THROUGH_STATE } from '../../../runtime/flags.js';
import { ItemEmitter } from './items.js';
import type { Output } from './output.js';
import type { Prologues } from './prologue.js';
import { printTwin } from './before-run.js';
import type { Emit, Rewrites } from './rewrites.js';

export interface FunctionPlan {
  readonly fn: Node;
  readonly parent: Node;
  readonly scope: FunctionScope;
  readonly lowered: LoweredFunction;
  readonly jumps: Jump[];
  /** Null for a function without awaits (no continuation). */
  readonly layout: SharedLayout | null;
  readonly reuse: boolean;
  /** Declared directly in the module body (its face is registered in the header). */
  readonly topLevel: boolean;
  /** For a method: the class body or object literal that holds it. */
  readonly home: Node | null;
  /** The parent of `parent` (for a declaration in a function body: that function). */
  readonly grandparent: Node | null;
  /** Strict mode code. */
  readonly strict: boolean;
}

/** The face of a compiled declaration, made at the top of the declaration's scope (it is hoisted). */
export interface HoistedFace {
  readonly id: Node;
  /** The expression that makes the face. */
  readonly face: string;
}

export interface EmitContext {
  readonly text: string;
  /** The source is a module (it may be in an import cycle), not a script. */
  readonly module: boolean;
  readonly output: Output;
  readonly rewrites: Rewrites;
  readonly names: Names;
  /** Module-level declarations: continuation constructors, registrations of top-level faces. */
  readonly header: (string | Emit)[];
  /**
   * Faces of compiled declarations by the node of their scope (a block, a static block, or a
   * function whose body declares them), printed at the top of that scope.
   */
  readonly hoistedFaces: Map<Node, HoistedFace[]>;
  /** What bodies copied as written print first (faces of their declarations, a twin's entry). */
  readonly prologues: Prologues;
  /** Top-level declarations another module can call before this one runs (2-analyze/before-run.ts). */
  readonly callableBeforeRun: Set<Node>;
  /** Compiled functions whose body is printed from the IR (they suspend): their faces follow the prologue. */
  readonly loweredBodies: Set<Node>;
  /** Class bodies and object literals that hold compiled methods: their registrations, and how many have computed names. */
  readonly methodHomes: Map<Node, { registrations: string[]; computed: number }>;
  readonly continueAsBreak: Map<Node, string>;
}

/** Registers the rewrites that print `plan.fn` compiled. */
export function planEmission(plan: FunctionPlan, context: EmitContext): void {
  const { fn, parent } = plan;
  const { rewrites, names } = context;
  const stateful = plan.layout !== null;

  // A function that resumes is called with the continuation as `this`: its own `this` and
  // `arguments` (and those its arrows see) are read from aliases. Arrows keep the lexical ones.
  if (plan.lowered.thisValue) {
    for (const node of plan.scope.thisNodes) rewrites.add(node, () => context.output.gen(names.this, node.start));
  }
  // An async function is never called as a constructor: `new.target` is undefined in it (an
  // arrow's is its enclosing function's, which the arrow keeps natively).
  if (fn.type !== 'ArrowFunctionExpression') {
    for (const node of plan.scope.newTargetNodes) rewrites.add(node, () => context.output.gen('undefined', node.start));
  }
  if (plan.lowered.argumentsValue) {
    // Reads and (sloppy mode) writes: `{ arguments } = o` keeps its key.
    const shorthand = shorthandIdentifiers(fn);
    for (const node of plan.scope.argumentsNodes) rewrites.add(node, () => context.output.gen(shorthand.has(node) ? `arguments: ${names.arguments}` : names.arguments, node.start));
  }
  if (stateful) context.loweredBodies.add(fn);
  for (const [node, name] of plan.lowered.renames) {
    rewrites.add(node, () => context.output.gen(name, node.start));
  }
  // Registered before the rewrites of a compiled function it may be: the outer one is printed first.
  for (const [node, name] of plan.lowered.namedValues) {
    const key = JSON.stringify(name);
    rewrites.add(node, () => {
      context.output.gen(`{ ${namingKey(name)}: `, node.start);
      rewrites.copy(node.start, node.end);
      context.output.gen(` }[${key}]`);
    });
  }
  for (const jump of plan.jumps) {
    const completion = plan.lowered.completionJumps.get(jump.node);
    if (completion && jump.kind !== 'return') {
      // A break or continue through a finally that awaits: record which, and leave to the finally.
      const index = completion.jumps.findIndex((j) => j.node === jump.node);
      rewrites.add(jump.node, () => context.output.gen(`{ ${completion.kind.name} = ${3 + index}; break ${completion.label}; }`, jump.node.start));
      continue;
    }
    if (completion) {
      // Inside a try whose finally awaits: record the completion and leave to the finally.
      const node = jump.node;
      rewrites.add(node, () => {
        context.output.gen(`{ ${completion.value.name} = (`, node.start);
        if (node.argument) rewrites.copy(node.argument.start, node.argument.end);
        else context.output.gen('undefined');
        context.output.gen(`); ${completion.kind.name} = 2; break ${completion.label}; }`);
      });
      continue;
    }
    if (jump.kind === 'return' && jump.node.argument && mayBeThenable(jump.node.argument)) {
      const node = jump.node;
      rewrites.add(node, () => {
        // Parenthesised: the argument may be a comma expression.
        context.output.gen(`return ${names.runtime('ret')}((`, node.start);
        rewrites.copy(node.argument.start, node.argument.end);
        context.output.gen('))');
        rewrites.copy(node.argument.end, node.end);
      });
    }
  }

  const classNames = stateful ? continuationClasses(plan, context) : null;
  const body = (): void => emitFastBody(plan, context, classNames);
  const params = (): void => {
    new ItemEmitter(bodyContext(plan, context, classNames)).chunks(plan.lowered.params);
  };

  if (parent.type === 'MethodDefinition' || (parent.type === 'Property' && parent.method)) {
    planMethod(plan, context, params, body);
    return;
  }
  if (fn.type === 'FunctionDeclaration') {
    planDeclaration(plan, context, params, body);
    return;
  }
  // Expressions and arrows: the face is made at run time.
  const name = fn.id ? fn.id.name : inferredName(parent, fn, context.text);
  const selfReference = fn.type === 'FunctionExpression' && fn.id && refersTo(fn.body, fn.id.name);
  // The name of a function expression is a constant binding: assigning to it throws in strict
  // mode (as `const` does) and is ignored in sloppy mode, where writes go to a sink whose getter
  // gives the face.
  const sink = selfReference && !plan.strict && plan.scope.selfNameWrites.length > 0 ? `${names.prefix}self_${fn.id.name}` : null;
  if (sink !== null) {
    const shorthand = shorthandIdentifiers(fn);
    for (const node of plan.scope.selfNameWrites) {
      rewrites.add(node, () => context.output.gen(shorthand.has(node) ? `${fn.id.name}: ${sink}.v` : `${sink}.v`, node.start));
    }
  }
  rewrites.add(fn, () => {
    const out = context.output;
    const face = `${names.runtime('fn')}(`;
    if (selfReference) out.gen(`(() => { const ${fn.id.name} = ${face}`, fn.start);
    else out.gen(face, fn.start);
    if (fn.type === 'ArrowFunctionExpression') {
      out.gen('(');
      params();
      out.gen(') => ');
    } else {
      out.gen(selfReference ? 'function (' : `function ${fn.id ? fn.id.name : ''}(`);
      params();
      out.gen(') ');
    }
    body();
    out.gen(`, ${JSON.stringify(name)}, ${plan.lowered.length})`);
    if (sink !== null) out.gen(`; const ${sink} = { get v() { return ${fn.id.name}; }, set v(_) {} }`);
    if (selfReference) out.gen(`; return ${fn.id.name}; })()`);
  });
}

/**
 * A declaration's face is made by the runtime (a method, so not a constructor and without
 * `prototype`, `arguments` or `caller`), which a `function` declaration cannot be. To be hoisted
 * as a declaration is, it is made at the top of the declaration's scope: in the module header
 * (`var`, or over its native twin where another module may call it before this one runs:
 * before-run.ts), first in the function body (`var`, after the directives) or first in the block
 * (`let`: an async function declaration in a block is block-scoped, without Annex B's var), or,
 * in a `switch`, where no statement can precede the first case, by the test of a case put first
 * (evaluated first, in the switch's scope, and never matching), which assigns it to a placeholder
 * declaration. In its place stays the fast entry, a function declaration, hoisted in the same scope.
 */
function planDeclaration(plan: FunctionPlan, context: EmitContext, params: () => void, body: () => void): void {
  const { fn, parent, grandparent } = plan;
  const { rewrites, names, text } = context;
  // `export default async function () {}` is bound to a name of the compiler's, and named "default".
  const name: string = fn.id ? fn.id.name : names.defaultExport;
  const faceName: string = fn.id ? fn.id.name : 'default';
  const fast = names.fast(faceName);
  const face = `${names.runtime('fn')}(${fast}, ${JSON.stringify(faceName)}, ${plan.lowered.length})`;
  const exported = parent.type === 'ExportNamedDeclaration' || parent.type === 'ExportDefaultDeclaration';
  const node = exported ? parent : fn;
  const inCase = parent.type === 'SwitchCase';
  // Another module of an import cycle may call it before this one runs (before-run.ts).
  const twin = plan.topLevel && context.callableBeforeRun.has(fn);
  rewrites.add(node, () => {
    const out = context.output;
    if (inCase) {
      // The name's declaration, hoisted in the switch's scope until the face replaces it: an
      // async function, of which Annex B makes no function-level `var` in sloppy mode.
      out.gen('async function ', fn.start);
      rewrites.copy(fn.id.start, fn.id.end);
      out.gen('() {} ');
    } else if (twin) {
      printTwin(fn, name, context);
      out.gen(' ');
    }
    out.gen(`function ${fast}(`, fn.start);
    params();
    out.gen(') ');
    body();
    if (parent.type === 'ExportNamedDeclaration') out.gen(` export { ${name} };`);
    else if (parent.type === 'ExportDefaultDeclaration') out.gen(` export { ${name} as default };`);
  });
  if (plan.topLevel) {
    context.header.push(twin ? `${name} = ${face};` : `var ${name} = ${face};`);
    return;
  }
  const functionBody = grandparent !== null && isFunction(grandparent) && grandparent.body === parent;
  const scope = functionBody || inCase ? grandparent! : parent;
  let faces = context.hoistedFaces.get(scope);
  if (faces !== undefined) {
    faces.push({ id: fn.id, face });
    return;
  }
  faces = [{ id: fn.id, face }];
  context.hoistedFaces.set(scope, faces);
  const list = faces;
  // The binding's name as printed (a compiled enclosing function may have renamed it).
  const declare = (keyword: string): void => {
    for (const { id, face } of list) {
      context.output.gen(` ${keyword} `);
      rewrites.copy(id.start, id.end);
      context.output.gen(` = ${face};`);
    }
  };
  if (functionBody) {
    // A function that suspends prints its body from the IR: its faces follow the prologue.
    if (context.loweredBodies.has(grandparent)) return;
    context.prologues.add(grandparent!, () => declare('var'));
    return;
  }
  if (inCase) {
    // (A switch printed from the IR assigns them in the test of its own first case: items.ts, caseTest.)
    const first: Node = scope.cases[0];
    const keyword = first.test === null ? 'default' : 'case';
    rewrites.addRange(first.start, first.start + keyword.length, () => {
      context.output.gen('case (', first.start);
      for (const { id, face } of list) {
        rewrites.copy(id.start, id.end);
        context.output.gen(` = ${face}, `);
      }
      context.output.gen(`{}): ${keyword}`);
    });
    return;
  }
  // A block (when printed from the IR, the emitter declares the faces: see hoistedFace) or a
  // class static block.
  const brace = parent.type === 'StaticBlock' ? text.indexOf('{', parent.start + 'static'.length) : parent.start;
  rewrites.addRange(brace, brace + 1, () => {
    context.output.gen('{', brace);
    declare('let');
  });
}

function planMethod(plan: FunctionPlan, context: EmitContext, params: () => void, body: () => void): void {
  const { fn, parent } = plan;
  const { rewrites, names, text } = context;
  if (parent.key.type === 'PrivateIdentifier') {
    planPrivateMethod(plan, context, params, body);
    return;
  }
  const home = plan.home!;
  const methods = context.methodHomes.get(home) ?? { registrations: [], computed: 0 };
  // A computed name is evaluated once, by the class or object literal: the compiled code keeps
  // the key it evaluated (`pushKey`), and the registration takes it back (`takeKeys`).
  let key: string;
  if (parent.computed) key = `${names.prefix}keys[${methods.computed++}]`;
  else if (parent.key.type === 'Identifier') key = JSON.stringify(parent.key.name);
  else key = JSON.stringify(String(parent.key.value));
  const head = text.slice(parent.start, parent.key.start);
  const asyncAt = head.search(/\basync\b/);
  if (asyncAt < 0) throw new UnsupportedAt('could not find the `async` keyword of this method', parent.start);
  const out = context.output;
  const method = (): void => {
    out.gen('(', fn.start);
    params();
    out.gen(') ');
    body();
  };
  if (parent.computed) {
    // The key is left out of the rewrites: a class whose keys await prints a key evaluated before
    // the await as a temp (lower.ts, classWithAwaits), cutting the member's text there.
    rewrites.addRange(parent.start, parent.key.start, () => {
      rewrites.copy(parent.start, parent.start + asyncAt);
      rewrites.copy(parent.start + asyncAt + 'async'.length, parent.key.start);
      out.gen(`${names.runtime('pushKey')}(`);
    });
    rewrites.addRange(parent.key.end, parent.end, () => {
      out.gen(')');
      rewrites.copy(parent.key.end, fn.start);
      method();
    });
  } else {
    rewrites.add(parent, () => {
      rewrites.copy(parent.start, parent.start + asyncAt);
      rewrites.copy(parent.start + asyncAt + 'async'.length, fn.start);
      method();
    });
  }
  // A later member with the same name replaces this method: there is nothing to attach a face to.
  if (!parent.computed && isOverridden(home, parent)) return;
  if (home.type === 'ClassBody') {
    methods.registrations.push(`${names.runtime('method')}(${parent.static ? 'this' : 'this.prototype'}, ${key}, ${plan.lowered.length});`);
  } else {
    methods.registrations.push(`${key}, ${plan.lowered.length}`);
  }
  context.methodHomes.set(home, methods);
}

function isOverridden(home: Node, member: Node): boolean {
  const members: Node[] = home.type === 'ClassBody' ? home.body : home.properties;
  const keyOf = (m: Node): string | null => {
    if (m.type === 'SpreadElement' || m.computed || !m.key) return null;
    return m.key.type === 'Identifier' ? m.key.name : String(m.key.value);
  };
  const name = keyOf(member);
  return members.slice(members.indexOf(member) + 1).some((m) => keyOf(m) === name && (home.type !== 'ClassBody' || (m.static === member.static && m.type === 'MethodDefinition')));
}

/**
 * A private method cannot be replaced from outside the class: its face is written in its place,
 * and the fast entry becomes a private method of its own (compiled callers take the face's path).
 */
function planPrivateMethod(plan: FunctionPlan, context: EmitContext, params: () => void, body: () => void): void {
  const { fn, parent } = plan;
  const { rewrites, names } = context;
  const name = parent.key.name as string;
  const fast = `#${names.fast(name)}`;
  const isStatic = parent.static ? 'static ' : '';
  const faceParams = Array.from({ length: plan.lowered.length }, (_, i) => names.param(i)).join(', ');
  rewrites.add(parent, () => {
    const out = context.output;
    out.gen(`${isStatic}#${name}(${faceParams}) { return ${names.runtime('start')}(this.${fast}, this, arguments); } ${isStatic}${fast}(`, parent.start);
    params();
    out.gen(') ');
    body();
  });
  void fn;
}

/** Registers the rewrites that attach the faces of compiled methods to their class or object. */
export function planMethodHomes(context: EmitContext): void {
  for (const [home, { registrations, computed }] of context.methodHomes) {
    const { rewrites, output, names } = context;
    const keys = `${names.prefix}keys`;
    const takeKeys = `${names.runtime('takeKeys')}(${computed})`;
    if (home.type === 'ClassBody') {
      // First in the body: static fields and blocks that call the methods run after it.
      const taken = computed > 0 ? `const ${keys} = ${takeKeys}; ` : '';
      // Its brace only: the body may be printed in pieces (a class whose keys await, see planMethod).
      rewrites.addRange(home.start, home.start + 1, () => output.gen(`{ static { ${taken}${registrations.join(' ')} }`, home.start));
    } else {
      // Around its braces only: the literal may be printed in pieces (one whose values await).
      // With computed keys, the literal is evaluated first (as the argument), then its keys are taken back.
      const object = `${names.prefix}object`;
      const [before, after] = computed > 0
        ? [`((${object}) => { const ${keys} = ${takeKeys}; return ${names.runtime('methods')}(${object}, ${registrations.join(', ')}); })(`, ')']
        : [`${names.runtime('methods')}(`, `, ${registrations.join(', ')})`];
      rewrites.addRange(home.start, home.start + 1, () => output.gen(`${before}{`, home.start));
      rewrites.addRange(home.end - 1, home.end, () => output.gen(`}${after}`, home.end - 1));
    }
  }
}

function bodyContext(plan: FunctionPlan, context: EmitContext, classNames: ((state: number) => string) | null) {
  const emptyLayout: SharedLayout = { slotOf: new Map(), resultSlot: 0, exceptionSlot: 0, slotCount: 0, points: [] };
  return {
    output: context.output,
    rewrites: context.rewrites,
    names: context.names,
    layout: plan.layout ?? emptyLayout,
    reuse: plan.reuse,
    classFor: classNames ?? (() => ''),
    scratch: new Set<string>(),
    resumesWithThis: plan.lowered.resumesWithThis,
    resumeFlag: resumesThroughState(plan) ? RESUMES_THROUGH_STATE : 0,
    clauseBindings: plan.lowered.clauseBindings,
    hoistedFace: (value: Value): string | null => {
      const binding = value.binding;
      if (binding === null || binding.kind !== 'function') return null;
      return context.hoistedFaces.get(binding.scope)?.find((f) => f.id.name === binding.name)?.face ?? null;
    },
  };
}

function emitFastBody(plan: FunctionPlan, context: EmitContext, classNames: ((state: number) => string) | null): void {
  const { fn, lowered, layout } = plan;
  const { output, rewrites, names } = context;
  if (layout === null) {
    if (fn.body.type === 'BlockStatement') {
      rewrites.copy(fn.body.start, fn.body.end);
    } else {
      // Parenthesised: the body may be a comma expression.
      output.gen(`{ return ${names.runtime('ret')}((`, fn.body.start);
      rewrites.copy(fn.body.start, fn.body.end);
      output.gen(')); }');
    }
    return;
  }
  const k = names.k;
  const s = names.s;
  const locals = [`${k} = null`, `${s} = 0`];
  if (lowered.thisValue) locals.push(`${lowered.thisValue.name} = this`);
  if (lowered.argumentsValue) locals.push(`${lowered.argumentsValue.name} = arguments`);
  for (const value of lowered.values) if (value.binding === null) locals.push(value.name);
  for (const scratch of scratchLocals(lowered, layout)) locals.push(names.scratch(scratch));
  // The directive prologue stays first, where it takes effect ("use strict").
  const directives = fn.body.type === 'BlockStatement' ? directivePrologue(fn.body.body) : [];
  const printed = directives.map((d) => `${context.text.slice(d.expression.start, d.expression.end)}; `);
  output.gen(`{ ${printed.join('')}let ${locals.join(', ')}; `, fn.body.start);
  // A resumption passes the continuation as `this` (no other caller can: Continuation is the
  // runtime's), or, where `this` is taken, through the runtime's state (see RESUMES_THROUGH_STATE).
  // `| 0` keeps the state number an untagged integer in optimised code: the guards that test it
  // on the way to the suspension point then need no Smi checks (6 instructions per resumption).
  if (resumesThroughState(plan)) {
    const state = names.runtime('state');
    output.gen(`if (${state}.resuming) { ${state}.resuming = false; ${k} = ${state}.k; ${s} = ${k}.state | 0; switch (${s}) { `);
  } else {
    output.gen(`if (this instanceof ${names.runtime('Continuation')}) { ${k} = this; ${s} = ${k}.state | 0; switch (${s}) { `);
  }
  for (const point of layout.points) {
    const restores = point.saved.filter((value) => value.home === 'function').map((value) => `${value.name} = ${k}.s${layout.slotOf.get(value)}; `);
    if (restores.length > 0) output.gen(`case ${point.site.state}: ${restores.join('')}break; `);
  }
  output.gen('} } ');
  // Faces of the declarations in the body, made on a fresh call (a resumption restores them).
  for (const { id, face } of context.hoistedFaces.get(fn) ?? []) {
    output.gen('var ');
    rewrites.copy(id.start, id.end);
    output.gen(` = ${s} === 0 ? ${face} : `);
    rewrites.copy(id.start, id.end);
    output.gen('; ');
  }
  new ItemEmitter(bodyContext(plan, context, classNames)).list(lowered.body);
  output.gen(' }');
}

/** Arrows (lexical `this`) and methods using `super` (resumed with their receiver). */
function resumesThroughState(plan: FunctionPlan): boolean {
  return plan.fn.type === 'ArrowFunctionExpression' || plan.lowered.resumesWithThis;
}

/** The scratch locals the emitted sites use (few locals keep deep recursion's frames small). */
function scratchLocals(lowered: LoweredFunction, layout: SharedLayout): string[] {
  const used = new Set<string>(lowered.scratch.map((name) => name.slice(name.lastIndexOf('_') + 1)));
  for (const site of lowered.states) {
    if (site.result === null) used.add('r');
    if (site.call) {
      used.add('r').add('f');
      if (site.call.receiver) used.add('o');
    } else {
      used.add('w');
    }
  }
  if (layout.exceptionSlot !== 0) used.add('x');
  const visit = (items: readonly Item[]): void => {
    for (const item of items) {
      switch (item.kind) {
        case 'try':
          if (item.captureInto || item.onThrow) used.add('e');
          visit(item.block);
          if (item.finalizer) visit(item.finalizer);
          break;
        case 'block':
          visit(item.items);
          break;
        case 'if':
          visit(item.consequent);
          if (item.alternate) visit(item.alternate);
          break;
        case 'native-loop':
          visit(item.body);
          break;
        case 'forever':
          visit(item.items);
          break;
        case 'switch':
          for (const clause of item.clauses) visit(clause);
          break;
        case 'labeled':
          visit([item.body]);
          break;
        default:
          break;
      }
    }
  };
  visit(lowered.body);
  return [...used];
}

/**
 * Declares in the module header what makes the continuations of a stateful function, and returns,
 * by suspension point, the callee that makes one: with reuse, a factory of the runtime's frame of
 * the function's size (or `new` of a class of its own past 8 slots); without, `new` of the
 * point's class.
 */
function continuationClasses(plan: FunctionPlan, context: EmitContext): (state: number) => string {
  const layout = plan.layout!;
  const base = context.names.continuationClass();
  // Every continuation extends the runtime's Continuation, so the header that the dispatcher
  // reads sits at the same offsets whatever the function.
  const extendsBase = `extends ${context.names.runtime('Continuation')}`;
  const none = context.names.runtime('NO_EXCEPTION');
  if (plan.reuse) {
    // Takes the value slots (items.ts, constructorArguments); the state and flags are stored by
    // the suspension that makes it.
    const valueSlots = new Set(valueSlotsOf(layout));
    const params = [...valueSlots].map((slot) => `s${slot}`);
    const initial = (slot: number): string => (valueSlots.has(slot) ? `s${slot}` : slot === layout.exceptionSlot ? none : 'undefined');
    if (layout.slotCount <= FRAME_SLOTS) {
      // A factory of the runtime's frame of its size, which all functions share (contract.ts).
      const frame = context.names.runtime(layout.slotCount <= 4 ? 'Frame4' : 'Frame8');
      const slots: string[] = [];
      for (let slot = 1; slot <= layout.slotCount; slot++) slots.push(initial(slot));
      while (slots.at(-1) === 'undefined') slots.pop();
      context.header.push(`function ${base}(${params.join(', ')}) { return new ${frame}(${slots.join(', ')}); }`);
      return () => base;
    }
    const fields: string[] = [];
    for (let slot = 1; slot <= layout.slotCount; slot++) fields.push(`this.s${slot} = ${initial(slot)};`);
    context.header.push(`class ${base} ${extendsBase} { constructor(${params.join(', ')}) { super(0, 0); ${fields.join(' ')} } }`);
    return () => `new ${base}`;
  }
  for (const point of layout.points) {
    // Its state and flags are its own; it takes what the point saves.
    const params: string[] = [];
    const fields: string[] = [];
    if (point.resultSlot !== 0) fields.push(`this.s${point.resultSlot} = undefined;`);
    if (point.exceptionSlot !== 0) fields.push(`this.s${point.exceptionSlot} = ${none};`);
    for (const value of point.saved) {
      const slot = layout.slotOf.get(value)!;
      params.push(`s${slot}`);
      fields.push(`this.s${slot} = s${slot};`);
    }
    const flags = point.flags | (resumesThroughState(plan) ? RESUMES_THROUGH_STATE : 0);
    context.header.push(`class ${base}_${point.site.state} ${extendsBase} { constructor(${params.join(', ')}) { super(${point.site.state}, ${flags}); ${fields.join(' ')} } }`);
  }
  return (state) => `new ${base}_${state}`;
}

/** Could this returned expression be a thenable? Literals, operators' results cannot. */
function mayBeThenable(node: Node): boolean {
  switch (node.type) {
    case 'Literal':
    case 'TemplateLiteral':
    case 'UpdateExpression':
    case 'UnaryExpression':
    case 'BinaryExpression':
      return false;
    default:
      return true;
  }
}

function inferredName(parent: Node, fn: Node, text: string): string {
  switch (parent.type) {
    case 'VariableDeclarator':
      return parent.init === fn && parent.id.type === 'Identifier' ? parent.id.name : '';
    case 'AssignmentExpression':
      return parent.right === fn && parent.left.type === 'Identifier' ? parent.left.name : '';
    case 'AssignmentPattern':
      return parent.right === fn && parent.left.type === 'Identifier' ? parent.left.name : '';
    case 'Property':
    case 'PropertyDefinition':
      if (parent.value !== fn || parent.computed) return '';
      if (parent.key.type === 'Identifier') return parent.key.name;
      if (parent.key.type === 'PrivateIdentifier') return text.slice(parent.key.start, parent.key.end);
      return String(parent.key.value ?? '');
    case 'ExportDefaultDeclaration':
      return 'default';
    default:
      return '';
  }
}

function refersTo(node: Node, name: string): boolean {
  if (node.type === 'Identifier' && node.name === name) return true;
  for (const child of childrenOf(node)) {
    if (isFunction(child) && child.id && child.id.name === name) continue;
    if (refersTo(child, name)) return true;
  }
  return false;
}

/** Identifiers that are the value of a shorthand property (`{ x }`, `{ x = 1 }`), in objects and patterns. */
function shorthandIdentifiers(root: Node): Set<Node> {
  const found = new Set<Node>();
  const visit = (node: Node): void => {
    if (node.type === 'Property' && node.shorthand) {
      const value = node.value.type === 'AssignmentPattern' ? node.value.left : node.value;
      if (value.type === 'Identifier') found.add(value);
    }
    for (const child of childrenOf(node)) visit(child);
  };
  visit(root);
  return found;
}
