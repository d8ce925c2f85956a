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
 * - no reference to a variable in its temporal dead zone, no redeclaration;
 * - closures capture only `let`/`const` variables (a closure over a `var`, a loop counter or a
 *   catch parameter that changes after an await is refused by the compiler);
 * - no `break`/`continue` out of a `try` whose `finally` awaits or out of a `for await` loop;
 * - no await inside class bodies, destructuring defaults or optional calls (`f?.(...)`).
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
  | 'method'; // a compiled async method using `this` and `arguments` (suspends for odd numbers)

export type Target = { t: 'var'; i: number } | { t: 'member'; key: 'p' | 'q' } | { t: 'computed'; e: Expr };

export type Expr =
  | { k: 'lit'; v: number }
  | { k: 'ref'; i: number }
  | { k: 'meta'; which: 'arguments' | 'this' }
  | { k: 'await'; how: AwaitKind; e: Expr }
  | { k: 'binary'; op: '+' | '-' | '*' | '<' | '===' | '!=='; l: Expr; r: Expr }
  | { k: 'logical'; op: '&&' | '||' | '??'; l: Expr; r: Expr }
  | { k: 'cond'; t: Expr; a: Expr; b: Expr }
  | { k: 'optional'; form: 'member' | 'computed' | 'call'; base: Expr; arg: Expr; alt: Expr }
  | { k: 'template'; tagged: boolean; a: Expr; b: Expr }
  | { k: 'spread'; form: 'call' | 'array' | 'object'; a: Expr; b: Expr }
  | { k: 'new'; form: 'box' | 'class'; a: Expr } // values of the program's own classes are not logged (each run has its own)
  | { k: 'object'; a: Expr; b: Expr; shorthand: number | null }
  | { k: 'assign'; target: Target; op: '=' | '+=' | '-=' | '*=' | '&&=' | '||=' | '??='; e: Expr }
  | { k: 'update'; target: Target; op: '++x' | 'x++' | '--x' | 'x--' }
  | { k: 'comma'; a: Expr; b: Expr }
  | { k: 'unary'; op: 'typeof' | 'delete' | '!' | '-'; e: Expr }
  | { k: 'relation'; op: 'in' | 'instanceof'; e: Expr }
  | { k: 'closure'; e: Expr }
  | { k: 'asyncArrow'; arg: Expr; body: Expr };

export type Stmt =
  | { k: 'log'; e: Expr }
  | { k: 'expr'; e: Expr }
  | { k: 'decl'; kind: 'let' | 'const' | 'var'; e: Expr; shadow: number | null }
  | { k: 'destructure'; form: 'array' | 'object' | 'assignArray' | 'assignObject'; a: Expr; b: Expr }
  | { k: 'capture'; write: boolean; i: number; e: Expr }
  | { k: 'if'; t: Expr; a: Stmt[]; b: Stmt[] }
  | { k: 'for'; n: number; awaitInit: boolean; t: Expr | null; awaitUpdate: boolean; label: boolean; body: Stmt[] }
  | { k: 'forOf'; counted: boolean; a: Expr; b: Expr; n: number; label: boolean; body: Stmt[] }
  | { k: 'forIn'; overO: boolean; label: boolean; body: Stmt[] }
  | { k: 'while'; doWhile: boolean; n: number; t: Expr | null; label: boolean; body: Stmt[] }
  | { k: 'forAwait'; agen: boolean; a: Expr; b: Expr; n: number; body: Stmt[] }
  | { k: 'switch'; d: Expr; cases: { test: Expr; body: Stmt[]; brk: boolean }[]; defaultAt: number; defaultBody: Stmt[] }
  | { k: 'try'; body: Stmt[]; handler: Stmt[] | null; finalizer: Stmt[] | null }
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
  const w = (weight: number, arbitrary: fc.Arbitrary<unknown>) => ({ weight, arbitrary });
  return {
    target: fc.oneof(
      rec({ t: k('var'), i: index }),
      rec({ t: k('member'), key: fc.constantFrom('p', 'q') }),
      rec({ t: k('computed'), e: expr }),
    ),
    test: fc.option(expr, { nil: null, freq: 3 }),
    expr: fc.oneof(
      { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
      w(6, rec({ k: k('lit'), v: fc.nat({ max: 5 }) })),
      w(6, rec({ k: k('ref'), i: index })),
      w(1, rec({ k: k('meta'), which: fc.constantFrom('arguments', 'this') })),
      w(12, rec({
        k: k('await'),
        how: fc.constantFrom<AwaitKind>('value', 'resolved', 'rejected', 'later', 'failLater', 'thenable', 'thenableFail', 'quick', 'slow', 'quickFail', 'boom', 'method'),
        e: expr,
      })),
      w(3, rec({ k: k('binary'), op: fc.constantFrom('+', '-', '*', '<', '===', '!=='), l: expr, r: expr })),
      w(3, rec({ k: k('logical'), op: fc.constantFrom('&&', '||', '??'), l: expr, r: expr })),
      w(2, rec({ k: k('cond'), t: expr, a: expr, b: expr })),
      w(2, rec({ k: k('optional'), form: fc.constantFrom('member', 'computed', 'call'), base: expr, arg: expr, alt: expr })),
      w(2, rec({ k: k('template'), tagged: fc.boolean(), a: expr, b: expr })),
      w(2, rec({ k: k('spread'), form: fc.constantFrom('call', 'array', 'object'), a: expr, b: expr })),
      w(1, rec({ k: k('new'), form: fc.constantFrom('box', 'class'), a: expr })),
      w(1, rec({ k: k('object'), a: expr, b: expr, shorthand: fc.option(index, { nil: null }) })),
      w(3, rec({ k: k('assign'), target: tie('target'), op: fc.constantFrom('=', '+=', '-=', '*=', '&&=', '||=', '??='), e: expr })),
      w(2, rec({ k: k('update'), target: tie('target'), op: fc.constantFrom('++x', 'x++', '--x', 'x--') })),
      w(2, rec({ k: k('comma'), a: expr, b: expr })),
      w(2, rec({ k: k('unary'), op: fc.constantFrom('typeof', 'delete', '!', '-'), e: expr })),
      w(1, rec({ k: k('relation'), op: fc.constantFrom('in', 'instanceof'), e: expr })),
      w(1, rec({ k: k('closure'), e: expr })),
      w(1, rec({ k: k('asyncArrow'), arg: expr, body: expr })),
    ) as fc.Arbitrary<Expr>,
    block: fc.array(tie('stmt'), { maxLength: 3 }),
    stmt: fc.oneof(
      { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
      w(8, rec({ k: k('log'), e: expr })),
      w(3, rec({ k: k('expr'), e: expr })),
      w(4, rec({ k: k('decl'), kind: fc.constantFrom('let', 'const', 'var'), e: expr, shadow: fc.option(index, { nil: null }) })),
      w(1, rec({ k: k('destructure'), form: fc.constantFrom('array', 'object', 'assignArray', 'assignObject'), a: expr, b: expr })),
      w(2, rec({ k: k('capture'), write: fc.boolean(), i: index, e: expr })),
      w(3, rec({ k: k('if'), t: expr, a: block, b: block })),
      w(2, rec({ k: k('for'), n, awaitInit: fc.boolean(), t: tie('test'), awaitUpdate: fc.boolean(), label: fc.boolean(), body: block })),
      w(2, rec({ k: k('forOf'), counted: fc.boolean(), a: expr, b: expr, n, label: fc.boolean(), body: block })),
      w(1, rec({ k: k('forIn'), overO: fc.boolean(), label: fc.boolean(), body: block })),
      w(2, rec({ k: k('while'), doWhile: fc.boolean(), n, t: tie('test'), label: fc.boolean(), body: block })),
      w(1, rec({ k: k('forAwait'), agen: fc.boolean(), a: expr, b: expr, n, body: block })),
      w(2, rec({
        k: k('switch'),
        d: expr,
        cases: fc.array(rec({ test: expr, body: block, brk: fc.boolean() }), { minLength: 1, maxLength: 3 }),
        defaultAt: fc.nat({ max: 3 }),
        defaultBody: block,
      })),
      w(4, rec({ k: k('try'), body: block, handler: fc.option(block, { nil: null, freq: 2 }), finalizer: fc.option(block, { nil: null, freq: 2 }) })),
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
  ['obj', `const obj = { base: 10, async m(v: any) { const f = () => [this.base, arguments.length]; if (typeof v === 'number' && v % 2) await later(0); return [v, ...f()]; } };`],
  ['counted', `const counted = (log: any, n: number) => { let i = 0; return { [Symbol.iterator]() { return { next: () => (i < n ? { value: i++, done: false } : { value: undefined, done: true }), return() { log('closed'); return {}; } }; } }; };`],
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
}

/** Whether anything in a subtree may await (an over-approximation). */
function mayAwait(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(mayAwait);
  if (node === null || typeof node !== 'object') return false;
  const kind = (node as { k?: string }).k;
  if (kind === 'await' || kind === 'forAwait' || kind === 'asyncArrow') return true;
  return Object.values(node).some(mayAwait);
}

class Renderer {
  private names = { v: 0, w: 0, i: 0, x: 0, e: 0, L: 0, g: 0, d: 0, p: 0 };
  private tag = 0;
  /** The `var` names of the whole program (hoisted: visible from the start). */
  constructor(private readonly hoisted: string[]) {}

  fresh(prefix: keyof Renderer['names']): string {
    return `${prefix}${this.names[prefix]++}`;
  }

  get varNames(): string[] {
    return Array.from({ length: this.names.w }, (_, i) => `w${i}`);
  }

  program(body: Program): string {
    const ctx: Ctx = {
      vars: [
        { name: 'a', mutable: true, capturable: true, shadowable: true },
        { name: 'b', mutable: true, capturable: true, shadowable: true },
        ...this.hoisted.map((name) => ({ name, mutable: true, capturable: false, shadowable: false })),
      ],
      async: true,
      jumps: [],
      first: false,
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
    for (const stmt of body) {
      lines.push(indent + this.stmt(stmt, inner, indent));
      inner.first = false;
    }
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
          const name = this.fresh('w');
          return `var ${name} = ${this.expr(s.e, ctx)};`;
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
        if (s.form === 'array' || s.form === 'object') {
          const [x, y] = [this.fresh('d'), this.fresh('d')];
          const text = s.form === 'array'
            ? `const [${x}, ${y} = 4] = [${this.expr(s.a, ctx)}];`
            : `const { p: ${x}, q: ${y} = 5 } = { p: ${this.expr(s.a, ctx)}, r: ${this.expr(s.b, ctx)} } as any;`;
          ctx.vars = [...ctx.vars, { name: x, mutable: false, capturable: true, shadowable: false }, { name: y, mutable: false, capturable: true, shadowable: false }];
          return text;
        }
        const targets = ctx.vars.filter((v) => v.mutable);
        if (targets.length === 0) return `log(${this.tag++}, 'no variables');`;
        const x = targets[0]!.name;
        const y = targets[targets.length - 1]!.name;
        return s.form === 'assignArray'
          ? `[${x}, ${y} = 3] = [${this.expr(s.a, ctx)}];`
          : `({ p: ${x}, q: ${y} } = { p: ${this.expr(s.a, ctx)}, q: ${this.expr(s.b, ctx)} });`;
      }
      case 'capture': {
        const candidates = ctx.vars.filter((v) => v.capturable && (!s.write || v.mutable));
        const v = this.pick(candidates, s.i);
        if (!v) return `log(${this.tag++}, 'nothing to capture');`;
        return s.write ? `((n: any) => { ${v.name} = n; })(${this.expr(s.e, ctx)});` : `fns.push(() => ${v.name});`;
      }
      case 'if': {
        const test = this.expr(s.t, ctx);
        const otherwise = s.b.length > 0 ? ` else ${this.braces(s.b, ctx, indent)}` : '';
        return `if (${test}) ${this.braces(s.a, ctx, indent)}${otherwise}`;
      }
      case 'for': {
        const i = this.fresh('i');
        const { prefix, inner } = this.loop(s.label, ctx);
        const init = s.awaitInit ? '(await quick(0))' : '0';
        const update = s.awaitUpdate ? `${i} += await slow(1)` : `${i}++`;
        const test = `${i} < ${s.n}${s.t === null ? '' : ` && ${this.expr(s.t, ctx)}`}`;
        const body = { ...inner, vars: [...inner.vars, { name: i, mutable: false, capturable: false, shadowable: true }] };
        return `${prefix}for (let ${i} = ${init}; ${test}; ${update}) ${this.braces(s.body, body, indent)}`;
      }
      case 'forOf': {
        const x = this.fresh('x');
        const iterable = s.counted ? `counted(log, ${s.n})` : `[${this.expr(s.a, ctx)}, ${this.expr(s.b, ctx)}]`;
        const { prefix, inner } = this.loop(s.label, ctx);
        const body = { ...inner, vars: [...inner.vars, { name: x, mutable: false, capturable: true, shadowable: true }] };
        return `${prefix}for (const ${x} of ${iterable}) ${this.braces(s.body, body, indent)}`;
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
        const iterable = s.agen ? `agen(log, ${s.n})` : `[${this.expr(s.a, ctx)}, later(${this.expr(s.b, ctx)})]`;
        // Only jumps to the loop itself (leaving a for await loop to an enclosing statement is refused).
        const body: Ctx = { ...ctx, jumps: [{ label: null, loop: true, breakable: true }], vars: [...ctx.vars, { name: x, mutable: false, capturable: true, shadowable: true }] };
        return `for await (const ${x} of ${iterable}) ${this.braces(s.body, body, indent)}`;
      }
      case 'switch': {
        const d = this.expr(s.d, ctx);
        const inner: Ctx = { ...ctx, jumps: [...ctx.jumps, { label: null, loop: false, breakable: true }] };
        const clauses = s.cases.map((c) => `case ${this.expr(c.test, ctx)}: ${this.braces(c.body, inner, indent + '  ')}${c.brk ? ' break;' : ''}`);
        clauses.splice(s.defaultAt % (clauses.length + 1), 0, `default: ${this.braces(s.defaultBody, inner, indent + '  ')}`);
        return `switch (${d}) {\n${clauses.map((c) => `${indent}  ${c}`).join('\n')}\n${indent}}`;
      }
      case 'try': {
        const handler = s.handler ?? (s.finalizer === null ? [] : null);
        // A finally that awaits: no break or continue may leave its try or catch block.
        const closed = s.finalizer !== null && mayAwait(s.finalizer) ? { ...ctx, jumps: [] } : ctx;
        let text = `try ${this.braces(s.body, closed, indent)}`;
        if (handler !== null) {
          const e = this.fresh('e');
          const inner: Ctx = { ...closed, vars: [...closed.vars, { name: e, mutable: false, capturable: false, shadowable: false }] };
          const caught = `log('caught', msg(${e}));`;
          text += ` catch (${e}) {\n${indent}  ${caught}${handler.length > 0 ? '\n' + this.block(handler, inner, indent + '  ') : ''}\n${indent}}`;
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

  private target(t: Target, ctx: Ctx): string | null {
    switch (t.t) {
      case 'var': return this.pick(ctx.vars.filter((v) => v.mutable), t.i)?.name ?? null;
      case 'member': return `o.${t.key}`;
      case 'computed': return `o[key(${this.expr(t.e, ctx)})]`;
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
      case 'ref': return this.pick(ctx.vars, e.i)?.name ?? String(e.i);
      case 'meta': return e.which === 'arguments' ? 'arguments.length' : '(typeof this)';
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
        }
        break;
      }
      case 'binary': return `(${x(e.l)} ${e.op} ${x(e.r)})`;
      case 'logical': return `(${x(e.l)} ${e.op} ${x(e.r)})`;
      case 'cond': return `(${x(e.t)} ? ${x(e.a)} : ${x(e.b)})`;
      case 'optional': {
        const base = `maybe(${x(e.base)})`;
        const link = e.form === 'member' ? `${base}?.q[${x(e.arg)} ? 0 : 1]` : e.form === 'computed' ? `${base}?.[key(${x(e.arg)})]` : `${base}?.f(${x(e.arg)})`;
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
        return e.form === 'box'
          ? `new Box(${x(e.a)}).v`
          : `new (class { w: any; constructor(v: any) { this.w = [v]; } get first() { return this.w[0]; } })(${x(e.a)}).first`;
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
  const main = new Renderer(first.varNames).program(program);
  const uses = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(main) || (name === 'oops' && uses('thenableFail'));
  return [...HELPERS.filter(([name]) => uses(name)).map(([, source]) => source), main].join('\n');
}
