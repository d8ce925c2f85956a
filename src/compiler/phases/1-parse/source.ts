/**
 * The text that the compiler works on, and how to find a position of it in the user's file:
 * TypeScript is first stripped of its types (oxc-transform, with a source map), then parsed;
 * `using` declarations are lowered (using.ts, with a source map), then the text is parsed again.
 */
import { TraceMap, traceSegment } from '@jridgewell/trace-mapping';
import type { SourceMapV3 } from '../../map.js';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {

    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  /** 0-based line and column of an offset. */
  locate(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - this.starts[lo]! };
  }
}

export class ParsedSource {
  readonly lines: LineIndex;
  private readonly originalLines: LineIndex;
  private trace: TraceMap | null = null;
  readonly filename: string;
  /** What the user wrote. */
  readonly original: string;
  /** What was parsed: `original`, stripped of its types (TypeScript), its `using` declarations lowered. */
  readonly text: string;
  /** Maps `text` to `original`; null when they are the same. */
  readonly map: SourceMapV3 | null;
  constructor(filename: string, original: string, text: string, map: SourceMapV3 | null) {
    this.filename = filename;
    this.original = original;
    this.text = text;
    this.map = map;
    this.lines = new LineIndex(text);
    this.originalLines = new LineIndex(original);
  }

  /** 1-based line and column in the user's file of an offset in `text`. */
  userPosition(offset: number): { line: number; column: number } {
    const at = this.lines.locate(Math.min(offset, this.text.length));
    if (this.map === null) return { line: at.line + 1, column: at.column + 1 };
    this.trace ??= new TraceMap(this.map as never);
    // The segment at or before the position, plus the distance from its start: a construct that
    // starts between two segments keeps its own column.
    const segment = traceSegment(this.trace, at.line, at.column);
    if (segment === null || segment.length < 4) return { line: at.line + 1, column: at.column + 1 };
    return { line: segment[2]! + 1, column: segment[3]! + (at.column - segment[0]) + 1 };
  }

  /** 1-based line and column of an offset in the user's original text. */
  originalPosition(offset: number): { line: number; column: number } {
    const at = this.originalLines.locate(offset);
    return { line: at.line + 1, column: at.column + 1 };
  }
}
