/**
 * The emitted text and its source map. Original text is copied with a mapping at every token
 * boundary (exact positions); generated text is mapped to the node it stands for.
 */
import { GenMapping, maybeAddMapping, toEncodedMap } from '@jridgewell/gen-mapping';
import type { LineIndex } from '../1-parse/source.js';
import type { SourceMapV3 } from '../../map.js';

const WORD = /[\p{L}\p{N}_$]/u;

export class Output {
  private readonly parts: string[] = [];
  private line = 0;
  private column = 0;
  private readonly map: GenMapping;

  private readonly text: string;
  private readonly lines: LineIndex;
  private readonly sourceName: string;
  constructor(text: string, lines: LineIndex, sourceName: string) {
    this.text = text;
    this.lines = lines;
    this.sourceName = sourceName;
    this.map = new GenMapping({ file: sourceName.replace(/\.[cm]?tsx?$/i, '.js') });
  }

  /** Generated text, mapped to original offset `at` when given. */
  gen(text: string, at?: number): void {
    if (text.length === 0) return;
    if (at !== undefined) this.mark(at);
    this.append(text);
  }

  /** Original text [start, end), mapped at each token boundary. */
  copy(start: number, end: number): void {
    if (end <= start) return;
    const text = this.text;
    let previousWord: boolean | null = null;
    let segmentStart = start;
    for (let i = start; i < end; i++) {
      const ch = text[i]!;
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
        previousWord = null;
        continue;
      }
      const word = WORD.test(ch);
      if (previousWord === null || word !== previousWord || !word) {
        this.append(text.slice(segmentStart, i));
        segmentStart = i;
        this.mark(i);
      }
      previousWord = word;
    }
    this.append(text.slice(segmentStart, end));
  }

  private mark(offset: number): void {
    const at = this.lines.locate(offset);
    maybeAddMapping(this.map, {
      generated: { line: this.line + 1, column: this.column },
      source: this.sourceName,
      original: { line: at.line + 1, column: at.column },
    });
  }

  private append(text: string): void {
    if (text.length === 0) return;
    this.parts.push(text);
    let newline = text.lastIndexOf('\n');
    if (newline < 0) {
      this.column += text.length;
      return;
    }
    let count = 0;
    for (let i = 0; i <= newline; i++) if (text.charCodeAt(i) === 10) count++;
    this.line += count;
    this.column = text.length - newline - 1;
    newline = -1;
  }

  get code(): string {
    return this.parts.join('');
  }

  sourceMap(content: string): SourceMapV3 {
    const encoded = toEncodedMap(this.map) as SourceMapV3;
    return { ...encoded, sources: [this.sourceName], sourcesContent: [content] };
  }
}
