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

export interface SourceMapV3 {
  version: number;
  file?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
}

export interface Diagnostic {
  message: string;
  filename: string;
  line: number;
  column: number;
}

export interface TransformResult {
  code: string;
  map: SourceMapV3;
  warnings: Diagnostic[];
}

/** Invalid or unsupported source. `message` starts with `file:line:column:`. */
export class CompileError extends Error {
  readonly filename: string;
  readonly line: number;
  readonly column: number;
  constructor(message: string, filename: string, line: number, column: number) {
    super(`${filename}:${line}:${column}: ${message}`);
    this.name = 'CompileError';
    this.filename = filename;
    this.line = line;
    this.column = column;
  }
}

export function transform(source: string, options: TransformOptions = {}): TransformResult {
  void source;
  void options;
  throw new Error('not implemented yet');
}
