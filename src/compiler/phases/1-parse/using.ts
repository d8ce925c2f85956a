/**
 * `using` and `await using` declarations of compiled async functions, lowered before the other
 * phases into what they compile already: a try/catch/finally around the scope, whose `finally`
 * disposes the scope's resources through the runtime's UsingScope (ECMA-262's DisposeCapability).
 * The result is text, parsed again; no later phase sees a `using` declaration.
 *
 *   { S1; using a = A; S2; await using b = B; S3 }
 *
 * becomes
 *
 *   { const u = new UsingScope(); try { S1; const a = A, r1 = u.use(a); S2; const b = B, r2 = u.useAsync(b); S3 }
 *     catch (thrown) { u.threw(thrown); }
 *     finally { while (u.next()) try { await u.awaited; } catch (rejected) { u.threw(rejected); } u.dispose(); } }
 *
 * (a scope without `await using` has only `u.dispose()` in its `finally`). A function body keeps
 * its directives first (see varsOfFunctionDeclarations for its function declarations). A
 * `for (using x = A; ...)` loop is wrapped likewise (with its labels, which stay
 * on the loop); a `for (using x of ...)` loop declares `const x` and wraps its body, which gets a
 * UsingScope per iteration that starts with `u.use(x)`. A `using` variable is a `const` then, but
 * V8's message for an assignment to it differs: every assignment to one is printed
 * `usingTarget(() => x, captured).v`, whose setter throws that message. (V8 13.6 ignores an
 * assignment to an `await using` variable that no closure captures: it throws here, as the
 * specification says.)
 *
 * `using` at a module's top level, in a function that is not compiled (not async, or a generator)
 * or in a class static block is left as written.
 */
import { childrenOf, directivePrologue, isFunction, type Node, type Program, walk } from '../../ast.js';
import { UnsupportedAt } from '../../errors.js';
import type { SourceMapV3 } from '../../map.js';
import type { Names } from '../../names.js';
import { analyzeScope, identifiersOf } from '../2-analyze/scope.js';
import { shorthandValues } from '../3-lower/lower.js';
import { Output } from '../5-emit/output.js';
import { Rewrites } from '../5-emit/rewrites.js';
import { LineIndex } from './source.js';

export interface LoweredUsing {
  text: string;
  /** Maps `text` to the text lowered. */
  map: SourceMapV3;
}

const isUsing = (node: Node | null | undefined): boolean =>
  node?.type === 'VariableDeclaration' && (node.kind === 'using' || node.kind === 'await using');

/** The text with the `using` declarations of compiled functions lowered, or null when it has none. */
export function lowerUsing(program: Program, text: string, filename: string, names: Names): LoweredUsing | null {
  const output = new Output(text, new LineIndex(text), filename);
  const rewrites = new Rewrites(output);
  const UsingScope = names.runtime('UsingScope');
  const usingTarget = names.runtime('usingTarget');
  /** Compiled functions with `using` declarations of their own. */
  const functions = new Set<Node>();
  /** The identifiers that declare a `using` variable. */
  const declared = new Set<Node>();

  /** What ends a scope: the `catch` that records the body's error, the `finally` that disposes. */
  const end = (scope: ReturnType<Names['usingScope']>, awaits: boolean): string => {
    const u = scope.scope;
    const loop = awaits ? `while (${u}.next()) try { await ${u}.awaited; } catch (${scope.rejected}) { ${u}.threw(${scope.rejected}); } ` : '';
    return ` } catch (${scope.thrown}) { ${u}.threw(${scope.thrown}); } finally { ${loop}${u}.dispose(); }`;
  };
  const start = (scope: ReturnType<Names['usingScope']>): string => `const ${scope.scope} = new ${UsingScope}(); try { `;

  /**
   * `using a = A, b = B` -> `const a = A, used1 = u.use(a), b = B, used2 = u.use(b)`: each
   * resource is recorded before the next initialiser runs, and the initialisers stay as written
   * (an anonymous function or class is named as natively, a parenthesised one is left alone).
   */
  const declaration = (node: Node, u: string): void => {
    const method = node.kind === 'await using' ? 'useAsync' : 'use';
    rewrites.addRange(node.start, node.declarations[0].start, () => output.gen('const ', node.start));
    for (const d of node.declarations) {
      declared.add(d.id);
      rewrites.add(d, () => {
        rewrites.copy(d.start, d.end);
        output.gen(`, ${names.usingRecord()} = ${u}.${method}(${d.id.name})`, d.end);
      });
    }
  };

  /** A block whose statements declare `using` variables (a function body when `fn` is given). */
  const block = (node: Node, fn: Node | null): void => {
    const scope = names.usingScope();
    const statements: Node[] = node.body;
    const first = fn === null ? 0 : directivePrologue(statements).length;
    const bodyStart = first < statements.length ? statements[first]!.start : node.end - 1;
    for (const s of statements) if (isUsing(s)) declaration(s, scope.scope);
    const awaits = statements.some((s) => isUsing(s) && s.kind === 'await using');
    const varsAlso = fn === null ? [] : varsOfFunctionDeclarations(fn, statements);
    rewrites.add(node, () => {
      rewrites.copy(node.start, bodyStart);
      output.gen(start(scope), node.start);
      if (varsAlso.length > 0) output.gen(`var ${varsAlso.join(', ')}; `);
      rewrites.copy(bodyStart, node.end - 1);
      output.gen(end(scope, awaits), node.end - 1);
      rewrites.copy(node.end - 1, node.end);
    });
  };

  /**
   * The function declarations of a function body become declarations of the `try` block, which
   * its `let`, `const` and `class` declarations share with them. A `var` named like one of them
   * (legal beside a function-level function, an early error beside a block-level one) is then the
   * same variable written otherwise: its declaration becomes an assignment, and the other names it
   * declares are declared by a `var` at the start of the block (returned).
   */
  const varsOfFunctionDeclarations = (fn: Node, statements: Node[]): string[] => {
    const functions = new Set(statements.filter((s) => s.type === 'FunctionDeclaration' && s.id).map((s) => s.id.name as string));
    const others = new Set<string>();
    if (functions.size === 0) return [];
    walk(fn.body, (node, parent) => {
      if (isFunction(node) || node.type === 'StaticBlock') return false;
      if (node.type !== 'VariableDeclaration' || node.kind !== 'var') return true;
      const declared = node.declarations.flatMap((d: Node) => identifiersOf(d.id).map((id) => id.name as string));
      if (!declared.some((name: string) => functions.has(name))) return true;
      for (const name of declared) if (!functions.has(name)) others.add(name);
      if ((parent.type === 'ForInStatement' || parent.type === 'ForOfStatement') && parent.left === node) {
        // `for (var x = init in ...)` (Annex B) has no assignment form.
        if (node.declarations[0].init) throw new UnsupportedAt("a 'var' with an initialiser in a for-in head, named like a function declaration of a function body with 'using' declarations,", node.start);
        rewrites.addRange(node.start, node.declarations[0].start, () => {});
        return true;
      }
      const assigned: Node[] = node.declarations.filter((d: Node) => d.init);
      const statement = !(parent.type === 'ForStatement' && parent.init === node);
      rewrites.add(node, () => {
        if (assigned.length > 0) {
          output.gen('(', node.start);
          assigned.forEach((d, index) => {
            if (index > 0) output.gen(', ');
            rewrites.copy(d.start, d.end);
          });
          output.gen(')');
        }
        if (statement) output.gen(';');
      });
      return true;
    });
    return [...others];
  };

  /** `for (using x = A; ...)`: the loop, with its labels, inside the scope's try. */
  const forLoop = (node: Node, labelled: Node): void => {
    const scope = names.usingScope();
    declaration(node.init, scope.scope);
    rewrites.add(labelled, () => {
      output.gen(`{ ${start(scope)}`, labelled.start);
      rewrites.copy(labelled.start, labelled.end);
      output.gen(`${end(scope, node.init.kind === 'await using')} }`, labelled.end);
    });
  };

  /** `for (using x of ...) body`: `const x`, and a scope per iteration around the body. */
  const forOf = (node: Node): void => {
    const scope = names.usingScope();
    const left: Node = node.left;
    const id: Node = left.declarations[0].id;
    declared.add(id);
    const method = left.kind === 'await using' ? 'useAsync' : 'use';
    rewrites.addRange(left.start, id.start, () => output.gen('const ', left.start));
    const body: Node = node.body;
    rewrites.add(body, () => {
      output.gen(`{ ${start(scope)}${scope.scope}.${method}(${id.name}); `, body.start);
      rewrites.copy(body.start, body.end);
      output.gen(`${end(scope, left.kind === 'await using')} }`, body.end);
    });
  };

  const visit = (node: Node, compiled: Node | null, labelled: Node | null): void => {
    if (isFunction(node)) compiled = node.async && !node.generator ? node : null;
    else if (node.type === 'StaticBlock') compiled = null;
    if (compiled !== null) {
      if (node.type === 'BlockStatement' && node.body.some(isUsing)) {
        functions.add(compiled);
        block(node, node === compiled.body ? compiled : null);
      } else if (node.type === 'ForStatement' && isUsing(node.init)) {
        functions.add(compiled);
        forLoop(node, labelled ?? node);
      } else if (node.type === 'ForOfStatement' && isUsing(node.left)) {
        functions.add(compiled);
        forOf(node);
      }
    }
    for (const child of childrenOf(node)) {
      visit(child, compiled, node.type === 'LabeledStatement' ? (labelled ?? node) : null);
    }
  };
  for (const statement of program.body) visit(statement, null, null);
  if (functions.size === 0) return null;

  // Assignments to `using` variables (not their declarations).
  for (const fn of functions) {
    const scope = analyzeScope(fn);
    const shorthand = shorthandValues(fn, () => false);
    for (const id of declared) {
      const binding = scope.referenceAt.get(id)?.binding;
      if (binding === undefined) continue;
      for (const ref of binding.refs) {
        if (!ref.write || declared.has(ref.node)) continue;
        const target = `${usingTarget}(() => ${binding.name}, ${binding.captured}).v`;
        rewrites.add(ref.node, () => output.gen(shorthand.has(ref.node) ? `${binding.name}: ${target}` : target, ref.node.start));
      }
    }
  }

  rewrites.copy(0, text.length);
  return { text: output.code, map: output.sourceMap(text) };
}
