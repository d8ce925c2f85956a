/**
 * Which of a module's function declarations another module can call before this one runs.
 *
 * A module's function declarations are bound when modules are linked, before any of them runs.
 * In an import cycle, a module evaluated earlier can call the exported ones while this module has
 * not started, and they can call the other declarations they name. Compiled code cannot run then:
 * the runtime's names and the continuation classes are module constants, still in their dead zone.
 * These declarations are the ones that need a native twin for that window (5-emit/before-run.ts).
 */
import { walk, type Node, type Program } from '../../ast.js';

/**
 * Top-level function declarations (of any kind) reachable from the module's exports through the
 * names their code mentions; empty for a script or a module that imports nothing, which cannot be
 * in a cycle. A name mentioned only as a property key still counts: over-approximating costs only
 * a twin that is never called.
 */
export function callableBeforeRun(program: Program): Set<Node> {
  const reached = new Set<Node>();
  if (program.sourceType !== 'module' || !program.body.some(importsAModule)) return reached;

  const declarations = new Map<string, Node>();
  const exported: Node[] = [];
  const exportedNames: string[] = [];
  for (const statement of program.body) {
    const declaration = statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration' ? statement.declaration : statement;
    if (declaration?.type === 'FunctionDeclaration') {
      if (declaration.id) declarations.set(declaration.id.name, declaration);
      if (declaration !== statement) exported.push(declaration);
    }
    if (statement.type === 'ExportNamedDeclaration' && statement.source === null) {
      for (const specifier of statement.specifiers) if (specifier.local.type === 'Identifier') exportedNames.push(specifier.local.name);
    }
  }
  for (const name of exportedNames) {
    const declaration = declarations.get(name);
    if (declaration !== undefined) exported.push(declaration);
  }

  const pending = [...exported];
  while (pending.length > 0) {
    const fn = pending.pop()!;
    if (reached.has(fn)) continue;
    reached.add(fn);
    walk(fn, (node) => {
      if (node.type !== 'Identifier') return;
      const declaration = declarations.get(node.name);
      if (declaration !== undefined && !reached.has(declaration)) pending.push(declaration);
    });
  }
  return reached;
}

function importsAModule(statement: Node): boolean {
  return statement.type === 'ImportDeclaration' || statement.type === 'ExportAllDeclaration' || (statement.type === 'ExportNamedDeclaration' && statement.source !== null && statement.source !== undefined);
}
