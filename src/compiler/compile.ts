/**
 * The pipeline: 1-parse (strip types, parse, lower `using` declarations), 2-analyze (scopes,
 * jumps), 3-lower (IR with suspension points), 4-layout (CFG, liveness, default values, values
 * preserved since resumption, layouts), 5-emit (guarded re-entry, faces, continuation
 * constructors, source map).
 */
import remapping from '@jridgewell/remapping';
import { childrenOf, directivePrologue, isFunction, type Node, type Program } from './ast.js';
import { CompileError, type Diagnostic, UnsupportedAt } from './errors.js';
import type { SourceMapV3 } from './map.js';
import { Names, RUNTIME_EXPORTS, scriptSuffix, USING_EXPORTS } from './names.js';
import { parse, parseLowered } from './phases/1-parse/parse.js';
import type { ParsedSource } from './phases/1-parse/source.js';
import { lowerUsing } from './phases/1-parse/using.js';
import { callableBeforeRun } from './phases/2-analyze/before-run.js';
import { findJumps } from './phases/2-analyze/jumps.js';
import { analyzeScope } from './phases/2-analyze/scope.js';
import { lowerFunction } from './phases/3-lower/lower.js';
import type { LoweredFunction, SiteItem, Value } from './phases/3-lower/ir.js';
import { buildCfg } from './phases/4-layout/cfg.js';
import { atDefault, maybeAssigned } from './phases/4-layout/default-values.js';
import { buildLayout, type SharedLayout } from './phases/4-layout/layout.js';
import { liveAtSuspensions, liveness } from './phases/4-layout/liveness.js';
import { preservedAtSuspensions } from './phases/4-layout/preserved.js';
import { type EmitContext, type FunctionPlan, planEmission, planMethodHomes } from './phases/5-emit/function.js';
import { planTwinEntry, planTwinReplaced, usesRuntime } from './phases/5-emit/before-run.js';
import { Output } from './phases/5-emit/output.js';
import { Prologues } from './phases/5-emit/prologue.js';
import { Rewrites } from './phases/5-emit/rewrites.js';

export interface CompileOptions {
  filename: string;
  reuseContinuations: boolean;
  runtime: 'import' | 'global';
  runtimeSpecifier: string;
}

export interface Compiled {
  code: string;
  map: SourceMapV3;
  warnings: Diagnostic[];
}

interface AsyncFunction {
  fn: Node;
  parent: Node;
  grandparent: Node | null;
  topLevel: boolean;
  home: Node | null;
  strict: boolean;
}

export function compile(sourceText: string, options: CompileOptions): Compiled {
  let parsed = parse(options.filename, sourceText);
  // Named before `using` is lowered, whose names they make.
  const text = parsed.source.text;
  const names = new Names(text, options.runtime === 'global' ? scriptSuffix(options.filename, text) : '');
  try {
    const lowered = lowerUsing(parsed.program, text, options.filename, names);
    if (lowered !== null) parsed = parseLowered(parsed, lowered);
    return compileParsed(parsed.source, parsed.program, names, lowered !== null, options);
  } catch (error) {
    if (error instanceof UnsupportedAt) {
      const where = parsed.source.userPosition(error.position);
      throw new CompileError(error.message, options.filename, where.line, where.column);
    }
    throw error;
  }
}

function compileParsed(source: ParsedSource, program: Node, names: Names, usesUsing: boolean, options: CompileOptions): Compiled {
  const text = source.text;
  const output = new Output(text, source.lines, options.filename);
  const rewrites = new Rewrites(output);
  const warnings: Diagnostic[] = [];
  const context: EmitContext = {
    text,
    module: program.sourceType === 'module',
    output,
    rewrites,
    names,
    header: [],
    hoistedFaces: new Map(),
    prologues: new Prologues(rewrites, output),
    callableBeforeRun: callableBeforeRun(program as Program),
    loweredBodies: new Set(),
    methodHomes: new Map(),
    continueAsBreak: new Map(),
  };

  const functions = findAsyncFunctions(program);
  const compiled: Node[] = [];
  for (const target of functions) {
    const scope = analyzeScope(target.fn, target.strict);
    if (scope.leftNative) {
      const where = source.userPosition(scope.leftNative.node.start);
      warnings.push({
        message: `${scope.leftNative.why}: the function is left native`,
        filename: options.filename,
        line: where.line,
        column: where.column,
      });
      continue;
    }
    const lowered = lowerFunction(target.fn, scope, { text, names, continueAsBreak: context.continueAsBreak, strict: target.strict });
    const jumps = findJumps(target.fn);
    const layout = lowered.states.length > 0 ? analyzeLayout(lowered, scope, jumps) : null;
    const plan: FunctionPlan = { fn: target.fn, parent: target.parent, scope, lowered, jumps, layout, reuse: options.reuseContinuations, topLevel: target.topLevel, home: target.home, grandparent: target.grandparent, strict: target.strict };
    planEmission(plan, context);
    compiled.push(target.fn);
  }
  planMethodHomes(context);
  // The other declarations that may run before the module does, and would read the runtime.
  let twinEntries = 0;
  let twins = 0;
  for (const fn of context.callableBeforeRun) {
    if (compiled.includes(fn) || !usesRuntime(fn.start, fn.end, compiled, context)) continue;
    twins++;
    // Its parameters are evaluated before any check in its body.
    const paramsStart = fn.params.length > 0 ? fn.params[0].start : fn.body.start;
    if (usesRuntime(paramsStart, fn.body.start, compiled, context)) {
      planTwinReplaced(fn, context);
      continue;
    }
    planTwinEntry(fn, context);
    twinEntries++;
  }
  if (twinEntries > 0) context.header.push(`var ${names.ran} = true;`);
  for (const [node, label] of context.continueAsBreak) {
    rewrites.add(node, () => output.gen(`break ${label};`, node.start));
  }

  if (functions.length > 0 || twins > 0) {
    const start = headerPosition(program, text);
    rewrites.copy(0, start);
    // After a directive (which may lack its semicolon), a `;` first.
    output.gen((start > 0 && !/\n\s*$/.test(text.slice(0, start)) ? '; ' : '') + runtimeBinding(names, usesUsing, options));
    for (const entry of context.header) {
      if (typeof entry === 'string') output.gen(`${entry} `);
      else entry();
    }
    output.gen('\n');
    rewrites.copy(start, text.length);
  } else {
    rewrites.copy(0, text.length);
  }
  const code = output.code;
  let map = output.sourceMap(text);
  if (source.map) {
    map = remapping([map as never, source.map as never], () => null) as unknown as SourceMapV3;
    map = { ...map, sources: [options.filename], sourcesContent: [source.original] };
  } else {
    map = { ...map, sourcesContent: [source.original] };
  }
  return { code, map, warnings };
}

/** The analyses of phase 4, in the JIT's order: liveness, default values, preserved values, layout. */
export function analyzeLayout(lowered: LoweredFunction, scope: ReturnType<typeof analyzeScope>, jumps: ReturnType<typeof findJumps>): SharedLayout {
  const cfg = buildCfg(lowered, scope, jumps);
  const live = liveAtSuspensions(cfg, liveness(cfg));
  // A value can only be saved where its binding is in scope.
  for (const [site, set] of live) for (const id of set.toArray()) if (!inScopeAt(lowered, lowered.values[id]!, site)) set.delete(id);
  const defaults = atDefault(cfg, maybeAssigned(cfg), live);
  const preserved = preservedAtSuspensions(cfg, live, defaults);
  return buildLayout(lowered, { live, defaults, preserved });
}

function inScopeAt(lowered: LoweredFunction, value: Value, site: SiteItem): boolean {
  if (value.home === 'function' || value.binding === null) return true;
  const scope = value.binding.scope;
  if (site.position < scope.start || site.position >= scope.end) return false;
  // The iterable of a for-in/for-of is evaluated outside the scope of the loop's bindings.
  if ((scope.type === 'ForOfStatement' || scope.type === 'ForInStatement') && site.position >= scope.right.start && site.position < scope.right.end) return false;
  // Before its declaration completes, a let/const/class is in its dead zone (in a loop, an await
  // before the declaration can see it only through edges that never read it).
  const kind = value.binding.kind;
  if (kind !== 'let' && kind !== 'const' && kind !== 'class') return true;
  return (lowered.initialisedAt.get(value.binding) ?? scope.start) <= site.position;
}

function runtimeBinding(names: Names, usesUsing: boolean, options: CompileOptions): string {
  const exports = usesUsing ? [...RUNTIME_EXPORTS, ...USING_EXPORTS] : RUNTIME_EXPORTS;
  const bindings = exports.map((name) => `${name}: ${names.prefix}${name}`).join(', ');
  if (options.runtime === 'global') return `var { ${bindings} } = globalThis.reawait; `;
  // Module-level constants rather than import bindings: the hot paths read them on every await.
  const namespace = names.namespace;
  return `import * as ${namespace} from ${JSON.stringify(options.runtimeSpecifier)}; const { ${bindings} } = ${namespace}; `;
}

/** After a hashbang line and the directive prologue. */
function headerPosition(program: Node, text: string): number {
  let position = 0;
  if (text.startsWith('#!')) {
    const newline = text.indexOf('\n');
    position = newline < 0 ? text.length : newline + 1;
  }
  return directivePrologue(program.body).at(-1)?.end ?? position;
}

function findAsyncFunctions(program: Node): AsyncFunction[] {
  const found: AsyncFunction[] = [];
  const visit = (node: Node, parent: Node, grandparent: Node | null, home: Node | null, outerStrict: boolean): void => {
    // Code is strict in a module, under a "use strict" directive, and inside a class.
    const strict = outerStrict || node.type === 'ClassDeclaration' || node.type === 'ClassExpression' || (isFunction(node) && node.body.type === 'BlockStatement' && hasUseStrict(node.body.body));
    if (isFunction(node) && node.async && !node.generator) {
      const topLevel = parent.type === 'Program' || (grandparent?.type === 'Program' && /^Export(Named|Default)Declaration$/.test(parent.type));
      found.push({ fn: node, parent, grandparent, topLevel, home, strict });
    }
    for (const child of childrenOf(node)) {
      let childHome: Node | null = null;
      if (child.type === 'MethodDefinition' && node.type === 'ClassBody') childHome = node;
      else if (child.type === 'Property' && node.type === 'ObjectExpression') childHome = node;
      else if (isFunction(child) && (node.type === 'MethodDefinition' || (node.type === 'Property' && node.method))) childHome = home;
      visit(child, node, parent, childHome, strict);
    }
  };
  const strict = program.sourceType === 'module' || hasUseStrict(program.body);
  for (const statement of program.body) visit(statement, program, null, null, strict);
  return found;
}

/** Does the directive prologue of these statements contain "use strict"? */
function hasUseStrict(statements: Node[]): boolean {
  return directivePrologue(statements).some((directive) => directive.directive === 'use strict');
}
