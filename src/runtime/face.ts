/**
 * Public faces: what non-compiled code sees of a compiled function. A face returns a Task and
 * carries the fast entry under FAST, which compiled call sites call directly.
 */
import { FAST } from './contract.js';
import { start } from './dispatcher.js';

type FastEntry = (...args: never[]) => unknown;

/**
 * A face: a method (not a constructor, no `prototype`) named `name`, of `length` parameters, that
 * starts `fast`. The length comes from the parameter list rather than from redefining `length`:
 * redefining it turns the function's properties into a dictionary, and every compiled call site
 * then looks up `FAST` on it slowly (a sixth of a synchronous call's cost went there).
 */
function makeFace(name: string | number, fast: FastEntry, length: number): Function {
  const make = faceMakers[length];
  if (make !== undefined) return make(name, fast);
  const face = faceMakers[0]!(name, fast);
  Object.defineProperty(face, 'length', { value: length, configurable: true });
  return face;
}

/** By length: the parameters give each face its `length`; `arguments` passes all that were given. */
const faceMakers: ((name: string | number, fast: FastEntry) => Function)[] = [
  (name, fast) => ({ [name](this: unknown) { return start(fast, this, arguments); } })[name]!,
  (name, fast) => ({ [name](this: unknown, _1: unknown) { return start(fast, this, arguments); } })[name]!,
  (name, fast) => ({ [name](this: unknown, _1: unknown, _2: unknown) { return start(fast, this, arguments); } })[name]!,
  (name, fast) => ({ [name](this: unknown, _1: unknown, _2: unknown, _3: unknown) { return start(fast, this, arguments); } })[name]!,
  (name, fast) => ({ [name](this: unknown, _1: unknown, _2: unknown, _3: unknown, _4: unknown) { return start(fast, this, arguments); } })[name]!,
  (name, fast) => ({ [name](this: unknown, _1: unknown, _2: unknown, _3: unknown, _4: unknown, _5: unknown) { return start(fast, this, arguments); } })[name]!,
  (name, fast) => ({ [name](this: unknown, _1: unknown, _2: unknown, _3: unknown, _4: unknown, _5: unknown, _6: unknown) { return start(fast, this, arguments); } })[name]!,
];

/** What native async functions inherit from (their `constructor` is AsyncFunction). */
const AsyncFunctionPrototype: object = Object.getPrototypeOf(async function () {});

/** Face of a function expression or arrow (the fast entry is the compiled function itself). */
export function fn(fast: FastEntry, name: string, length: number): Function {
  const face = makeFace(name, fast, length);
  (face as unknown as Record<symbol, unknown>)[FAST] = fast;
  Object.setPrototypeOf(face, AsyncFunctionPrototype);
  return face;
}

/**
 * Replaces the compiled method `key` of `home` (a class prototype, a class, or an object
 * literal) by its face, keeping the property's attributes. The method itself stays the fast
 * entry, so `super` and private names work in its body.
 */
export function method(home: object, key: PropertyKey, length: number): void {
  const descriptor = Object.getOwnPropertyDescriptor(home, key);
  // A later member of the same key (a spread, a getter) may have replaced the method.
  if (descriptor === undefined || typeof descriptor.value !== 'function') return;
  const fast = descriptor.value as FastEntry;
  const name = typeof key === 'symbol' ? (key.description === undefined ? '' : `[${key.description}]`) : key;
  const face = makeFace(name, fast, length);
  (face as unknown as Record<symbol, unknown>)[FAST] = fast;
  Object.setPrototypeOf(face, AsyncFunctionPrototype);
  descriptor.value = face;
  Object.defineProperty(home, key, descriptor);
}

/** Object literal with compiled methods: `methods({ m() {...} }, "m", 1, ...)`. */
export function methods<T extends object>(home: T, ...keysAndLengths: (PropertyKey | number)[]): T {
  for (let i = 0; i < keysAndLengths.length; i += 2) {
    method(home, keysAndLengths[i] as PropertyKey, keysAndLengths[i + 1] as number);
  }
  return home;
}

/** Keys of compiled methods with computed names, as the class or object literal evaluated them. */
const evaluatedKeys: PropertyKey[] = [];

/** `[key]() {}`: converts the key once, as the definition would, and keeps it for `takeKeys`. */
export function pushKey(key: unknown): PropertyKey {
  const propertyKey = typeof key === 'symbol' ? key : typeof key === 'object' || typeof key === 'function' ? toPropertyKey(key) : String(key);
  evaluatedKeys.push(propertyKey);
  return propertyKey;
}

/** The last `count` keys pushed, in the order they were evaluated. */
export function takeKeys(count: number): PropertyKey[] {
  return evaluatedKeys.splice(evaluatedKeys.length - count, count);
}

function toPropertyKey(value: unknown): PropertyKey {
  // ToPropertyKey: ToPrimitive with hint string, then a symbol stays, anything else is a string.
  const key = { [value as PropertyKey]: 0 };
  return Reflect.ownKeys(key)[0]!;
}

/** A tag that returns its template object: gives a lowered tagged template the site's strings. */
export function templateObject(strings: TemplateStringsArray): TemplateStringsArray {
  return strings;
}

/**
 * Runs a top-level declaration's native twin in its place: another module of an import cycle
 * called the declaration before its module ran, when its compiled code cannot run yet. The
 * compiler reads this from the runtime's namespace, which is bound at linking.
 */
export function callTwin(twin: Function, thisArg: unknown, args: ArrayLike<unknown>, newTarget: Function | undefined): unknown {
  return newTarget === undefined ? Reflect.apply(twin, thisArg, args) : Reflect.construct(twin, args, newTarget);
}
