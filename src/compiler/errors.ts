/** Errors and warnings with a file, line and column in the user's original source. */
export interface Diagnostic {
  message: string;
  filename: string;
  line: number;
  column: number;
}

/** Invalid or unsupported source. `message` starts with `file:line:column:`. */
export class CompileError extends Error {
  readonly filename: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  constructor(reason: string, filename: string, line: number, column: number) {
    super(`${filename}:${line}:${column}: ${reason}`);
    this.name = 'CompileError';
    this.reason = reason;
    this.filename = filename;
    this.line = line;
    this.column = column;
  }
}

/** Raised inside the compiler at a position of the parsed (type-stripped) text; located later. */
export class UnsupportedAt extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}
