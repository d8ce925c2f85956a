/**
 * Native twins: what runs when another module of an import cycle calls one of this module's
 * function declarations before this module runs (2-analyze/before-run.ts says which). Compiled
 * code cannot run then, since the runtime's names and the continuation classes are still in their
 * dead zone; reading them as `var`s instead would cost every await (measured: BUGS.md 43).
 *
 * - A compiled async declaration is, until the header makes its face, the declaration as written:
 *   a native async function of the same name (planDeclaration prints it).
 * - A declaration of another kind whose code uses the runtime (compiled functions inside it, or a
 *   lowered `using`) keeps its name and identity. Its body first checks the module's `ran` flag,
 *   and until the header sets it, calls a twin as written instead.
 * - Unless its parameters use the runtime: they run before the body. Then, as an async
 *   declaration, it is its twin until the header assigns the compiled function.
 *
 * A twin is the source as written, so it behaves as native code does. The runtime's names that a
 * lowered `using` reads come from the runtime's namespace, which is bound at linking.
 */
import type { Node } from '../../ast.js';
import { USING_EXPORTS } from '../../names.js';
import type { EmitContext } from './function.js';

/** Prints `fn` as written, named `name`. */
export function printTwin(fn: Node, name: string, context: EmitContext): void {
  const slot = nameSlot(fn, context.text);
  copyAsWritten(fn.start, slot.start, context);
  // An anonymous function's name goes before its parameters.
  context.output.gen(fn.id || /\s$/.test(context.text.slice(fn.start, slot.start)) ? name : ` ${name}`, slot.start);
  copyAsWritten(slot.end, fn.end, context);
}

/** Where a function's name is, or would be: `export default function () {}` has none. */
function nameSlot(fn: Node, text: string): { start: number; end: number } {
  if (fn.id) return { start: fn.id.start, end: fn.id.end };
  const head = /^(?:async\b)?(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*function(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*(?:\*)?/.exec(text.slice(fn.start, fn.end));
  const at = fn.start + head![0].length;
  return { start: at, end: at };
}

/**
 * For a declaration that is not compiled but uses the runtime: its twin, printed after it, and
 * the entry that calls the twin until the module runs.
 */
export function planTwinEntry(fn: Node, context: EmitContext): void {
  const { names, rewrites, output } = context;
  const twin = names.twin(fn.id ? fn.id.name : 'default');
  rewrites.add(fn, () => {
    rewrites.copy(fn.start, fn.end);
    output.gen(' ');
    printTwin(fn, twin, context);
  });
  // A generator runs its body at the first `next()`: it delegates to the twin's generator.
  const call = `${fn.generator ? 'yield* ' : ''}${names.namespace}.callTwin(${twin}, this, arguments, new.target)`;
  context.prologues.addFirst(fn, () => output.gen(` if (${names.ran} === void 0) return ${call};`));
}

/**
 * For such a declaration whose parameters use the runtime, which run before any check in its
 * body: the twin itself, under the declaration's name, until the header assigns the compiled
 * function (an anonymous function expression, which takes the name it is assigned to).
 */
export function planTwinReplaced(fn: Node, context: EmitContext): void {
  const { names, rewrites, output } = context;
  // `export default function () {}` is bound to a name of the compiler's, and named "default".
  const name: string = fn.id ? fn.id.name : names.defaultExport;
  rewrites.add(fn, () => printTwin(fn, name, context));
  // Copied around the name, so as not to print the twin again (the rewrite of `fn` itself).
  const slot = nameSlot(fn, context.text);
  context.header.push(() => {
    output.gen(fn.id ? `${name} = ` : `${name} = { "default": `, fn.start);
    rewrites.copy(fn.start, slot.start);
    rewrites.copy(slot.end, fn.end);
    output.gen(fn.id ? '; ' : ' }["default"]; ');
  });
}

/** Does the code in [start, end), as compiled, read the runtime's module constants? */
export function usesRuntime(start: number, end: number, compiled: readonly Node[], context: EmitContext): boolean {
  return compiled.some((inner) => inner.start >= start && inner.end <= end) || context.text.slice(start, end).includes(context.names.prefix);
}

/** Copies original text, reading the runtime's `using` names from its namespace. */
function copyAsWritten(start: number, end: number, context: EmitContext): void {
  const { text, names, output } = context;
  const runtimeNames = USING_EXPORTS.map((name) => names.runtime(name));
  let position = start;
  for (;;) {
    let next = -1;
    let found = '';
    for (const name of runtimeNames) {
      const at = text.indexOf(name, position);
      if (at >= 0 && at < end && (next < 0 || at < next)) {
        next = at;
        found = name;
      }
    }
    if (next < 0) break;
    output.copy(position, next);
    output.gen(`${names.namespace}.${found.slice(names.prefix.length)}`, next);
    position = next + found.length;
  }
  output.copy(position, end);
}
