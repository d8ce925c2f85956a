/**
 * Prints a lowered body with guarded re-entry. While nothing has suspended (`$s === 0`), the
 * code is the original structure: loops stay loops, `try` stays `try`. On resumption `$s` holds
 * the state: each statement list skips what ran before the suspension point (guards), enters
 * the statements that contain it (a loop's test is not evaluated, a declaration is restored from
 * the continuation instead of initialised), and the suspension point sets `$s` back to 0.
 */
import type { CodeItem, Chunk, DeclItem, Item, LoweredFunction, SiteItem, Value, ForeverItem, LabeledItem } from '../3-lower/ir.js';
import { isStateful, named } from '../3-lower/ir.js';
import { type PointLayout, type SharedLayout, valueSlotsOf } from '../4-layout/layout.js';
import type { Names } from '../../names.js';
import type { Output } from './output.js';
import type { Rewrites } from './rewrites.js';

export interface BodyContext {
  readonly output: Output;
  readonly rewrites: Rewrites;
  readonly names: Names;
  readonly layout: SharedLayout;
  readonly reuse: boolean;
  /** Constructor of the continuation: shared, or one per suspension point. */
  /** What makes the continuation of a point: a constructor with `new`, or a factory. */
  readonly classFor: (state: number) => string;
  /** Scratch locals the sites use, declared by the prologue. */
  readonly scratch: Set<string>;
  /** Record `this` in the continuation (methods using `super`). */
  readonly resumesWithThis: boolean;
  /** Added to every point's flags: RESUMES_THROUGH_STATE for arrows and methods using `super`, else 0. */
  readonly resumeFlag: number;
  /** For a compiled async function declared in a block: the expression that makes its face. */
  readonly hoistedFace: (value: Value) => string | null;
  /** Bindings of a lexical switch's clauses: saved only when initialised (LoweredFunction.clauseBindings). */
  readonly clauseBindings: LoweredFunction['clauseBindings'];
}

export class ItemEmitter {
  private readonly out: Output;
  private readonly names: Names;
  /**
   * What the guards read to ask "resuming?": the state variable, or `0` in the body of a loop
   * that no resumption enters (see resumesAtEnd), where every guard folds away.
   */
  private s: string;
  /** The state variable itself: what suspensions and resumptions write, and `finally` tests. */
  private readonly stateVar: string;
  private readonly k: string;
  private readonly points = new Map<SiteItem, PointLayout>();
  private readonly context: BodyContext;

  constructor(context: BodyContext) {
    this.context = context;
    this.out = context.output;
    this.names = context.names;
    this.s = context.names.s;
    this.stateVar = context.names.s;
    this.k = context.names.k;
    for (const point of context.layout.points) this.points.set(point.site, point);
  }

  private gen(text: string, at?: number): void {
    this.out.gen(text, at);
  }

  chunks(chunks: readonly Chunk[]): void {
    for (const chunk of chunks) {
      if (typeof chunk === 'string') this.gen(chunk);
      else if (chunk.kind === 'copy') this.context.rewrites.copy(chunk.start, chunk.end);
      else this.gen(chunk.value.name);
    }
  }

  private slotExpression(value: Value): string | null {
    const slot = this.context.layout.slotOf.get(value);
    return slot === undefined ? null : `${this.k}.s${slot}`;
  }

  // ---------------------------------------------------------------- lists

  /** `passedAll`: a resumption may pass the whole list (lexical switch clauses before the resumed one). */
  list(items: readonly Item[], passedAll = false): void {
    let lastStateful = passedAll ? items.length : -1;
    items.forEach((item, index) => {
      if (isStateful(item) && !passedAll) lastStateful = index;
    });
    let guarded: CodeItem[] = [];
    const flush = (): void => {
      if (guarded.length === 0) return;
      this.gen(`if (${this.s} === 0) { `);
      for (const item of guarded) {
        this.chunks(item.chunks);
        this.gen(' ');
      }
      this.gen('} ');
      guarded = [];
    };
    items.forEach((item, index) => {
      const passed = index < lastStateful;
      if (!isStateful(item)) {
        if (passed && item.kind === 'code' && !item.hoisted) {
          guarded.push(item);
          return;
        }
        flush();
        if (passed && item.kind === 'decl') this.restoringDeclaration(item);
        else if (passed && item.kind !== 'code') this.guardedWhole(item, null);
        else this.item(item);
        return;
      }
      flush();
      if (passed && item.kind !== 'site') this.guardedWhole(item, item);
      else this.item(item);
    });
    flush();
  }

  /** A statement that a resumption may have to skip (or enter, for `range`). */
  private guardedWhole(item: Item, range: Item | null): void {
    if (range === null) this.gen(`if (${this.s} === 0) `);
    else if (range.lo === range.hi) this.gen(`if (${this.s} === 0 || ${this.s} === ${range.lo}) `);
    else this.gen(`if (${this.s} === 0 || (${this.s} >= ${range.lo} && ${this.s} <= ${range.hi})) `);
    this.gen('{ ');
    this.item(item);
    this.gen(' } ');
  }

  private braces(items: readonly Item[]): void {
    this.gen('{ ');
    this.list(items);
    this.gen(' }');
  }

  private labels(labels: readonly string[]): void {
    for (const label of labels) this.gen(`${label}: `);
  }

  private spanTest(items: readonly Item[]): string {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const item of items) {
      lo = Math.min(lo, item.lo);
      hi = Math.max(hi, item.hi);
    }
    if (lo > hi) return 'false';
    return lo === hi ? `${this.s} === ${lo}` : `(${this.s} >= ${lo} && ${this.s} <= ${hi})`;
  }

  // ---------------------------------------------------------------- items

  item(item: Item): void {
    switch (item.kind) {
      case 'code':
        this.chunks(item.chunks);
        this.gen(' ');
        return;
      case 'decl':
        this.declaration(item);
        return;
      case 'site':
        this.site(item);
        return;
      case 'block':
        this.gen('{ ');
        for (const reset of this.nameResets(item.hoistedFunctions)) this.gen(`${reset}; `);
        for (const fn of item.hoistedFunctions) {
          const slot = this.slotExpression(fn);
          const face = this.context.hoistedFace(fn);
          // A compiled declaration's face is made at the top of its block (restored on resumption).
          if (face !== null) this.gen(`let ${fn.name} = ${this.s} === 0 ? ${face} : ${slot ?? 'undefined'}; `);
          else if (slot) this.gen(`if (${this.s} !== 0) ${fn.name} = ${slot}; `);
        }
        this.list(item.items);
        this.gen(' } ');
        return;
      case 'if':
        this.gen(`if (${this.s} === 0 ? (`);
        this.chunks(item.test);
        this.gen(`) : ${this.spanTest(item.consequent)}) `);
        this.braces(item.consequent);
        if (item.alternate) {
          this.gen(' else ');
          this.braces(item.alternate);
        }
        this.gen(' ');
        return;
      case 'native-loop':
        this.nativeLoop(item);
        return;
      case 'forever':
        this.forever(item);
        return;
      case 'try':
        this.gen('try ');
        this.braces(item.block);
        if (item.handlerCopy) {
          this.gen(' ');
          this.chunks(item.handlerCopy);
        } else if (item.captureInto) {
          const e = this.scratchName('e');
          this.gen(` catch (${e}) { ${item.captureInto.name} = ${e}; }`);
        } else if (item.onThrow) {
          const e = this.scratchName('e');
          this.gen(` catch (${e}) { `);
          this.chunks(item.onThrow);
          this.gen(` throw ${e}; }`);
        }
        if (item.finalizer) {
          // Suspending inside the try returns through the finally block: it must not run then.
          this.gen(isStateful(item) ? ` finally { if (${this.stateVar} === 0) ` : ' finally ');
          this.braces(item.finalizer);
          this.gen(isStateful(item) ? ' }' : '');
        }
        this.gen(' ');
        return;
      case 'switch': {
        this.labels(item.labels);
        if (item.lexical) {
          // Re-entered where it was entered: the clauses before the resumed one are passed
          // (their declarations restored), so that the bindings declared there are initialised
          // exactly when they were.
          let lastStateful = -1;
          item.clauses.forEach((clause, index) => {
            if (this.spanTest(clause) !== 'false') lastStateful = index;
          });
          this.gen(`switch (${item.selector.name}) { `);
          item.clauses.forEach((clause, index) => {
            this.gen(`case ${this.caseTest(index, item.hoistedFunctions)}: `);
            this.restoreHoisted(item.hoistedFunctions);
            this.list(clause, index < lastStateful);
          });
          this.gen('} ');
          return;
        }
        this.gen(`switch (${this.s} === 0 ? ${item.selector.name} : `);
        item.clauses.forEach((clause, index) => {
          const test = this.spanTest(clause);
          if (test !== 'false') this.gen(`${test} ? ${index} : `);
        });
        this.gen('-1) { ');
        item.clauses.forEach((clause, index) => {
          this.gen(`case ${this.caseTest(index, item.hoistedFunctions)}: `);
          this.restoreHoisted(item.hoistedFunctions);
          this.list(clause);
        });
        this.gen('} ');
        return;
      }
      case 'labeled':
        this.gen(`${item.label}: `);
        this.item(item.body);
        return;
    }
  }

  /**
   * A switch's function declarations are hoisted to its scope, before its first clause, where no
   * statement can go: resuming restores them at the top of the clause it enters (of each clause it
   * passes, for a lexical switch: the same values), before anything there can read them.
   */
  private restoreHoisted(functions: readonly Value[]): void {
    for (const fn of functions) {
      const slot = this.slotExpression(fn);
      if (slot) this.gen(`if (${this.s} !== 0) ${fn.name} = ${slot}; `);
    }
  }

  /**
   * `name` set back on the function declarations that the compiler renamed (renameShadowed), which
   * would bear the new one: where they are hoisted (first in their block, see also caseTest),
   * before anything can read them; a resumption then restores the function of before in place of
   * the new one. A compiled declaration's face is named by the runtime. (A function declaration of
   * the function body keeps its name: its binding comes before those of the blocks.)
   */
  private nameResets(functions: readonly Value[]): string[] {
    return functions.flatMap((fn) => fn.binding === null || fn.name === fn.binding.name || this.context.hoistedFace(fn) !== null ? []
      : [`globalThis.Reflect.defineProperty(${fn.name}, "name", { __proto__: null, value: ${JSON.stringify(fn.binding.name)} })`]);
  }

  /**
   * A switch's clause `index` (see switch): the first one's test is evaluated first whichever
   * clause is entered (the clauses have no default), in the switch's scope: the renamed function
   * declarations hoisted there get their names back then, and the compiled ones their faces
   * (function.ts, planDeclaration).
   */
  private caseTest(index: number, functions: readonly Value[]): string {
    const faces = functions.flatMap((fn) => {
      const face = this.context.hoistedFace(fn);
      return face === null ? [] : [`${fn.name} = ${face}`];
    });
    const resets = index === 0 ? [...faces, ...this.nameResets(functions)] : [];
    return resets.length === 0 ? `${index}` : `(${resets.join(', ')}, ${index})`;
  }

  private scratchName(name: string): string {
    const scratch = this.names.scratch(name);
    this.context.scratch.add(scratch);
    return scratch;
  }

  private nativeLoop(item: Extract<Item, { kind: 'native-loop' }>): void {
    this.labels(item.labels);
    if (item.form !== 'do' && this.resumesAtEnd(item)) {
      this.loopResumedAtEnd(item);
      return;
    }
    const resuming = `${this.s} !== 0`;
    if (item.form === 'while') {
      this.gen(`while (${resuming} || (`);
      this.chunks(item.test!);
      this.gen(')) ');
      this.braces(item.body);
    } else if (item.form === 'do') {
      this.gen('do ');
      this.braces(item.body);
      this.gen(' while (');
      this.chunks(item.test!);
      this.gen(');');
    } else {
      this.gen('for (');
      if (item.init) this.forInit(item.init);
      this.gen('; ');
      if (item.test) {
        this.gen(`${resuming} || (`);
        this.chunks(item.test);
        this.gen(')');
      }
      this.gen('; ');
      if (item.update) this.chunks(item.update);
      this.gen(') ');
      this.braces(item.body);
    }
    this.gen(' ');
  }

  /**
   * A loop whose one suspension point ends its body, with nothing to deliver there (the value
   * unused, not in a try): `for (...) { ...; await x; }`, the loop of the seed. Resuming there is
   * the same as going on with the next iteration, so the resumption is taken in the loop's test
   * (`$s = 0`, the update) and no resumption enters the body: it is printed with `0` for the
   * state, and V8 folds all its guards. 13.5 -> 11.9 ns per suspension of the seed loop (Node 20).
   */
  private resumesAtEnd(item: Extract<Item, { kind: 'native-loop' }>): boolean {
    if (!isStateful(item)) return false;
    let body: readonly Item[] = item.body;
    // The body's own block (`for (...) { ... }`).
    while (body.length === 1 && body[0]!.kind === 'block' && body[0]!.hoistedFunctions.length === 0) body = body[0]!.items;
    const last = body[body.length - 1];
    if (last === undefined || last.kind !== 'site' || last.result !== null || last.inTry) return false;
    if (body.some((other) => other !== last && isStateful(other))) return false;
    const point = this.points.get(last)!;
    return point.resultSlot === 0 && point.exceptionSlot === 0;
  }

  private loopResumedAtEnd(item: Extract<Item, { kind: 'native-loop' }>): void {
    const state = this.stateVar;
    const head = (): void => {
      this.gen(`(${state} !== 0 && (${state} = 0`);
      if (item.update) {
        this.gen(', ');
        this.chunks(item.update);
      }
      this.gen(')), (');
      if (item.test) this.chunks(item.test);
      else this.gen('true');
      this.gen(')');
    };
    if (item.form === 'while') {
      this.gen('while (');
      head();
      this.gen(') ');
    } else {
      this.gen('for (');
      if (item.init) this.forInit(item.init);
      this.gen('; ');
      head();
      this.gen('; ');
      if (item.update) this.chunks(item.update);
      this.gen(') ');
    }
    this.s = '0';
    try {
      this.braces(item.body);
    } finally {
      this.s = this.stateVar;
    }
    this.gen(' ');
  }

  /** A for-loop head entered on resumption: declarations are restored, not initialised. */
  private forInit(init: readonly DeclItem[] | readonly Chunk[]): void {
    const first = init[0];
    if (first !== undefined && typeof first === 'object' && 'kind' in first && first.kind === 'decl') {
      const declarators = init as readonly DeclItem[];
      this.gen(`${declarators[0]!.keyword} `);
      declarators.forEach((d, index) => {
        if (index > 0) this.gen(', ');
        if (d.isPattern) {
          this.patternInit(d);
          return;
        }
        this.chunks(d.target);
        if (d.init === null && d.keyword === 'var') return;
        this.gen(` = ${this.s} === 0 ? (`);
        if (d.init) this.chunks(initialiser(d));
        else this.gen('undefined');
        this.gen(') : ');
        this.restoreLiteral(d);
      });
      return;
    }
    this.gen(`${this.s} === 0 ? (`);
    this.chunks(init as readonly Chunk[]);
    this.gen(') : undefined');
  }

  /**
   * A pattern in a for-loop head (`let` or `var`): its names are declared, then a declarator of
   * its own destructures into them, or restores them on resumption (`let` names; `var` ones are
   * restored by the prologue). The lowering refuses patterns that read their own names.
   */
  private patternInit(d: DeclItem): void {
    for (const value of d.declared) this.gen(`${value.name}, `);
    // A name of its own (not a prologue scratch: a `var` head would redeclare it).
    this.gen(`${this.names.temp()} = ${this.s} === 0 ? void (`);
    this.chunks(d.target);
    this.gen(' = ');
    this.patternValue(d);
    this.gen(') : ');
    const restores = d.keyword === 'var' ? [] : d.declared.flatMap((v) => {
      const slot = this.slotExpression(v);
      return slot ? [`${v.name} = ${slot}`] : [];
    });
    this.gen(restores.length > 0 ? `void (${restores.join(', ')})` : 'undefined');
  }

  /** The restored value of a for-loop head binding (patterns: see patternInit). */
  private restoreLiteral(d: DeclItem): void {
    const value = d.declared[0];
    const slot = value ? this.slotExpression(value) : null;
    this.gen(d.keyword === 'var' && value ? value.name : (slot ?? 'undefined'));
  }

  private forever(item: ForeverItem): void {
    this.labels(item.labels);
    this.gen('for (;;) ');
    if (item.continueLabel) {
      const body: LabeledItem = { kind: 'labeled', node: item.node, label: item.continueLabel, body: item.items[0]!, lo: item.items[0]!.lo, hi: item.items[0]!.hi };
      this.braces([body, ...item.items.slice(item.bodyCount)]);
    } else {
      this.braces(item.items);
    }
    this.gen(' ');
  }

  // ---------------------------------------------------------------- declarations

  private declaration(d: DeclItem): void {
    this.gen(`${d.keyword} `);
    this.chunks(d.target);
    if (d.init) {
      this.gen(' = ');
      this.chunks(d.init);
    }
    this.gen('; ');
  }

  /** A declaration that a resumption passes: the binding is created and restored. */
  private restoringDeclaration(d: DeclItem): void {
    if (!d.isPattern) {
      const value = d.declared[0];
      const slot = value ? this.slotExpression(value) : null;
      if (d.keyword === 'var') {
        // Function-level: restored by the prologue; only the initialiser is skipped.
        if (d.init === null) {
          this.declaration(d);
          return;
        }
        this.gen('var ');
        this.chunks(d.target);
        this.gen(` = ${this.s} === 0 ? (`);
        this.chunks(initialiser(d));
        this.gen(') : ');
        this.chunks(d.target);
        this.gen('; ');
        return;
      }
      if (d.init === null && slot === null) {
        this.declaration(d);
        return;
      }
      this.gen(`${d.keyword} `);
      this.chunks(d.target);
      this.gen(` = ${this.s} === 0 ? (`);
      if (d.init) this.chunks(initialiser(d));
      else this.gen('undefined');
      this.gen(`) : ${slot ?? 'undefined'}; `);
      return;
    }
    // Patterns: declare the names, destructure only when running, restore otherwise.
    const names = d.declared.map((v) => v.name).join(', ');
    // An empty pattern (`const {} = x`) declares nothing.
    if (names !== '') this.gen(`${d.keyword === 'var' ? 'var' : 'let'} ${names}; `);
    if (d.init) {
      this.gen(`if (${this.s} === 0) (`);
      this.chunks(d.target);
      this.gen(' = ');
      this.patternValue(d);
      this.gen(');');
    }
    if (d.keyword !== 'var') {
      const restores = d.declared.map((v) => {
        const slot = this.slotExpression(v);
        return slot ? `${v.name} = ${slot}; ` : '';
      });
      this.gen(` else { ${restores.join('')}}`);
    }
    this.gen(' ');
  }

  /** The value of a declared pattern printed as an assignment: an array pattern's iterator got with the declaration's message. */
  private patternValue(d: DeclItem): void {
    if (d.notIterable === undefined) {
      this.gen('(');
      this.chunks(d.init!);
      this.gen(')');
      return;
    }
    this.gen(`${this.names.runtime('iterableOnce')}(`);
    this.chunks(d.init!);
    this.gen(`, ${JSON.stringify(d.notIterable)})`);
  }

  // ---------------------------------------------------------------- suspension points

  private site(site: SiteItem): void {
    const point = this.points.get(site)!;
    const s = this.s;
    const k = this.k;
    const names = this.names;
    const result = site.result ? site.result.name : this.scratchName('r');
    this.gen(`if (${s} === 0) { `, site.position);
    let suspendedTest = '';
    if (site.call) {
      // Few locals keep a frame small, which matters for deep synchronous recursion before V8
      // optimises anything (test/BUGS.md 12): the callee is held in the site's scratch `r`, which
      // then takes the result if the await's value is unused; the arguments are written once,
      // in a call whose function is the fast entry or the callee; settle takes one argument and
      // the constructor only what the point saves (Ignition copies call arguments into fresh
      // registers).
      const call = site.call;
      const callee = this.scratchName('r');
      const f = this.scratchName('f');
      let receiver = 'undefined';
      if (call.receiver) {
        receiver = this.scratchName('o');
        this.gen(`${receiver} = `);
        this.chunks(call.receiver);
        this.gen('; ');
        this.gen(`${callee} = `);
        if (isReceiverAccess(call.callee)) this.gen(receiver);
        this.chunks(call.callee);
        this.gen('; ');
      } else {
        this.gen(`${callee} = `);
        this.chunks(call.callee);
        this.gen('; ');
      }
      // Not a function: the callee becomes a function that throws V8's TypeError, once the
      // arguments are evaluated. Done before the call: a call inside the callee expression would
      // take registers beside the ones the outer call holds.
      this.gen(
        `${f} = typeof ${callee} === "function" ? ${callee}[${names.runtime('FAST')}] : (${callee} = ${names.runtime('notCallable')}(${JSON.stringify(call.calleeText)}), undefined); ` +
          `${result} = (${f} !== undefined ? ${f} : ${callee})`,
      );
      // A plain call passes `this` implicitly (undefined, as for the call written): one frame
      // less than `.call`.
      this.gen(call.receiver ? `.call(${receiver}${call.args.length > 0 ? ', ' : ''}` : '(');
      call.args.forEach((arg, index) => {
        if (index > 0) this.gen(', ');
        this.chunks(arg);
      });
      this.gen(`); if (${f} === undefined) ${result} = ${names.runtime('awaitValue')}(${result}); `);
      const suspended = names.runtime('SUSPENDED');
      // Signals are symbols: any other result is told apart by `typeof` alone, which is much
      // cheaper than comparing it with the signals (measured 4.4 -> 2.2 ns per call).
      suspendedTest =
        `typeof ${result} === "symbol" && (${result} === ${suspended} ? ${names.runtime('settle')}(${f}) : ` +
        `${result} === ${names.runtime('ADOPTED')} && (${result} = ${names.runtime('awaitAdopted')}()) === ${suspended})`;
    } else {
      // The awaiter protocol runs here rather than in a shared helper, so that this site's
      // inline caches see only what this site awaits.
      const awaiter = this.scratchName('w');
      const getAwaiter = names.runtime('GET_AWAITER');
      this.gen(`${result} = `);
      this.chunks(site.operand!);
      // An incomplete awaiter leaves its awaiter in `w` and the result undefined; anything
      // else that suspends leaves SUSPENDED.
      this.gen(
        `; ${awaiter} = undefined; if ((typeof ${result} === "object" && ${result} !== null) || typeof ${result} === "function") { ` +
          `if (${result}[${getAwaiter}] !== undefined) { ${awaiter} = ${result}[${getAwaiter}](); ` +
          `if (${awaiter}.isCompleted) { ${result} = ${awaiter}.getResult(); ${awaiter} = undefined; } } ` +
          `else ${result} = ${names.runtime('awaitNonAwaiter')}(${result}); } `,
      );
      this.gen(`if (${awaiter} !== undefined || (typeof ${result} === "symbol" && ${result} === ${names.runtime('SUSPENDED')})) { `);
      this.save(point);
      this.gen(
        `return ${awaiter} !== undefined ? ${names.runtime('suspendOnAwaiter')}(${k}, ${awaiter}) : ${names.runtime('suspend')}(${k}); } ` +
          `} else if (${s} === ${site.state}) { ${this.stateVar} = 0; `,
      );
      this.resumeSite(site, point);
      return;
    }
    this.gen(`if (${suspendedTest}) { `);
    this.save(point);
    this.gen(`return ${names.runtime('suspend')}(${k}); } } else if (${s} === ${site.state}) { ${this.stateVar} = 0; `);
    this.resumeSite(site, point);
  }

  /** What a site does when the activation resumes at it: deliver the exception or the value. */
  private resumeSite(site: SiteItem, point: PointLayout): void {
    const k = this.k;
    const names = this.names;
    if (point.exceptionSlot !== 0) {
      const e = this.scratchName('x');
      const slot = `${k}.s${point.exceptionSlot}`;
      const none = names.runtime('NO_EXCEPTION');
      this.gen(`if (${slot} !== ${none}) { ${e} = ${slot}; ${slot} = ${none}; throw ${e}; } `);
    }
    if (site.result && point.resultSlot !== 0) {
      const slot = `${k}.s${point.resultSlot}`;
      this.gen(`${site.result.name} = ${slot}; ${slot} = undefined; `);
    }
    this.gen('} ');
  }

  private save(point: PointLayout): void {
    const k = this.k;
    // Returning through a `finally` that encloses the suspension point must not run it: those
    // blocks run only while `$s` is 0.
    if (point.site.inTry) this.gen(`${this.stateVar} = ${point.site.state}; `);
    const layout = this.context.layout;
    const state = point.site.state;
    const constructor = this.context.classFor(state);
    if (this.context.reuse) {
      // The first suspension of an activation allocates; later ones reuse and store only what
      // changed since the activation resumed. The constructor takes the values of the value
      // slots, up to the last this point saves (a field's representation comes from its first
      // value: Smi fields stay Smi), but not the state and flags, stored after it: each argument
      // is one more register in the frame (test/BUGS.md 12).
      const flags = point.flags | this.context.resumeFlag;
      const args = constructorArguments(layout, point.saved, (value) => this.saved(value));
      this.gen(`if (${k} === null) { ${k} = ${constructor}(${args}); ${k}.state = ${state}; `);
      if (flags !== 0) this.gen(`${k}.flags = ${flags}; `);
      if (this.context.resumesWithThis) this.gen(`${k}.self = this; `);
      // With one suspension point, a reused continuation already holds its state and flags.
      const header = layout.points.length === 1 ? '' : `${k}.state = ${state}; ${k}.flags = ${flags}; `;
      this.gen(`} else { ${header}`);
      for (const value of point.savedOnReuse) this.gen(`${k}.s${layout.slotOf.get(value)} = ${this.saved(value)}; `);
      this.gen('} ');
      return;
    }
    // Without reuse, each point's class knows its state and flags and takes what the point saves.
    this.gen(`${k} = ${constructor}(${point.saved.map((value) => this.saved(value)).join(', ')}); `);
    if (this.context.resumesWithThis) this.gen(`${k}.self = this; `);
  }

  /** What a suspension saves of a value: a lexical switch's binding only if it is initialised. */
  private saved(value: Value): string {
    const clause = this.context.clauseBindings.get(value);
    return clause === undefined ? value.name : `(${clause.selector.name} <= ${clause.clause} ? ${value.name} : undefined)`;
  }
}

function isReceiverAccess(callee: readonly Chunk[]): boolean {
  // A member call's callee is the access after the receiver (".m", "[k]"), unless it was
  // resolved into a temp before the arguments.
  return !(callee.length === 1 && typeof callee[0] === 'object' && callee[0].kind === 'ref');
}

/** A declaration's initialiser as printed inside `$s === 0 ? (...) : restored`: named, if it is an anonymous function. */
function initialiser(d: DeclItem): Chunk[] {
  return d.functionName === undefined ? d.init! : named(d.functionName, d.init!);
}

/**
 * The arguments of a reused continuation's constructor at a point: the value slots in order (not
 * the result and exception slots, which the constructor sets), up to the last one `saved` holds.
 */
function constructorArguments(layout: SharedLayout, saved: readonly Value[], print: (value: Value) => string): string {
  const bySlot = new Map<number, Value>();
  for (const value of saved) bySlot.set(layout.slotOf.get(value)!, value);
  const args: string[] = [];
  let last = 0;
  for (const slot of valueSlotsOf(layout)) {
    const value = bySlot.get(slot);
    args.push(value === undefined ? 'undefined' : print(value));
    if (value !== undefined) last = args.length;
  }
  return args.slice(0, last).join(', ');
}
