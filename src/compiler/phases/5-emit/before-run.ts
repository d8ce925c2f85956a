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
 *
 * A twin is the source as written, so it behaves as native code does. The runtime's names that a
 * lowered `using` reads come from the runtime's namespace, which is bound at linking.
 */
import type { Node } from '../../ast.js';
import { USING_EXPORTS } from '../../names.js';
import type { EmitContext } from './function.js';

/** Prints `fn` as written, named `name`. */
export function printTwin(fn: Node, name: string, context: EmitContext): void {
  if (fn.id) {
    copyAsWritten(fn.start, fn.id.start, context);
    context.output.gen(name, fn.id.start);
    copyAsWritten(fn.id.end, fn.end, context);
    return;
  }
  // `export default function () {}`: the name goes before the parameters.
  const head = /^(?:async\b)?(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*function(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*(?:\*)?/.exec(context.text.slice(fn.start, fn.end));
  const at = fn.start + head![0].length;
  copyAsWritten(fn.start, at, context);
  context.output.gen(/\s$/.test(head![0]) ? name : ` ${name}`, at);
  copyAsWritten(at, fn.end, context);
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

/** Does `fn`, as compiled, read the runtime's module constants? */
export function usesRuntime(fn: Node, compiled: readonly Node[], context: EmitContext): boolean {
  return compiled.some((inner) => inner.start >= fn.start && inner.end <= fn.end) || context.text.slice(fn.start, fn.end).includes(context.names.prefix);
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
