/** reawait compiler API. */
export interface TransformOptions {
  /** Used in error messages and as the source map's source. Its extension selects TypeScript (.ts, .mts, .cts, .tsx). */
  filename?: string;
  /** One shared continuation layout per function, reused at every suspension (default true). */
  reuseContinuations?: boolean;
  /** 'import' (default): emitted code imports the runtime from `runtimeSpecifier`; 'global': it reads `globalThis.reawait` (dist/reawait.global.js). */
  runtime?: 'import' | 'global';
  /** Module specifier of the runtime for `runtime: 'import'` (default 'reawait'). */
  runtimeSpecifier?: string;
}

export type { SourceMapV3 } from './map.js';
import type { SourceMapV3 } from './map.js';

export type { Diagnostic } from './errors.js';
export { CompileError } from './errors.js';
import { compile } from './compile.js';
import type { Diagnostic } from './errors.js';

export interface TransformResult {
  code: string;
  map: SourceMapV3;
  warnings: Diagnostic[];
}

/**
 * Compiles every async function, method and arrow of `source` (TypeScript or JavaScript) into a
 * state machine. Throws CompileError (file:line:column) on invalid or unsupported source.
 */
export function transform(source: string, options: TransformOptions = {}): TransformResult {
  return compile(source, {
    filename: options.filename ?? 'input.js',
    reuseContinuations: options.reuseContinuations ?? true,
    runtime: options.runtime ?? 'import',
    runtimeSpecifier: options.runtimeSpecifier ?? 'reawait',
  });
}
