/**
 * Phase 1: strip TypeScript types, then parse to ESTree with exact offsets; where compiled
 * functions declare `using` variables, lower them (using.ts) and parse the result again.
 */
import remapping from '@jridgewell/remapping';
import { parseSync } from 'oxc-parser';
import { transformSync } from 'oxc-transform';
import { CompileError } from '../../errors.js';
import type { SourceMapV3 } from '../../map.js';
import type { Program } from '../../ast.js';
import { ParsedSource } from './source.js';
import type { LoweredUsing } from './using.js';

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/i;

export interface Parsed {
  source: ParsedSource;
  program: Program;
}

interface OxcError {
  message: string;
  labels?: { start: number; end: number }[];
}

function fail(source: ParsedSource, error: OxcError, offsetIsOriginal: boolean): never {
  // With several labels (a redeclaration: the first declaration, then the offending one), the
  // last one is where the program went wrong.
  const offset = error.labels?.at(-1)?.start ?? 0;
  const at = offsetIsOriginal ? source.originalPosition(offset) : source.userPosition(offset);
  throw new CompileError(error.message, source.filename, at.line, at.column);
}

export function parse(filename: string, original: string): Parsed {
  const typescript = TYPESCRIPT.test(filename);
  let text = original;
  let stripMap: SourceMapV3 | null = null;
  if (typescript) {
    const stripped = transformSync(filename, original, {
      sourcemap: true,
      lang: /\.tsx$/i.test(filename) ? 'tsx' : 'ts',
      typescript: { onlyRemoveTypeImports: true },
    });
    if (stripped.errors.length > 0) {
      fail(new ParsedSource(filename, original, original, null), stripped.errors[0] as OxcError, true);
    }
    text = stripped.code;
    stripMap = stripped.map as SourceMapV3;
  }
  return parseText(new ParsedSource(filename, original, text, stripMap), !typescript);
}

/** `parsed` with the text of its `using` declarations lowered, parsed again. */
export function parseLowered(parsed: Parsed, lowered: LoweredUsing): Parsed {
  const { filename, original, map } = parsed.source;
  const composed = map === null ? lowered.map : (remapping([lowered.map as never, map as never], () => null) as unknown as SourceMapV3);
  return parseText(new ParsedSource(filename, original, lowered.text, { ...composed, sources: [filename] }), false);
}

/** `textIsOriginal`: error positions are offsets of the user's text. */
function parseText(source: ParsedSource, textIsOriginal: boolean): Parsed {
  const parsed = parseSync(source.filename.replace(TYPESCRIPT, '.js'), source.text, {
    sourceType: 'unambiguous',
    lang: 'js',
    preserveParens: false,
    // Early errors (a redeclared `let`, ...) are refused here, with their position.
    showSemanticErrors: true,
  } as never);
  if (parsed.errors.length > 0) fail(source, parsed.errors[0] as OxcError, textIsOriginal);
  return { source, program: parsed.program as unknown as Program };
}
