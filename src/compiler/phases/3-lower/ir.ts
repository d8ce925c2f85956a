/**
 * The lowered form of one async function: its statements with every await made an explicit
 * suspension point (a Site) and every value that an await must not disturb spilled to a temp.
 * Statements without awaits stay original text (copy chunks). The dataflow analyses run on this
 * form, and the emitter prints it with guarded re-entry.
 */
import type { Node } from '../../ast.js';
import type { Binding } from '../2-analyze/scope.js';

/** Something that may be saved in a continuation: a binding, `this`, `arguments`, or a temp. */
export interface Value {
  readonly id: number;
  /** Name in the emitted code. */
  readonly name: string;
  /** 'function': restored in the prologue; 'block': restored where it is declared. */
  readonly home: 'function' | 'block';
  readonly binding: Binding | null;
}

/** A piece of emitted code: generated text, original text, or a reference to a value. */
export type Chunk = string | CopyChunk | RefChunk;

/** Original text [start, end), printed with the rewrites registered inside it. */
export interface CopyChunk {
  readonly kind: 'copy';
  readonly start: number;
  readonly end: number;
}

export interface RefChunk {
  readonly kind: 'ref';
  readonly value: Value;
  readonly read: boolean;
  readonly write: boolean;
}

interface ItemBase {
  /** Lowest and highest suspension point inside (lo > hi: none). */
  lo: number;
  hi: number;
}

/** A statement without suspension points. */
export interface CodeItem extends ItemBase {
  readonly kind: 'code';
  readonly chunks: Chunk[];
  /** Values this statement certainly writes (for liveness). */
  readonly mustWrite: Value[];
  /** Function declarations are hoisted by the engine: never guarded. */
  readonly hoisted: boolean;
  /** Original range, to find the jumps it contains. */
  readonly range: readonly [number, number] | null;
  /** Jumps in generated text (original jumps are found from the AST). */
  readonly exits: readonly ('break' | 'return' | 'throw')[];
  /**
   * Set when the statement holds `return`s rewritten as completions of a `try` whose `finally`
   * awaits: they write `also` and leave to this label.
   */
  readonly completion: { readonly label: string; readonly also: readonly Value[] } | null;
  /**
   * A generated `break` or `continue` that carries out this original one, recorded as the
   * completion of a `try` whose `finally` awaits (or of a `for await` body), after it: it leaves
   * to that jump's target.
   */
  readonly carries: Node | null;
}

/** One declarator of a `let`/`const`/`var` (or a class declaration). */
export interface DeclItem extends ItemBase {
  readonly kind: 'decl';
  readonly keyword: 'let' | 'const' | 'var';
  /** Identifier or pattern text. */
  readonly target: Chunk[];
  readonly declared: Value[];
  readonly isPattern: boolean;
  /** null: no initialiser. */
  readonly init: Chunk[] | null;
  /**
   * The name an anonymous function or class initialiser takes from the binding: kept by `named`
   * where the initialiser is printed inside a conditional (a declaration restored on resumption).
   */
  readonly functionName?: string;
  /**
   * V8's message when an array pattern's value is not iterable, which the declaration printed as
   * an assignment (restored on resumption, or in a for-loop head) gives through `iterableOnce`.
   */
  readonly notIterable?: string;
}

export interface CallOperand {
  /** Receiver of a member call, evaluated first; null for a plain call. */
  readonly receiver: Chunk[] | null;
  /** A plain call: the function. A member call: the member access after the receiver (".m", "[k]"). */
  readonly callee: Chunk[];
  readonly args: Chunk[][];
  /** For the "is not a function" message. */
  readonly calleeText: string;
}

export interface SiteItem extends ItemBase {
  readonly kind: 'site';
  readonly state: number;
  readonly operand: Chunk[] | null;
  readonly call: CallOperand | null;
  /** Receives the awaited value; null when the value is unused. */
  readonly result: Value | null;
  /** Inside a try block (or a catch with a finally): the exception must be delivered here. */
  readonly inTry: boolean;
  readonly position: number;
}

export interface BlockItem extends ItemBase {
  readonly kind: 'block';
  readonly items: Item[];
  /** Function declarations of this block, restored on entry when resuming. */
  readonly hoistedFunctions: Value[];
}

export interface IfItem extends ItemBase {
  readonly kind: 'if';
  readonly test: Chunk[];
  readonly consequent: Item[];
  readonly alternate: Item[] | null;
}

/** A loop kept as written: `while`, `do-while` or `for` whose test and update have no awaits. */
export interface NativeLoopItem extends ItemBase {
  readonly kind: 'native-loop';
  readonly node: Node;
  readonly labels: string[];
  readonly form: 'while' | 'do' | 'for';
  /** for: the init, as declarators or an expression (null: none). */
  readonly init: DeclItem[] | Chunk[] | null;
  readonly test: Chunk[] | null;
  readonly update: Chunk[] | null;
  readonly body: Item[];
}

/**
 * `for (;;) { items }`: loops whose test or update await, do-while loops whose test awaits,
 * for-of and for-in. With `continueLabel`, `continue` to this loop becomes `break continueLabel`
 * out of the labelled block that holds the first `bodyCount` items.
 */
export interface ForeverItem extends ItemBase {
  readonly kind: 'forever';
  readonly node: Node;
  readonly labels: string[];
  readonly items: Item[];
  readonly continueLabel: string | null;
  readonly bodyCount: number;
}

export interface TryItem extends ItemBase {
  readonly kind: 'try';
  readonly block: Item[];
  /** Catch clause kept in place (it has no awaits): its original text from `catch`. */
  readonly handlerCopy: Chunk[] | null;
  /** Catch clause moved out (it awaits): the exception is stored into this temp. */
  readonly captureInto: Value | null;
  /** Generated catch body that rethrows (for-of closing the iterator). */
  readonly onThrow: Chunk[] | null;
  readonly finalizer: Item[] | null;
}

export interface SwitchItem extends ItemBase {
  readonly kind: 'switch';
  readonly node: Node;
  readonly labels: string[];
  /** Clause index to run when not resuming. */
  readonly selector: Value;
  readonly clauses: Item[][];
  /**
   * The clauses declare `let`/`const`/`class` bindings, whose scope is the whole `switch`:
   * resuming enters at `selector` too (the clause first entered) and passes the clauses before
   * the resumed one, restoring the declarations that ran; those before `selector` stay in their
   * dead zone (see LoweredFunction.clauseBindings).
   */
  readonly lexical: boolean;
  /** Function declarations of the clauses (hoisted to the switch's scope), restored on resumption at the top of every clause. */
  readonly hoistedFunctions: Value[];
}

export interface LabeledItem extends ItemBase {
  readonly kind: 'labeled';
  readonly node: Node;
  readonly label: string;
  readonly body: Item;
}

export type Item = CodeItem | DeclItem | SiteItem | BlockItem | IfItem | NativeLoopItem | ForeverItem | TryItem | SwitchItem | LabeledItem;

export interface LoweredFunction {
  readonly node: Node;
  readonly isArrow: boolean;
  readonly body: Item[];
  readonly values: Value[];
  readonly states: SiteItem[];
  /** `this` and `arguments` aliases, when used. */
  readonly thisValue: Value | null;
  readonly argumentsValue: Value | null;
  /** Parameter list of the fast entry. */
  readonly params: Chunk[];
  /** `length` of the public face. */
  readonly length: number;
  /** Values assigned on entry (parameters, `this`, `arguments`, function-level functions). */
  readonly entryValues: Value[];
  /** Scratch locals of call sites, never live across a suspension. */
  readonly scratch: string[];
  /**
   * Identifiers of bindings renamed because another binding of the function has the same name
   * (the continuation code must name each unambiguously), with their replacement text.
   */
  readonly renames: Map<Node, string>;
  /**
   * `return`, `break` and `continue` statements that leave a `try` whose `finally` awaits (or a
   * `for await` body): they record a completion instead.
   */
  readonly completionJumps: Map<Node, FinallyCompletion>;
  /** Where each binding's declaration completes: a block-scoped value is in its dead zone before. */
  readonly initialisedAt: ReadonlyMap<Binding, number>;
  /** Variables kept in a box `{ v }`: every use reads the box (see lower.ts, checkSupported). */
  readonly boxed: ReadonlySet<Binding>;
  /**
   * Anonymous functions and classes assigned to a boxed variable, with its name: `x = () => {}`
   * becomes `x.v = ...`, which names nothing, so they are printed as `named` values.
   */
  readonly namedValues: ReadonlyMap<Node, string>;
  /** The continuation records `this` and the dispatcher resumes with it (methods using `super`). */
  readonly resumesWithThis: boolean;
  /**
   * Block-scoped values declared directly in a clause of a `lexical` switch: initialised only if
   * the switch was entered at or before that clause, so saved as
   * `selector <= clause ? value : undefined` (reading one in its dead zone would throw).
   */
  readonly clauseBindings: ReadonlyMap<Value, { readonly selector: Value; readonly clause: number }>;
}

/** The pending completion of a `try` whose `finally` awaits: kept across its suspensions. */
export interface FinallyCompletion {
  /** Labels the try part: a `return` inside records itself and breaks out to the `finally`. */
  readonly label: string;
  /** 0 normal, 1 throw, 2 return, 3 + i: the i-th of `jumps`. */
  readonly kind: Value;
  /** The exception or the returned value. */
  readonly value: Value;
  /**
   * The `break` and `continue` statements inside whose target is outside, carried out after the
   * `finally` as `text` (what the jump is emitted as there).
   */
  readonly jumps: { readonly node: Node; readonly text: string }[];
}

export function isStateful(item: Item): boolean {
  return item.lo <= item.hi;
}

export const NO_STATES = { lo: Number.POSITIVE_INFINITY, hi: Number.NEGATIVE_INFINITY } as const;

export function spanOf(items: readonly Item[]): { lo: number; hi: number } {
  let lo: number = Number.POSITIVE_INFINITY;
  let hi: number = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    if (item.lo < lo) lo = item.lo;
    if (item.hi > hi) hi = item.hi;
  }
  return { lo, hi };
}

/**
 * `value` (an anonymous function or class) as the value of a property `name` (or of the property
 * key that `name` holds), so that it takes that name.
 */
export function named(name: string | Chunk[], value: Chunk[]): Chunk[] {
  if (typeof name === 'string') return ['{ ', namingKey(name), ': ', ...value, ' }[', JSON.stringify(name), ']'];
  return ['{ [', ...name, ']: ', ...value, ' }[', ...name, ']'];
}

/**
 * The key of a property that names its value `name`: a literal where it can be, since with a
 * computed key V8 sets the name after the class is made, over a static `name` member of the class
 * (a literal `__proto__` would set the prototype instead).
 */
export function namingKey(name: string): string {
  return name === '__proto__' ? '["__proto__"]' : JSON.stringify(name);
}
