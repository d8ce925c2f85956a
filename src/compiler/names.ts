/**
 * Names the compiler introduces. All start with one prefix that the source does not use, so
 * they never clash with the user's identifiers.
 */
export const RUNTIME_EXPORTS = [
  'state', 'SUSPENDED', 'ADOPTED', 'NO_EXCEPTION', 'FAST', 'DONE', 'Continuation', 'Frame4', 'Frame8',
  'awaitValue', 'awaitNonAwaiter', 'suspendOnAwaiter', 'GET_AWAITER', 'settle', 'awaitAdopted', 'suspend', 'ret', 'start', 'fn', 'method', 'methods', 'pushKey', 'takeKeys', 'templateObject', 'notCallable', 'construct',
  'iterate', 'iterableOnce', 'enumerate', 'step', 'close', 'closeOnThrow', 'asyncIterate', 'asyncNext', 'asyncDone', 'asyncClose',
] as const;
/** What compiled code reads of the runtime only where it has `using` declarations (see 1-parse/using.ts). */
export const USING_EXPORTS = ['UsingScope', 'usingTarget'] as const;
export type RuntimeExport = (typeof RUNTIME_EXPORTS)[number] | (typeof USING_EXPORTS)[number];

export class Names {
  readonly prefix: string;
  private temps = 0;
  private labels = 0;
  private classes = 0;

  /**
   * `unique`: a suffix for the names a file declares at its top level, for classic scripts, which
   * share one global scope (two compiled scripts must not both declare `$ra_K1`).
   */
  private readonly unique: string;

  constructor(source: string, unique = '') {
    let prefix = '$ra_';
    for (let i = 1; source.includes(prefix); i++) prefix = `$ra${i}_`;
    this.prefix = prefix;
    this.unique = unique;
  }

  get k(): string {
    return `${this.prefix}k`;
  }
  get s(): string {
    return `${this.prefix}s`;
  }
  get this(): string {
    return `${this.prefix}this`;
  }
  get arguments(): string {
    return `${this.prefix}args`;
  }

  /** The runtime's namespace, in a module: bound at linking, unlike the constants read from it. */
  get namespace(): string {
    return `${this.prefix}runtime`;
  }

  /** A module-level `var`, true once the module runs (before-run.ts). */
  get ran(): string {
    return `${this.prefix}ran`;
  }

  /** The binding of `export default async function () {}`, which is hoisted as a declaration is. */
  get defaultExport(): string {
    return `${this.prefix}default`;
  }

  /** The native twin of a top-level declaration (before-run.ts). */
  twin(name: string): string {
    return `${this.prefix}early_${name}`;
  }

  runtime(name: RuntimeExport): string {
    return `${this.prefix}${name}`;
  }


  temp(): string {
    return `${this.prefix}t${++this.temps}`;
  }

  scratch(name: string): string {
    return `${this.prefix}${name}`;
  }

  param(index: number): string {
    return `${this.prefix}p${index}`;
  }

  label(): string {
    return `${this.prefix}continue${++this.labels}`;
  }

  continuationClass(): string {
    return `${this.prefix}K${++this.classes}${this.unique}`;
  }

  private usingScopes = 0;
  /** The UsingScope of a scope with `using` declarations, and the names of its two catch clauses. */
  usingScope(): { scope: string; thrown: string; rejected: string } {
    const n = ++this.usingScopes;
    return { scope: `${this.prefix}using${n}`, thrown: `${this.prefix}thrown${n}`, rejected: `${this.prefix}rejected${n}` };
  }

  private usingRecords = 0;
  /** A `const` that records a resource of a `using` declaration (never read). */
  usingRecord(): string {
    return `${this.prefix}used${++this.usingRecords}`;
  }

  private renames = 0;
  renamed(name: string): string {
    return `${name}${this.prefix}${++this.renames}`;
  }

  fast(name: string): string {
    return `${this.prefix}fast_${name}`;
  }
}

/** A short stable hash (FNV-1a, base 36) of a file's name and text: the `unique` of a classic script. */
export function scriptSuffix(filename: string, text: string): string {
  let hash = 0x811c9dc5;
  const input = `${filename}\0${text}`;
  for (let i = 0; i < input.length; i++) hash = Math.imul(hash ^ input.charCodeAt(i), 0x01000193);
  return `_${(hash >>> 0).toString(36)}`;
}
