/**
 * Random async programs for differential fuzzing (test/fuzz.test.ts), as fast-check values: a
 * small program language (`Stmt`, `Expr`) that fast-check generates and shrinks, and `render()`,
 * which turns a program into the source of an ES module exporting `main(log)` (run with the
 * prelude of test/support/semantics.ts).
 *
 * A program is a tree of choices rather than text: variables, jump targets and labels are
 * resolved when it is rendered (a reference is an index into the variables in scope at that
 * point), so that every program fast-check produces, shrunk ones included, is valid and within
 * what reawait supports:
 * - no reference to a variable in its temporal dead zone, no redeclaration, except where the
 *   dead zone is the point: a closure created before the `let`/`const` it captures (`tdz`), and
 *   declarations directly inside a `switch` read from a later case;
 * - closures capture `let`/`const`/`var` variables, catch parameters and destructured variables,
 *   and, made in a loop head's or catch parameter's pattern, a later name of it (Pattern.early);
 * - no await inside class bodies (but in a class expression's computed keys and heritage), except
 *   in the async methods that use `super` (`home`);
 * Programs may run parts of `main` in an AsyncLocalStorage store (`als.run`) and read it.
 * Programs are deterministic, always terminate (every loop is bounded) and depend only on the
 * main task's own order of events: awaited promises are created where they are awaited, and
 * nothing runs concurrently with `main` (README: timing).
 */
import fc from 'fast-check';

/** What an `await` waits for. */
export type AwaitKind =
  | 'value' // await v
  | 'resolved' // await Promise.resolve(v)
  | 'rejected' // await Promise.reject(oops(v))
  | 'later' // a native promise resolved on a timer
  | 'failLater' // a native promise rejected on a timer
  | 'thenable' // an object with `then` that resolves
  | 'thenableFail' // an object with `then` that rejects
  | 'quick' // a compiled call that completes synchronously
  | 'slow' // a compiled call that suspends
  | 'quickFail' // a compiled call that throws at once
  | 'boom' // a compiled call that suspends, then throws
  | 'method' // a compiled async method using `this` and `arguments` (suspends for odd numbers)
  | 'awaiter' // the awaiter protocol (compiled) or `then` (native): completed on a timer
  | 'awaiterFail' // the same, completed with an error
  | 'awaiterReady' // an awaiter already complete (compiled continues at once; native awaits `then`)
  | 'spin'; // a compiled callee that awaits pending awaiters in a loop, their results unused, then awaits a compiled callee suspending on one

/**
 * A destructuring pattern of two names: `[x, y = dflt]` or `{ p: x, [key(k)]: y = dflt }`.
 * `early`: declared (a loop head, a catch parameter), it also makes a closure over `y` before `y`'s
 * element (and whatever its default awaits), kept in `fns`.
 */
export type Pattern = { form: 'array' | 'object'; dflt: Expr; key: Expr; early?: boolean };

/** `super`: a property of the home object's prototype (`o`'s outside an async method, see `home`). */
export type Target = { t: 'var'; i: number } | { t: 'member'; key: 'p' | 'q' } | { t: 'computed'; e: Expr } | { t: 'super'; key: 'p' | 's' | 'n' } | { t: 'superComputed'; e: Expr };

export type Expr =
  | { k: 'lit'; v: number }
  | { k: 'ref'; i: number }
  | { k: 'meta'; which: 'arguments' | 'this' }
  | { k: 'await'; how: AwaitKind; e: Expr }
  | { k: 'binary'; op: '+' | '-' | '*' | '<' | '===' | '!=='; l: Expr; r: Expr }
  | { k: 'logical'; op: '&&' | '||' | '??'; l: Expr; r: Expr }
  | { k: 'cond'; t: Expr; a: Expr; b: Expr }
  | { k: 'optional'; form: 'member' | 'computed' | 'call' | 'optionalCall'; base: Expr; arg: Expr; alt: Expr }
  | { k: 'template'; tagged: boolean; a: Expr; b: Expr }
  | { k: 'spread'; form: 'call' | 'array' | 'object'; a: Expr; b: Expr }
  | { k: 'new'; form: 'box' | 'class' | 'key' | 'heritage'; a: Expr } // values of the program's own classes are not logged (each run has its own)
  | { k: 'object'; a: Expr; b: Expr; shorthand: number | null }
  | { k: 'assign'; target: Target; op: '=' | '+=' | '-=' | '*=' | '&&=' | '||=' | '??='; e: Expr }
  | { k: 'update'; target: Target; op: '++x' | 'x++' | '--x' | 'x--' }
  | { k: 'comma'; a: Expr; b: Expr }
  | { k: 'unary'; op: 'typeof' | 'delete' | '!' | '-'; e: Expr }
  | { k: 'relation'; op: 'in' | 'instanceof'; e: Expr }
  | { k: 'closure'; e: Expr }
  | { k: 'store' } // als.getStore()
  | { k: 'asyncArrow'; arg: Expr; body: Expr }
  // `super` in an async method (SBase's members; outside one, `a`): a data property, a getter, a
  // computed key, a call, optional calls of a method and of a missing one, a tagged template.
  | { k: 'super'; form: 'read' | 'getter' | 'computed' | 'call' | 'optional' | 'missing' | 'tag'; a: Expr; b: Expr };

export type Stmt =
  | { k: 'log'; e: Expr }
  | { k: 'expr'; e: Expr }
  | { k: 'decl'; kind: 'let' | 'const' | 'var'; e: Expr; shadow: number | null }
  | { k: 'destructure'; form: 'array' | 'object' | 'assignArray' | 'assignObject'; kind: 'let' | 'const' | 'var'; a: Expr; b: Expr; dflt: Expr; key: Expr }
  | { k: 'class'; e: Expr }
  | { k: 'tdz'; kind: 'let' | 'const'; shadow: number | null; push: boolean; before: Stmt[]; e: Expr; after: Stmt[] }
  | { k: 'als'; v: number; body: Stmt[] }
  // An async method (of a class, static, or of an object literal) whose home object's prototype is
  // SBase's, called at once with `arg`, its body run directly or in an async arrow.
  | { k: 'home'; form: 'class' | 'static' | 'object'; arrow: boolean; arg: Expr; body: Stmt[] }
  | { k: 'capture'; write: boolean; i: number; e: Expr }
  | { k: 'if'; t: Expr; a: Stmt[]; b: Stmt[] }
  | { k: 'for'; n: number; awaitInit: boolean; t: Expr | null; awaitUpdate: boolean; label: boolean; head: null | { kind: 'let' | 'var'; dflt: Expr }; body: Stmt[] }
  // `raw`: a pattern's elements are the values themselves (maybe null, undefined or not iterable).
  | { k: 'forOf'; counted: boolean; a: Expr; b: Expr; n: number; label: boolean; pattern: null | { assign: boolean; p: Pattern; raw: boolean }; body: Stmt[] }
  | { k: 'forIn'; overO: boolean; label: boolean; body: Stmt[] }
  | { k: 'while'; doWhile: boolean; n: number; t: Expr | null; label: boolean; body: Stmt[] }
  | { k: 'forAwait'; agen: boolean; a: Expr; b: Expr; n: number; label: boolean; pattern: Pattern | null; raw: boolean; body: Stmt[] }
  | { k: 'switch'; d: Expr; lexical: boolean; cases: { test: Expr; body: Stmt[]; brk: boolean }[]; defaultAt: number; defaultBody: Stmt[] }
  | { k: 'try'; body: Stmt[]; handler: Stmt[] | null; param: Pattern | null; finalizer: Stmt[] | null }
  | { k: 'labeled'; body: Stmt[] }
  | { k: 'jump'; kind: 'break' | 'continue'; target: number; t: Expr | null }
  | { k: 'return'; t: Expr | null; e: Expr }
  | { k: 'throw'; t: Expr | null; e: Expr }
  | { k: 'block'; body: Stmt[] };

export type Program = Stmt[];

// ------------------------------------------------------------------------------------------
// Generation

const rec = fc.record;
const k = <K extends string>(kind: K) => fc.constant(kind);

const arbitraries = fc.letrec((tie) => {
  const expr = tie('expr') as fc.Arbitrary<Expr>;
  const block = tie('block') as fc.Arbitrary<Stmt[]>;
  const index = fc.nat({ max: 7 });
  const n = fc.integer({ min: 1, max: 3 });
  // One time in four (shrinks to false).
  const raw = fc.nat({ max: 3 }).map((i) => i === 3);
  const w = (weight: number, arbitrary: fc.Arbitrary<unknown>) => ({ weight, arbitrary });
  return {
    target: fc.oneof(
      rec({ t: k('var'), i: index }),
      rec({ t: k('member'), key: fc.constantFrom('p', 'q') }),
      rec({ t: k('computed'), e: expr }),
      rec({ t: k('super'), key: fc.constantFrom('p', 's', 'n') }),
      rec({ t: k('superComputed'), e: expr }),
    ),
    test: fc.option(expr, { nil: null, freq: 3 }),
    pattern: rec({ form: fc.constantFrom('array', 'object'), dflt: expr, key: expr, early: fc.boolean() }),
    expr: fc.oneof(
      { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
      w(6, rec({ k: k('lit'), v: fc.nat({ max: 5 }) })),
      w(6, rec({ k: k('ref'), i: index })),
      w(1, rec({ k: k('meta'), which: fc.constantFrom('arguments', 'this') })),
      w(12, rec({
        k: k('await'),
        how: fc.constantFrom<AwaitKind>('value', 'resolved', 'rejected', 'later', 'failLater', 'thenable', 'thenableFail', 'quick', 'slow', 'quickFail', 'boom', 'method', 'awaiter', 'awaiterFail', 'awaiterReady', 'spin'),
        e: expr,
      })),
      w(3, rec({ k: k('binary'), op: fc.constantFrom('+', '-', '*', '<', '===', '!=='), l: expr, r: expr })),
      w(3, rec({ k: k('logical'), op: fc.constantFrom('&&', '||', '??'), l: expr, r: expr })),
      w(2, rec({ k: k('cond'), t: expr, a: expr, b: expr })),
      w(2, rec({ k: k('optional'), form: fc.constantFrom('member', 'computed', 'call', 'optionalCall'), base: expr, arg: expr, alt: expr })),
      w(2, rec({ k: k('template'), tagged: fc.boolean(), a: expr, b: expr })),
      w(2, rec({ k: k('spread'), form: fc.constantFrom('call', 'array', 'object'), a: expr, b: expr })),
      w(1, rec({ k: k('new'), form: fc.constantFrom('box', 'class', 'key', 'heritage'), a: expr })),
      w(1, rec({ k: k('object'), a: expr, b: expr, shorthand: fc.option(index, { nil: null }) })),
      w(3, rec({ k: k('assign'), target: tie('target'), op: fc.constantFrom('=', '+=', '-=', '*=', '&&=', '||=', '??='), e: expr })),
      w(2, rec({ k: k('update'), target: tie('target'), op: fc.constantFrom('++x', 'x++', '--x', 'x--') })),
      w(2, rec({ k: k('comma'), a: expr, b: expr })),
      w(2, rec({ k: k('unary'), op: fc.constantFrom('typeof', 'delete', '!', '-'), e: expr })),
      w(1, rec({ k: k('relation'), op: fc.constantFrom('in', 'instanceof'), e: expr })),
      w(1, rec({ k: k('closure'), e: expr })),
      w(1, rec({ k: k('store') })),
      w(1, rec({ k: k('asyncArrow'), arg: expr, body: expr })),
      w(2, rec({ k: k('super'), form: fc.constantFrom('read', 'getter', 'computed', 'call', 'optional', 'missing', 'tag'), a: expr, b: expr })),
    ) as fc.Arbitrary<Expr>,
    block: fc.array(tie('stmt'), { maxLength: 3 }),
    stmt: fc.oneof(
      { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
      w(8, rec({ k: k('log'), e: expr })),
      w(3, rec({ k: k('expr'), e: expr })),
      w(4, rec({ k: k('decl'), kind: fc.constantFrom('let', 'const', 'var'), e: expr, shadow: fc.option(index, { nil: null }) })),
      w(2, rec({ k: k('destructure'), form: fc.constantFrom('array', 'object', 'assignArray', 'assignObject'), kind: fc.constantFrom('let', 'const', 'var'), a: expr, b: expr, dflt: expr, key: expr })),
      w(1, rec({ k: k('class'), e: expr })),
      w(2, rec({ k: k('tdz'), kind: fc.constantFrom('let', 'const'), shadow: fc.option(index, { nil: null }), push: fc.boolean(), before: block, e: expr, after: block })),
      w(1, rec({ k: k('als'), v: fc.nat({ max: 5 }), body: block })),
      w(2, rec({ k: k('home'), form: fc.constantFrom('class', 'static', 'object'), arrow: fc.boolean(), arg: expr, body: block })),
      w(2, rec({ k: k('capture'), write: fc.boolean(), i: index, e: expr })),
      w(3, rec({ k: k('if'), t: expr, a: block, b: block })),
      w(2, rec({
        k: k('for'), n, awaitInit: fc.boolean(), t: tie('test'), awaitUpdate: fc.boolean(), label: fc.boolean(),
        head: fc.option(rec({ kind: fc.constantFrom('let', 'var'), dflt: expr }), { nil: null, freq: 2 }),
        body: block,
      })),
      w(2, rec({
        k: k('forOf'), counted: fc.boolean(), a: expr, b: expr, n, label: fc.boolean(),
        pattern: fc.option(rec({ assign: fc.boolean(), p: tie('pattern'), raw }), { nil: null, freq: 2 }),
        body: block,
      })),
      w(1, rec({ k: k('forIn'), overO: fc.boolean(), label: fc.boolean(), body: block })),
      w(2, rec({ k: k('while'), doWhile: fc.boolean(), n, t: tie('test'), label: fc.boolean(), body: block })),
      w(1, rec({ k: k('forAwait'), agen: fc.boolean(), a: expr, b: expr, n, label: fc.boolean(), pattern: fc.option(tie('pattern'), { nil: null, freq: 2 }), raw, body: block })),
      w(2, rec({
        k: k('switch'),
        d: expr,
        lexical: fc.boolean(),
        cases: fc.array(rec({ test: expr, body: block, brk: fc.boolean() }), { minLength: 1, maxLength: 3 }),
        defaultAt: fc.nat({ max: 3 }),
        defaultBody: block,
      })),
      w(4, rec({
        k: k('try'), body: block, handler: fc.option(block, { nil: null, freq: 2 }), param: fc.option(tie('pattern'), { nil: null, freq: 3 }),
        finalizer: fc.option(block, { nil: null, freq: 2 }),
      })),
      w(1, rec({ k: k('labeled'), body: block })),
      w(3, rec({ k: k('jump'), kind: fc.constantFrom('break', 'continue'), target: index, t: tie('test') })),
      w(1, rec({ k: k('return'), t: tie('test'), e: expr })),
      w(1, rec({ k: k('throw'), t: tie('test'), e: expr })),
      w(1, rec({ k: k('block'), body: block })),
    ) as fc.Arbitrary<Stmt>,
  };
});

/** The arbitrary of programs: fast-check shrinks them towards fewer, shallower statements and literal expressions. */
export const programArbitrary = fc.array(arbitraries.stmt as fc.Arbitrary<Stmt>, { minLength: 1, maxLength: 8 });

// ------------------------------------------------------------------------------------------
// Rendering

/** The helpers a program may use, each included only when the program names it. */
const HELPERS: [name: string, source: string][] = [
  ['o', `const o: any = { p: 1, q: 2 };`],
  ['key', `const key = (v: any) => (typeof v === 'number' && v % 2 ? 'p' : 'q');`],
  ['oops', `const oops = (v: any) => new Error('oops ' + String(v));`],
  ['msg', `const msg = (e: any) => (e instanceof Error ? e.message : e);`],
  ['maybe', `const maybe = (v: any) => (typeof v === 'number' && v % 2 ? { p: v, q: [v], f(x: any) { return [this.p, x]; } } : null);`],
  ['tag', `const tag = (s: TemplateStringsArray, ...v: any[]) => s.raw.join('|') + v.length + String(v[0]);`],
  ['step', `const step = (...v: any[]) => v.length + String(v[0]) + String(v[1]);`],
  ['Box', `class Box { v: any; constructor(v: any) { this.v = v; } }`],
  ['thenable', `const thenable = (v: any) => ({ then(resolve: any) { resolve(v); } });`],
  ['thenableFail', `const thenableFail = (v: any) => ({ then(_: any, reject: any) { reject(oops(v)); } });`],
  [
    'awaiter',
    `const GET_AWAITER = Symbol.for('reawait.getAwaiter');
/** Awaited through the awaiter protocol when compiled, through \`then\` natively: completes on a timer. */
const awaiter = (v: any, fail = false, ready = false) => {
  let done = ready, callback: any = null;
  const waiting: any[] = [];
  const result = () => { if (fail) throw oops(v); return v; };
  if (!ready) setTimeout(() => { done = true; const c = callback; callback = null; c?.(); for (const w of waiting.splice(0)) w(); }, 1);
  return {
    [GET_AWAITER]: () => ({ get isCompleted() { return done; }, getResult: result, onCompleted(c: any) { callback = c; } }),
    then(resolve: any, reject: any) { const settle = () => { try { resolve(result()); } catch (e) { reject(e); } }; if (done) settle(); else waiting.push(settle); },
  };
};`,
  ],
  // spin's awaits resume through the dispatcher's fast path (results unused); then it calls a
  // compiled callee that suspends on an awaiter, whose chain the fast path must keep.
  ['spin', `async function spinLeaf(v: any) { await awaiter(-1); return v; }
async function spin(v: any) { for (let i = 0; i < 2; i++) await awaiter(i); return await spinLeaf(v); }`],
  ['obj', `const obj = { base: 10, async m(v: any) { const f = () => [this.base, arguments.length]; if (typeof v === 'number' && v % 2) await later(0); return [v, ...f()]; } };`],
  ['counted', `const counted = (log: any, n: number) => { let i = 0; return { [Symbol.iterator]() { return { next: () => (i < n ? { value: i++, done: false } : { value: undefined, done: true }), return() { log('closed'); return {}; } }; } }; };`],
  ['als', `import { AsyncLocalStorage } from 'node:async_hooks';\nconst als = new AsyncLocalStorage<number>();`],
  [
    'SBase',
    `/** The prototype of the home objects of the programs' async methods that use \`super\` (its statics for static methods). */
class SBase {
  own: any = 'own';
  m(...v: any[]) { return ['m', typeof this, ...v]; }
  get g() { return ['g', this.own]; }
  set s(v: any) { this.own = v; }
  t(s: TemplateStringsArray, ...v: any[]) { return s.raw.join('|') + v.length + String(v[0]) + typeof this; }
  static own: any = 'static own';
  static m(...v: any[]) { return ['static m', typeof this, ...v]; }
  static get g() { return ['static g', this.own]; }
  static set s(v: any) { this.own = v; }
  static t(s: TemplateStringsArray, ...v: any[]) { return 'static ' + s.raw.join('|') + v.length + String(v[0]); }
}
Object.assign(SBase.prototype, { p: 'bp', n: 5 });
Object.assign(SBase, { p: 'sp', n: 50 });`,
  ],
  ['agen', `async function* agen(log: any, n: number) { try { for (let i = 0; i < n; i++) yield await later(i); } finally { log('agen closed'); } }`],
];

interface Var {
  name: string;
  /** May be assigned (not a constant, loop variable or catch parameter). */
  mutable: boolean;
  /** May be captured by a closure: only `let`/`const` declarations (the compiler refuses closures over other variables that change after an await). */
  capturable: boolean;
  /** May be shadowed by a `let`/`const` in an inner block. */
  shadowable: boolean;
  /** How it is read, when not by its name (a class: its static field). */
  read?: string;
}

interface Jump {
  label: string | null;
  loop: boolean;
  /** A loop or switch (an unlabelled break may leave it). */
  breakable: boolean;
}

interface Ctx {
  vars: Var[];
  /** Awaits are allowed (false in the body of a plain arrow). */
  async: boolean;
  jumps: Jump[];
  /** The index of the statement in its block (a shadowing declaration must come first). */
  first: boolean;
  /** `arguments` may be used (not in class field initialisers). */
  args: boolean;
  /** A `var` is main's (hoisted); false in the body of an async arrow, where `var` becomes `let`. */
  fnVars: boolean;
  /** The names read in their dead zone by the enclosing `tdz` blocks. */
  earlyNames: readonly string[];
  /** Inside an async method whose home object's prototype is SBase's (or SBase): `super` may be used. */
  home: boolean;
}

class Renderer {
  private names = { v: 0, w: 0, i: 0, x: 0, e: 0, L: 0, g: 0, d: 0, p: 0, f: 0, K: 0 };
  private tag = 0;
  /** How many statement lists the statement being rendered is in (1: main's own). */
  private nesting = 0;
  /** The `var` variables declared so far (the first rendering's become the second's `hoisted`). */
  readonly declared: Var[] = [];
  /** The `var` variables of the whole program (hoisted: visible from the start). */
  constructor(private readonly hoisted: Var[]) {}

  fresh(prefix: keyof Renderer['names']): string {
    return `${prefix}${this.names[prefix]++}`;
  }

  /**
   * A `var` declared here: main's (hoisted, already in scope everywhere, so not added to the
   * context) or, in an async arrow's body, a `let` (the caller adds it to its scope).
   */
  private declareVar(ctx: Ctx, attrs: { mutable: boolean; capturable: boolean }): { keyword: 'var' | 'let'; v: Var; hoisted: boolean } {
    if (!ctx.fnVars) return { keyword: 'let', v: { name: this.fresh('v'), ...attrs, shadowable: true }, hoisted: false };
    // Captured only when declared among main's own statements (BUGS.md 30: a boxed var declared in
    // a nested statement that does not await overwrites its box).
    const v: Var = { name: this.fresh('w'), ...attrs, capturable: attrs.capturable && this.nesting === 1, shadowable: false };
    this.declared.push(v);
    return { keyword: 'var', v, hoisted: true };
  }

  /** A pattern of two names, its default and computed key rendered in `ctx`; `declared`: see Pattern.early. */
  private pattern(p: Pattern, x: string, y: string, ctx: Ctx, form = p.form, declared = false): string {
    const key = form === 'object' ? this.expr(p.key, ctx) : '';
    const d = this.expr(p.dflt, ctx);
    const early = p.early && declared ? `${this.fresh('f')} = void fns.push(() => ${y}), ` : '';
    return form === 'array' ? `[${x}, ${early}${y} = ${d}]` : `{ p: ${x}, ${early && `c: ${early}`}[key(${key})]: ${y} = ${d} }`;
  }

  program(body: Program): string {
    const ctx: Ctx = {
      vars: [
        { name: 'a', mutable: true, capturable: true, shadowable: true },
        { name: 'b', mutable: true, capturable: true, shadowable: true },
        ...this.hoisted,
      ],
      async: true,
      jumps: [],
      first: false,
      args: true,
      fnVars: true,
      earlyNames: [],
      home: false,
    };
    // Not shadowing at the top (`a` and `b` are declared in the same block when there is no try).
    const statements = this.block(body, ctx, '    ', false);
    const closures = /\bfns\b/.test(statements);
    return [
      'export async function main(log: any) {',
      ...(closures ? ['  const fns: (() => unknown)[] = [];'] : []),
      '  let a: any = 1, b: any = 2;',
      ...(closures ? ['  try {', statements, '  } finally {', "    log('closures', fns.map((f) => f()));", '  }'] : [statements.replace(/^ {2}/gm, '')]),
      '  return [a, b];',
      '}',
    ].join('\n');
  }

  /** The statements of a block, one per line, in a scope of their own. */
  block(body: Stmt[], ctx: Ctx, indent: string, shadowing = true): string {
    const inner: Ctx = { ...ctx, vars: [...ctx.vars], first: shadowing };
    const lines: string[] = [];
    this.nesting++;
    for (const stmt of body) {
      lines.push(indent + this.stmt(stmt, inner, indent));
      inner.first = false;
    }
    this.nesting--;
    return lines.join('\n');
  }

  braces(body: Stmt[], ctx: Ctx, indent: string): string {
    if (body.length === 0) return '{}';
    return `{\n${this.block(body, ctx, indent + '  ')}\n${indent}}`;
  }

  private pick<T>(xs: T[], i: number): T | undefined {
    return xs.length === 0 ? undefined : xs[i % xs.length];
  }

  private cond(t: Expr | null, ctx: Ctx): string {
    return t === null ? '' : `if (${this.expr(t, ctx)} % 3 === 0) `;
  }

  private loop(label: boolean, ctx: Ctx): { prefix: string; inner: Ctx } {
    const name = label ? this.fresh('L') : null;
    return { prefix: name ? `${name}: ` : '', inner: { ...ctx, jumps: [...ctx.jumps, { label: name, loop: true, breakable: true }] } };
  }

  stmt(s: Stmt, ctx: Ctx, indent: string): string {
    switch (s.k) {
      case 'log': return `log(${this.tag++}, ${this.expr(s.e, ctx)});`;
      case 'expr': return `${this.expr(s.e, ctx, true)};`;
      case 'decl': {
        if (s.kind === 'var') {
          const { keyword, v, hoisted } = this.declareVar(ctx, { mutable: true, capturable: true });
          const init = this.expr(s.e, ctx);
          if (!hoisted) ctx.vars = [...ctx.vars, v];
          return `${keyword} ${v.name} = ${init};`;
        }
        let name = this.fresh('v');
        let vars = ctx.vars;
        const shadowed = s.shadow === null || !ctx.first ? undefined : this.pick(ctx.vars.filter((v) => v.shadowable), s.shadow);
        if (shadowed) {
          // First in its block: nothing before it reads the name in its temporal dead zone.
          name = shadowed.name;
          vars = ctx.vars.filter((v) => v.name !== name);
        }
        const init = this.expr(s.e, { ...ctx, vars });
        ctx.vars = [...vars, { name, mutable: s.kind === 'let', capturable: true, shadowable: true }];
        return `${s.kind} ${name} = ${init};`;
      }
      case 'destructure': {
        const p: Pattern = { form: s.form === 'array' || s.form === 'assignArray' ? 'array' : 'object', dflt: s.dflt, key: s.key };
        const source = p.form === 'array' ? `[${this.expr(s.a, ctx)}]` : `{ p: ${this.expr(s.a, ctx)}, q: ${this.expr(s.b, ctx)} } as any`;
        if (s.form === 'array' || s.form === 'object') {
          const attrs = { mutable: s.kind !== 'const', capturable: true };
          let keyword: string = s.kind;
          let names: Var[];
          if (s.kind === 'var') {
            const [x, y] = [this.declareVar(ctx, attrs), this.declareVar(ctx, attrs)];
            keyword = x.keyword;
            names = x.hoisted ? [] : [x.v, y.v];
            const text = `${keyword} ${this.pattern(p, x.v.name, y.v.name, ctx)} = ${source};`;
            ctx.vars = [...ctx.vars, ...names];
            return text;
          }
          const [x, y] = [this.fresh('d'), this.fresh('d')];
          const text = `${keyword} ${this.pattern(p, x, y, ctx)} = ${source};`;
          ctx.vars = [...ctx.vars, { name: x, ...attrs, shadowable: false }, { name: y, ...attrs, shadowable: false }];
          return text;
        }
        const targets = this.assignable(ctx);
        if (targets.length === 0) return `log(${this.tag++}, 'no variables');`;
        const x = targets[0]!;
        const y = targets[targets.length - 1]!;
        const text = `${this.pattern(p, x, y, ctx)} = ${source.replace(/ as any$/, '')}`;
        return p.form === 'array' ? `${text};` : `(${text});`;
      }
      case 'class': {
        // Values of the program's own classes are not logged: a read is of its static field.
        const name = this.fresh('K');
        const init = this.expr(s.e, { ...ctx, async: false, args: false, home: false, vars: ctx.vars.filter((v) => v.capturable) });
        ctx.vars = [...ctx.vars, { name, mutable: false, capturable: true, shadowable: false, read: `${name}.v` }];
        return `class ${name} { static v = ${init}; }`;
      }
      case 'tdz': {
        // A closure created before the let/const it captures (declared after whatever awaits
        // before it), called early (the dead zone's ReferenceError), then after the declaration.
        const f = this.fresh('f');
        // Not a name that an enclosing such block reads in its dead zone (BUGS.md 19: of two bindings
        // of a name read in their dead zones, one inside the other's block, one is renamed).
        const shadowed = s.shadow === null ? undefined : this.pick(ctx.vars.filter((v) => v.shadowable && !ctx.earlyNames.includes(v.name)), s.shadow);
        const name = shadowed ? shadowed.name : this.fresh('v');
        const inner: Ctx = { ...ctx, vars: ctx.vars.filter((v) => v.name !== name), first: false, earlyNames: [...ctx.earlyNames, name] };
        const deeper = indent + '  ';
        const lines = [`const ${f} = () => ${name};`, ...(s.push ? [`fns.push(${f});`] : [])];
        this.nesting++;
        for (const stmt of s.before) lines.push(this.stmt(stmt, inner, deeper));
        const e = this.fresh('e');
        lines.push(`try { log(${this.tag++}, ${f}()); } catch (${e}) { log(${this.tag++}, msg(${e})); }`);
        lines.push(`${s.kind} ${name} = ${this.expr(s.e, inner)};`);
        inner.vars = [...inner.vars, { name, mutable: s.kind === 'let', capturable: true, shadowable: true }];
        for (const stmt of s.after) lines.push(this.stmt(stmt, inner, deeper));
        this.nesting--;
        lines.push(`log(${this.tag++}, ${f}());`);
        return `{\n${lines.map((line) => deeper + line).join('\n')}\n${indent}}`;
      }
      case 'als': {
        // The body in an async arrow run in a store: no jumps out of it, its `var`s are `let`s.
        const inner: Ctx = { ...ctx, jumps: [], fnVars: false, vars: ctx.vars.filter((v) => v.capturable) };
        return `log(${this.tag++}, await als.run(${s.v}, async () => ${this.braces(s.body, inner, indent)}));`;
      }
      case 'home': {
        // Like `als`: no jumps out of it, its `var`s are `let`s; `super` and the method's own
        // `this` and `arguments` (in the arrow too). It returns what its `super` assignments left.
        const arg = this.expr(s.arg, ctx);
        const inner: Ctx = { ...ctx, jumps: [], fnVars: false, vars: ctx.vars.filter((v) => v.capturable), home: true };
        const deeper = indent + '  ';
        const body = s.arrow
          ? `{\n${deeper}  await (async () => ${this.braces(s.body, inner, deeper + '  ')})();\n${deeper}  return [this.own, this.p, this.n];\n${deeper}}`
          : `{\n${s.body.length > 0 ? this.block(s.body, inner, deeper + '  ') + '\n' : ''}${deeper}  return [this.own, this.p, this.n];\n${deeper}}`;
        const method = `async run(...v: any[]) ${body}`;
        const call =
          s.form === 'class' ? `new (class extends SBase {\n${deeper}${method}\n${indent}})().run(${arg})`
          : s.form === 'static' ? `(class extends SBase {\n${deeper}static ${method}\n${indent}}).run(${arg})`
          : `({ __proto__: SBase.prototype, own: 'literal', ${method} } as any).run(${arg})`;
        return `log(${this.tag++}, await ${call});`;
      }
      case 'capture': {
        const candidates = ctx.vars.filter((v) => v.capturable && (!s.write || v.mutable));
        const v = this.pick(candidates, s.i);
        if (!v) return `log(${this.tag++}, 'nothing to capture');`;
        return s.write ? `((n: any) => { ${v.name} = n; })(${this.expr(s.e, ctx)});` : `fns.push(() => ${v.read ?? v.name});`;
      }
      case 'if': {
        const test = this.expr(s.t, ctx);
        const otherwise = s.b.length > 0 ? ` else ${this.braces(s.b, ctx, indent)}` : '';
        return `if (${test}) ${this.braces(s.a, ctx, indent)}${otherwise}`;
      }
      case 'for': {
        const { prefix, inner } = this.loop(s.label, ctx);
        const init = s.awaitInit ? '(await quick(0))' : '0';
        let i: string;
        let head: string;
        let own: Var[];
        if (s.head === null) {
          i = this.fresh('i');
          head = `let ${i} = ${init}`;
          // Capturable: closures made in the body keep the iteration's own copy (per-iteration bindings).
          own = [{ name: i, mutable: false, capturable: true, shadowable: true }];
        } else {
          // A destructuring head: `[i, j = dflt] = [init]` (a loop counter and a loop variable that may change).
          const kind = s.head.kind;
          const names = kind === 'var'
            ? [this.declareVar(ctx, { mutable: false, capturable: false }), this.declareVar(ctx, { mutable: true, capturable: false })]
            : null;
          const [iv, jv] = names ? names.map((n) => n.v) : [this.fresh('i'), this.fresh('i')].map((name, at) => ({ name, mutable: at === 1, capturable: true, shadowable: true }));
          i = iv!.name;
          // The default does not read the head's own names.
          const d = this.expr(s.head.dflt, { ...ctx, vars: ctx.vars.filter((v) => v.name !== iv!.name && v.name !== jv!.name) });
          head = `${names ? names[0]!.keyword : 'let'} [${i}, ${jv!.name} = ${d}] = [${init}]`;
          own = names && names[0]!.hoisted ? [] : [iv!, jv!];
        }
        const update = s.awaitUpdate ? `${i} += await slow(1)` : `${i}++`;
        const test = `${i} < ${s.n}${s.t === null ? '' : ` && ${this.expr(s.t, ctx)}`}`;
        const body = { ...inner, vars: [...inner.vars, ...own] };
        return `${prefix}for (${head}; ${test}; ${update}) ${this.braces(s.body, body, indent)}`;
      }
      case 'forOf': {
        // Array patterns over arrays of one element, object patterns over objects (the counted
        // iterator yields numbers: object patterns), or over the values themselves (`raw`).
        const form = s.pattern === null ? null : s.counted ? 'object' : s.pattern.p.form;
        const element = (e: Expr) => (form === null || s.pattern?.raw ? this.expr(e, ctx) : form === 'array' ? `[${this.expr(e, ctx)}]` : `{ p: ${this.expr(e, ctx)} }`);
        const iterable = s.counted ? `counted(log, ${s.n})` : `[${element(s.a)}, ${element(s.b)}]`;
        const { prefix, inner } = this.loop(s.label, ctx);
        const targets = this.assignable(ctx);
        if (s.pattern !== null && form !== null && s.pattern.assign && targets.length > 0) {
          const left = this.pattern(s.pattern.p, targets[0]!, targets[targets.length - 1]!, ctx, form);
          return `${prefix}for (${left} of ${iterable}) ${this.braces(s.body, inner, indent)}`;
        }
        const x = this.fresh('x');
        let left = `const ${x}`;
        const own: Var[] = [{ name: x, mutable: false, capturable: true, shadowable: true }];
        if (s.pattern !== null && form !== null) {
          const y = this.fresh('x');
          left = `const ${this.pattern(s.pattern.p, x, y, ctx, form, true)}`;
          own.push({ name: y, mutable: false, capturable: true, shadowable: true });
        }
        const body = { ...inner, vars: [...inner.vars, ...own] };
        return `${prefix}for (${left} of ${iterable}) ${this.braces(s.body, body, indent)}`;
      }
      case 'forIn': {
        const x = this.fresh('x');
        const { prefix, inner } = this.loop(s.label, ctx);
        const body = { ...inner, vars: [...inner.vars, { name: x, mutable: false, capturable: true, shadowable: true }] };
        return `${prefix}for (const ${x} in ${s.overO ? 'o' : '{ p: 1, q: 2 }'}) ${this.braces(s.body, body, indent)}`;
      }
      case 'while': {
        const g = this.fresh('g');
        const test = `${g}++ < ${s.n}${s.t === null ? '' : ` && ${this.expr(s.t, ctx)}`}`;
        const { prefix, inner } = this.loop(s.label, ctx);
        const loop = s.doWhile ? `do ${this.braces(s.body, inner, indent)} while (${test});` : `while (${test}) ${this.braces(s.body, inner, indent)}`;
        return `{ let ${g} = 0; ${prefix}${loop} }`;
      }
      case 'forAwait': {
        const x = this.fresh('x');
        // With a pattern, the elements are objects, or the values themselves (`raw`).
        const element = (e: Expr) => (s.pattern === null || s.raw ? this.expr(e, ctx) : `{ p: ${this.expr(e, ctx)} }`);
        const iterable = s.agen ? `agen(log, ${s.n})` : `[${element(s.a)}, later(${element(s.b)})]`;
        const own: Var[] = [{ name: x, mutable: false, capturable: true, shadowable: true }];
        let left = `const ${x}`;
        if (s.pattern !== null) {
          // An object pattern over objects; over the values themselves, either.
          const y = this.fresh('x');
          left = `const ${this.pattern(s.pattern, x, y, ctx, s.raw ? s.pattern.form : 'object', true)}`;
          own.push({ name: y, mutable: false, capturable: true, shadowable: true });
        }
        const { prefix, inner } = this.loop(s.label, ctx);
        const body: Ctx = { ...inner, vars: [...inner.vars, ...own] };
        return `${prefix}for await (${left} of ${iterable}) ${this.braces(s.body, body, indent)}`;
      }
      case 'switch': {
        const d = this.expr(s.d, ctx);
        const inner: Ctx = { ...ctx, jumps: [...ctx.jumps, { label: null, loop: false, breakable: true }] };
        const at = s.defaultAt % (s.cases.length + 1);
        const all = [...s.cases.map((c) => ({ test: c.test as Expr | null, body: c.body, brk: c.brk }))];
        all.splice(at, 0, { test: null, body: s.defaultBody, brk: false });
        // Lexical: the case bodies unbraced, in the switch's scope (a declaration is visible, maybe
        // in its dead zone, in the cases after it); otherwise each in a block of its own.
        const scope: Ctx = { ...inner, vars: [...inner.vars], first: false };
        const clauses = all.map((c) => {
          const head = c.test === null ? 'default:' : `case ${this.expr(c.test, ctx)}:`;
          const brk = c.brk ? ' break;' : '';
          if (!s.lexical) return `${head} ${this.braces(c.body, inner, indent + '  ')}${brk}`;
          this.nesting++;
          const before = new Set(scope.vars);
          const lines = c.body.map((stmt) => `\n${indent}    ${this.stmt(stmt, scope, indent + '    ')}`);
          this.nesting--;
          // Read from the later cases, maybe in their dead zone: not shadowed there by a `tdz` block
          // (BUGS.md 19: one read after such a block keeps the name, the block's is renamed).
          scope.earlyNames = [...scope.earlyNames, ...scope.vars.filter((v) => !before.has(v)).map((v) => v.name)];
          return `${head}${lines.join('')}${brk ? `\n${indent}   ${brk}` : ''}`;
        });
        return `switch (${d}) {\n${clauses.map((c) => `${indent}  ${c}`).join('\n')}\n${indent}}`;
      }
      case 'try': {
        const handler = s.handler ?? (s.finalizer === null ? [] : null);
        let text = `try ${this.braces(s.body, ctx, indent)}`;
        if (handler !== null) {
          // The parameter (or the pattern's names) may change and be captured.
          const e = this.fresh('e');
          const own: Var[] = [{ name: e, mutable: true, capturable: true, shadowable: false }];
          let param = e;
          let caught = `log('caught', msg(${e}));`;
          if (s.param !== null) {
            const m = this.fresh('e');
            const early = s.param.early ? `c: ${this.fresh('f')} = void fns.push(() => ${m}), ` : '';
            param = `{ message: ${e}, ${early}[key(${this.expr(s.param.key, ctx)})]: ${m} = ${this.expr(s.param.dflt, ctx)} }`;
            own.push({ name: m, mutable: true, capturable: true, shadowable: false });
            caught = `log('caught', ${e});`;
          }
          const inner: Ctx = { ...ctx, vars: [...ctx.vars, ...own] };
          text += ` catch (${param}) {\n${indent}  ${caught}${handler.length > 0 ? '\n' + this.block(handler, inner, indent + '  ') : ''}\n${indent}}`;
        }
        if (s.finalizer !== null) text += ` finally ${this.braces(s.finalizer, ctx, indent)}`;
        return text;
      }
      case 'labeled': {
        const label = this.fresh('L');
        return `${label}: ${this.braces(s.body, { ...ctx, jumps: [...ctx.jumps, { label, loop: false, breakable: false }] }, indent)}`;
      }
      case 'jump': {
        const innermost = [...ctx.jumps].reverse().find((j) => (s.kind === 'break' ? j.breakable : j.loop));
        const targets = ctx.jumps
          .filter((j) => (s.kind === 'continue' ? j.loop : true))
          .filter((j) => j.label !== null || j === innermost)
          .map((j) => (j.label !== null && j !== innermost ? `${s.kind} ${j.label};` : `${s.kind};`));
        const jump = this.pick([...new Set(targets)], s.target);
        if (!jump) return `log(${this.tag++}, 'no ${s.kind} target');`;
        return `${this.cond(s.t, ctx)}${jump}`;
      }
      case 'return': return `${this.cond(s.t, ctx)}return ${this.expr(s.e, ctx)};`;
      case 'throw': return `${this.cond(s.t, ctx)}throw oops(${this.expr(s.e, ctx)});`;
      case 'block': return this.braces(s.body, ctx, indent);
    }
  }

  /** What a destructuring assignment may assign to: `super` properties first in an async method, then the variables. */
  private assignable(ctx: Ctx): string[] {
    return [...(ctx.home ? ['super.s', 'super.p'] : []), ...ctx.vars.filter((v) => v.mutable).map((v) => v.name)];
  }

  private target(t: Target, ctx: Ctx): string | null {
    switch (t.t) {
      case 'var': return this.pick(ctx.vars.filter((v) => v.mutable), t.i)?.name ?? null;
      case 'member': return `o.${t.key}`;
      case 'computed': return `o[key(${this.expr(t.e, ctx)})]`;
      case 'super': return ctx.home ? `super.${t.key}` : `o.${t.key === 'p' ? 'p' : 'q'}`;
      case 'superComputed': return `${ctx.home ? 'super' : 'o'}[key(${this.expr(t.e, ctx)})]`;
    }
  }

  /** An expression, parenthesised unless it is a single token or a call (`bare`: at statement level). */
  expr(e: Expr, ctx: Ctx, bare = false): string {
    const text = this.inner(e, ctx);
    return bare && !text.startsWith('{') ? text.replace(/^\((.*)\)$/s, (whole, inside: string) => (balanced(inside) && !inside.startsWith('{') && !inside.startsWith('function') ? inside : whole)) : text;
  }

  private inner(e: Expr, ctx: Ctx): string {
    const x = (sub: Expr, c: Ctx = ctx) => this.expr(sub, c);
    switch (e.k) {
      case 'lit': return String(e.v);
      case 'ref': {
        const v = this.pick(ctx.vars, e.i);
        return v ? (v.read ?? v.name) : String(e.i);
      }
      case 'meta': return e.which === 'arguments' && ctx.args ? 'arguments.length' : '(typeof this)';
      case 'store': return 'als.getStore()';
      case 'await': {
        const v = x(e.e);
        if (!ctx.async) return v;
        switch (e.how) {
          case 'value': return `(await ${v})`;
          case 'resolved': return `(await Promise.resolve(${v}))`;
          case 'rejected': return `(await Promise.reject(oops(${v})))`;
          case 'later': return `(await later(${v}))`;
          case 'failLater': return `(await failLater('F' + ${v}))`;
          case 'thenable': return `(await thenable(${v}))`;
          case 'thenableFail': return `(await thenableFail(${v}))`;
          case 'quick': return `(await quick(${v}))`;
          case 'slow': return `(await slow(${v}))`;
          case 'quickFail': return `(await quickFail('Q' + ${v}))`;
          case 'boom': return `(await boom('B' + ${v}))`;
          case 'method': return `(await obj.m(${v}))`;
          case 'awaiter': return `(await awaiter(${v}))`;
          case 'awaiterFail': return `(await awaiter(${v}, true))`;
          case 'awaiterReady': return `(await awaiter(${v}, false, true))`;
          case 'spin': return `(await spin(${v}))`;
        }
        break;
      }
      case 'binary': return `(${x(e.l)} ${e.op} ${x(e.r)})`;
      case 'logical': return `(${x(e.l)} ${e.op} ${x(e.r)})`;
      case 'cond': return `(${x(e.t)} ? ${x(e.a)} : ${x(e.b)})`;
      case 'optional': {
        const base = `maybe(${x(e.base)})`;
        const link = e.form === 'member' ? `${base}?.q[${x(e.arg)} ? 0 : 1]` : e.form === 'computed' ? `${base}?.[key(${x(e.arg)})]` : e.form === 'call' ? `${base}?.f(${x(e.arg)})` : `${base}?.f?.(${x(e.arg)})`;
        return `(${link} ?? ${x(e.alt)})`;
      }
      case 'template': return e.tagged ? `tag\`<\${${x(e.a)}}|\${${x(e.b)}}>\`` : `\`\${${x(e.a)}}-\${${x(e.b)}}\``;
      case 'spread':
        switch (e.form) {
          case 'call': return `step(...[${x(e.a)}], ${x(e.b)})`;
          case 'array': return `[...[${x(e.a)}], ${x(e.b)}]`;
          case 'object': return `({ ...o, p: ${x(e.a)}, ...{ q: ${x(e.b)} } })`;
        }
        break;
      case 'new':
        switch (e.form) {
          case 'box': return `new Box(${x(e.a)}).v`;
          case 'class': return `new (class { w: any; constructor(v: any) { this.w = [v]; } get first() { return this.w[0]; } })(${x(e.a)}).first`;
          // A computed key (evaluated when the class is created, awaits allowed), a heritage.
          case 'key': return `new (class { p: any = 3; [key(${x(e.a)})]: any = 4; get first() { return [this.p, this.q]; } })().first`;
          case 'heritage': return `new (class extends (${x(e.a)}, Box) { get first() { return this.v; } })(7).first`;
        }
        break;
      case 'object': {
        const short = e.shorthand === null ? undefined : this.pick(ctx.vars, e.shorthand);
        const shorthand = short ? `, ${short.name}` : '';
        return `({ p: ${x(e.a)}, q: ${x(e.b)}${shorthand}, m() { return [this.p, this.q]; } }).m()`;
      }
      case 'assign': {
        const target = this.target(e.target, ctx);
        if (target === null) return x(e.e);
        return `(${target} ${e.op} ${x(e.e)})`;
      }
      case 'update': {
        const target = this.target(e.target, ctx);
        if (target === null) return '0';
        return e.op === '++x' ? `(++${target})` : e.op === '--x' ? `(--${target})` : e.op === 'x++' ? `(${target}++)` : `(${target}--)`;
      }
      case 'comma': return `(${x(e.a)}, ${x(e.b)})`;
      case 'unary':
        return e.op === 'delete' ? `(delete o[key(${x(e.e)})])` : `(${e.op}${e.op === 'typeof' ? ' ' : ''}${x(e.e)})`;
      case 'relation': return e.op === 'in' ? `(key(${x(e.e)}) in o)` : `(${x(e.e)} instanceof Array)`;
      case 'closure': {
        // A plain arrow, called at once: no awaits in it, and it captures only let/const variables.
        const inner: Ctx = { ...ctx, async: false, vars: ctx.vars.filter((v) => v.capturable) };
        return `(() => ${x(e.e, inner)})()`;
      }
      case 'super': {
        if (!ctx.home) return x(e.a);
        switch (e.form) {
          case 'read': return 'super.p';
          case 'getter': return 'super.g';
          case 'computed': return `super[key(${x(e.a)})]`;
          case 'call': return `super.m(${x(e.a)}, ${x(e.b)})`;
          case 'optional': return `super.m?.(${x(e.a)})`;
          case 'missing': return `(super.none?.(${x(e.a)}) ?? ${x(e.b)})`;
          case 'tag': return `super.t\`<\${${x(e.a)}}|\${${x(e.b)}}>\``;
        }
        break;
      }
      case 'asyncArrow': {
        const p = this.fresh('p');
        const arg = x(e.arg);
        const inner: Ctx = { ...ctx, vars: [...ctx.vars.filter((v) => v.capturable), { name: p, mutable: true, capturable: true, shadowable: false }] };
        // In a plain arrow: a plain arrow too (no await).
        return ctx.async ? `(await (async (${p}: any) => ${x(e.body, inner)})(${arg}))` : `((${p}: any) => ${x(e.body, inner)})(${arg})`;
      }
    }
    throw new Error(`unknown expression ${JSON.stringify(e)}`);
  }
}

/** Whether the parentheses of `text` pair up (so that `(text)` is one parenthesised expression). */
function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** The source of a program: the helpers it uses, then `main(log)`. */
export function render(program: Program): string {
  // Rendered twice: the first pass names the `var` declarations, which are hoisted (visible, as undefined, from the start).
  const first = new Renderer([]);
  first.program(program);
  const main = new Renderer(first.declared).program(program);
  const uses = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(main) || (name === 'oops' && (uses('thenableFail') || uses('awaiter'))) || (name === 'awaiter' && uses('spin'));
  return [...HELPERS.filter(([name]) => uses(name)).map(([, source]) => source), main].join('\n');
}
