/**
 * A generator of random programs for differential fuzzing (test/fuzz.test.ts): nested control
 * flow (if, for, for-of, while, do-while, switch, labelled blocks, try/catch/finally), awaits of
 * every kind (plain values, native promises that settle on a timer, compiled callees that
 * suspend or not, rejections) in statement and expression positions, shadowing block bindings,
 * closures over constants, and early exits (break, continue, return, throw).
 *
 * Programs are deterministic for a seed, always terminate (every loop is bounded), and depend
 * only on one task's own order of events (README: timing).
 */

/** mulberry32: a small seeded PRNG. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Scope {
  vars: string[];
  /** Names declared by `let` in the current block (not redeclarable there). */
  local: Set<string>;
  /** The names that may be assigned (not loop counters or constants). */
  mutable: string[];
  /** Statements emitted so far in the current block (a shadowing `let` comes first, so that nothing before it reads the name in its TDZ). */
  emitted: number;
  loopDepth: number;
  labels: string[];
  inSwitch: boolean;
  inFinally: boolean;
}

export interface GenerateOptions {
  /** `x += expr`, `x -= expr` (default true); false writes `x = x + (expr)` instead. */
  compoundAssignments?: boolean;
  /** Awaits in the iterable of for-of and for-in loops (default true). */
  awaitsInIterables?: boolean;
  /** Comma expressions (default true). */
  sequences?: boolean;
  /** Awaits in finally blocks, for await, awaits in case tests, optional chains and tagged templates with awaits (default true). */
  newFeatures?: boolean;
  /** Closures that read or write variables which are also assigned elsewhere (default true). */
  mutableClosures?: boolean;
}

export function generateProgram(seed: number, options: GenerateOptions = {}): string {
  const compound = options.compoundAssignments ?? true;
  const newFeatures = options.newFeatures ?? true;
  const iterableScope = (scope: Scope): Scope => (options.awaitsInIterables ?? true ? scope : { ...scope, inFinally: true });
  const rnd = random(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number): boolean => rnd() < p;
  let fresh = 0;
  const name = (prefix: string): string => `${prefix}${fresh++}`;
  let budget = 60; // statements in all

  const awaited = (inner: string, scope: Scope): string => {
    if (scope.inFinally) return inner;
    switch (int(7)) {
      case 0: return `(await ${inner})`;
      case 1: return `(await later(${inner}))`;
      case 2: return `(await quick(${inner}))`;
      case 3: return `(await slow(${inner}))`;
      case 4: return `(await h(${inner}))`;
      case 5: return `(await Promise.resolve(${inner}))`;
      default: return `(await later(${inner}, ${1 + int(3)}))`;
    }
  };

  const expr = (scope: Scope, depth: number): string => {
    const leaf = (): string => (scope.vars.length > 0 && chance(0.6) ? pick(scope.vars) : String(int(10)));
    if (depth <= 0) return leaf();
    const target = (): string | null => (scope.mutable.length > 0 && !scope.inFinally ? pick(scope.mutable) : null);
    switch (int(newFeatures ? 18 : 15)) {
      case 15: return `(maybe(${expr(scope, depth - 1)})?.f(${expr(scope, depth - 1)}) ?? ${expr(scope, depth - 1)})`;
      case 16: return `(maybe(${expr(scope, depth - 1)})?.[${pick([`'p'`, `'q'`])}] ?? ${expr(scope, depth - 1)})`;
      case 17: return `tg\`<\${${expr(scope, depth - 1)}}|\${${expr(scope, depth - 1)}}>\``;
      case 9: return `\`\${${expr(scope, depth - 1)}}-\${${expr(scope, depth - 1)}}\`.length`;
      case 10: return `step(...[${expr(scope, depth - 1)}, ${expr(scope, depth - 1)}])`;
      case 11: {
        const v = target();
        return v ? `(${v} = ${expr(scope, depth - 1)})` : leaf();
      }
      case 12: {
        const v = target();
        return v ? `(${pick([`${v}++`, `++${v}`, `${v}--`])} + ${expr(scope, depth - 1)})` : leaf();
      }
      case 13: return options.sequences ?? true ? `(${expr(scope, depth - 1)}, ${expr(scope, depth - 1)})` : leaf();
      case 14: return `({ p: ${expr(scope, depth - 1)}, q: ${expr(scope, depth - 1)} }).${pick(['p', 'q'])}`;
      case 0:
      case 1: return awaited(expr(scope, depth - 1), scope);
      case 2: return `(${expr(scope, depth - 1)} ${pick(['+', '-', '*', '%'])} ${expr(scope, depth - 1)})`.replace(/% (\S+)\)$/, '% ($1 || 1))');
      case 3: return `(${expr(scope, depth - 1)} ${pick(['<', '>', '===', '!=='])} ${expr(scope, depth - 1)} ? ${expr(scope, depth - 1)} : ${expr(scope, depth - 1)})`;
      case 4: return `(${expr(scope, depth - 1)} ${pick(['&&', '||', '??'])} ${expr(scope, depth - 1)})`;
      case 5: return `step(${expr(scope, depth - 1)}, ${expr(scope, depth - 1)})`;
      case 6: return `[${expr(scope, depth - 1)}, ${expr(scope, depth - 1)}][${int(2)}]`;
      default: return leaf();
    }
  };

  /** The scope of a block that is not made by `block()` (statements are added one by one). */
  const child = (scope: Scope): Scope => ({ ...scope, vars: [...scope.vars], mutable: [...scope.mutable], local: new Set(), emitted: 1 });

  const block = (scope: Scope, depth: number): string => {
    const inner: Scope = { ...scope, vars: [...scope.vars], mutable: [...scope.mutable], local: new Set(), emitted: 0 };
    const count = 1 + int(3);
    const parts: string[] = [];
    for (let i = 0; i < count && budget > 0; i++, inner.emitted++) parts.push(statement(inner, depth));
    return `{ ${parts.join(' ')} }`;
  };

  const statement = (scope: Scope, depth: number): string => {
    budget--;
    const canNest = depth > 0 && budget > 0;
    const choice = int(canNest ? 23 : 8);
    switch (choice) {
      case 0:
      case 1: return `log(${JSON.stringify(name('l'))}, ${expr(scope, 2)});`;
      case 2: {
        if (scope.mutable.length === 0) return `log('no vars');`;
        const v = pick(scope.mutable);
        const op = pick(['=', '+=', '-=']);
        const value = expr(scope, 2);
        return compound || op === '=' ? `${v} ${op} ${value};` : `${v} = ${v} ${op[0]} (${value});`;
      }
      case 3: {
        // A new binding in this block, maybe shadowing an outer one.
        const shadowable = scope.emitted === 0 ? scope.mutable.filter((v) => !scope.local.has(v)) : [];
        const v = shadowable.length > 0 && chance(0.5) ? pick(shadowable) : name('v');
        // The initialiser must not read the name it declares (it would be in its TDZ).
        const init = expr({ ...scope, vars: scope.vars.filter((x) => x !== v), mutable: scope.mutable.filter((x) => x !== v) }, 2);
        scope.local.add(v);
        if (!scope.vars.includes(v)) scope.vars.push(v);
        if (!scope.mutable.includes(v)) scope.mutable.push(v);
        return `let ${v} = ${init};`;
      }
      case 4: {
        if ((options.mutableClosures ?? true) && scope.mutable.length > 0 && chance(0.5)) {
          const v = pick(scope.mutable);
          if (chance(0.5)) return `fns.push(() => ${v});`;
          return `((n: any) => { ${v} = n; })(${expr(scope, 1)});`;
        }
        const c = name('c');
        const s = `const ${c} = ${expr(scope, 2)}; fns.push(() => ${c});`;
        return s;
      }
      case 5: {
        if (scope.loopDepth > 0 && chance(0.5)) {
          if (chance(0.3) && scope.labels.length > 0) return `if (${expr(scope, 1)}) ${pick(['break', 'continue'])} ${pick(scope.labels)};`;
          return scope.inSwitch ? `if (${expr(scope, 1)}) break;` : `if (${expr(scope, 1)}) ${pick(['break', 'continue'])};`;
        }
        if (scope.inFinally) return `log('in finally');`;
        return chance(0.5) ? `if (${expr(scope, 1)} > 7) throw new Error(${JSON.stringify(name('t'))});` : `if (${expr(scope, 1)} > 8) return ${expr(scope, 1)};`;
      }
      case 6: return scope.inFinally ? `log('no await in finally');` : `await later(0);`;
      case 7: return scope.inFinally ? `log('f');` : `try { await h(${expr(scope, 1)} * 100); } catch (e: any) { log('h failed', e.message); }`;
      case 8:
      case 9: return `if (${expr(scope, 2)}) ${block(scope, depth - 1)} else ${block(scope, depth - 1)}`;
      case 10: {
        const i = name('i');
        const label = chance(0.3) ? name('L') : null;
        const inner: Scope = { ...scope, loopDepth: scope.loopDepth + 1, labels: label ? [...scope.labels, label] : scope.labels, inSwitch: false };
        const loop = `for (let ${i} = ${awaited('0', scope)}; ${i} < ${1 + int(3)}; ${i}${chance(0.3) && !scope.inFinally ? ` = ${i} + (await quick(1))` : '++'}) ${block({ ...inner, vars: [...inner.vars, i] }, depth - 1)}`;
        return label ? `${label}: ${loop}` : loop;
      }
      case 11: {
        const x = name('x');
        const label = chance(0.3) ? name('L') : null;
        const inner: Scope = { ...scope, loopDepth: scope.loopDepth + 1, labels: label ? [...scope.labels, label] : scope.labels, inSwitch: false };
        const iterable = chance(0.5) ? `[${expr(iterableScope(scope), 1)}, ${expr(iterableScope(scope), 1)}]` : `counted(log, ${1 + int(3)})`;
        const loop = `for (const ${x} of ${iterable}) ${block({ ...inner, vars: [...inner.vars, x] }, depth - 1)}`;
        return label ? `${label}: ${loop}` : loop;
      }
      case 12: {
        const g = name('g');
        const inner: Scope = { ...scope, loopDepth: scope.loopDepth + 1, inSwitch: false };
        return `{ let ${g} = 0; while (${g}++ < ${1 + int(3)} && ${expr(scope, 1)} !== -1) ${block(inner, depth - 1)} }`;
      }
      case 13: {
        const g = name('g');
        const inner: Scope = { ...scope, loopDepth: scope.loopDepth + 1, inSwitch: false };
        return `{ let ${g} = 0; do ${block(inner, depth - 1)} while (${g}++ < ${int(3)} && ${expr(scope, 1)} !== -1); }`;
      }
      case 14: {
        const inner: Scope = { ...scope, inSwitch: true, loopDepth: scope.loopDepth + 1 };
        // `loopDepth + 1`: a plain `break` is allowed (it leaves the switch); `continue` is not generated.
        const test = (n: number): string => (newFeatures && chance(0.3) ? awaited(String(n), scope) : String(n));
        const cases = [0, 1, 2].map((n) => `case ${test(n)}: ${block(inner, depth - 1)} ${chance(0.5) ? 'break;' : ''}`);
        const at = int(4);
        cases.splice(at, 0, `default: ${block(inner, depth - 1)}`);
        return `switch (${expr(scope, 2)} % 4) { ${cases.join(' ')} }`;
      }
      case 15:
      case 16: {
        const e = name('e');
        if (newFeatures && !scope.inFinally && chance(0.4)) {
          // A finally that awaits: nothing may break or continue out of the try (refused for now).
          const closed: Scope = { ...scope, loopDepth: 0, labels: [], inSwitch: false };
          const handler = chance(0.6) ? ` catch (${e}: any) { log('caught', ${e} instanceof Error ? ${e}.message : ${e}); ${chance(0.5) ? statement(child(closed), depth - 1) : ''} }` : '';
          return `try ${block(closed, depth - 1)}${handler} finally { log(${JSON.stringify(name('fin'))}, ${awaited(expr(closed, 1), closed)}); ${statement({ ...child(closed), loopDepth: 0, labels: [] }, 0)} }`;
        }
        const handler = chance(0.8) ? ` catch (${e}: any) { log('caught', ${e} instanceof Error ? ${e}.message : ${e}); ${chance(0.5) ? statement(child(scope), depth - 1) : ''} }` : '';
        const finalizer = !handler || chance(0.5) ? ` finally { log(${JSON.stringify(name('fin'))}); ${chance(0.3) ? statement({ ...child(scope), inFinally: true, loopDepth: 0, labels: [] }, 0) : ''} }` : '';
        return `try ${block(scope, depth - 1)}${handler}${finalizer}`;
      }
      case 17: {
        const label = name('B');
        const inner = child(scope);
        const first = statement(inner, depth - 1);
        return `${label}: { ${first} if (${expr(inner, 1)}) break ${label}; ${statement(inner, depth - 1)} }`;
      }
      case 18: return `log('r', await r(${expr(scope, 1)}, ${1 + int(3)}));`;
      case 22: {
        if (!newFeatures || scope.inFinally) return `log('no for await');`;
        const x = name('x');
        // No jumps from the body to enclosing statements (refused for now).
        const inner: Scope = { ...scope, loopDepth: 1, labels: [], inSwitch: false };
        const iterable = chance(0.5) ? `[${expr(scope, 1)}, later(${expr(scope, 1)})]` : `agen(log, ${1 + int(3)})`;
        return `for await (const ${x} of ${iterable}) ${block({ ...inner, vars: [...inner.vars, x] }, depth - 1)}`;
      }
      case 20: {
        const m = scope.mutable.filter((v) => !scope.inFinally);
        if (m.length < 2) return `log('no pair');`;
        const [x, y] = [pick(m), pick(m)];
        if (x === y) return `[${x}] = [${expr(scope, 2)}];`;
        return chance(0.5) ? `[${x}, ${y}] = [${expr(scope, 2)}, ${expr(scope, 2)}];` : `({ p: ${x}, q: ${y} } = { p: ${expr(scope, 2)}, q: ${expr(scope, 2)} });`;
      }
      case 21: {
        const [p1, p2] = [name('d'), name('d')];
        const statement = chance(0.5)
          ? `const [${p1}, ${p2} = 4] = [${expr(scope, 2)}];`
          : `const { p: ${p1}, q: ${p2} = 5 } = ${awaited(`({ p: ${expr(scope, 1)} })`, scope)} as any;`;
        scope.vars.push(p1, p2);
        return statement;
      }
      case 19: {
        if (chance(0.5)) {
          const k = name('k');
          const inner: Scope = { ...scope, loopDepth: scope.loopDepth + 1, inSwitch: false };
          return `for (const ${k} in ${pick(['{ p: 1, q: 2 }', 'o', '[7, 8]'])}) ${block({ ...inner, vars: [...inner.vars] }, depth - 1)}`;
        }
        // Member targets: the object and key are evaluated before the value.
        const key = pick([`'p'`, `'q'`, `key(${expr(scope, 1)})`]);
        const op = compound ? pick(['=', '+=', '*=']) : '=';
        return `o[${key}] ${op} ${expr(scope, 2)}; log('o', o.p, o.q);`;
      }
      default: return `log(${JSON.stringify(name('l'))}, ${expr(scope, 3)});`;
    }
  };

  const body: string[] = [];
  const scope: Scope = { vars: ['a', 'b'], mutable: ['a', 'b'], local: new Set(), emitted: 1, loopDepth: 0, labels: [], inSwitch: false, inFinally: false };
  while (budget > 0) body.push(statement(scope, 3));
  return `
    function counted(log: any, n: number) {
      let i = 0;
      return { [Symbol.iterator]() { return { next() { return i < n ? { value: i++, done: false } : { value: undefined, done: true }; }, return() { log('closed'); return {}; } }; } };
    }
    const o: any = { p: 1, q: 2 };
    const maybe = (n: any) => (typeof n === 'number' && n % 2 ? { p: n, q: n + 1, f(x: any) { return typeof x === 'number' ? (x + this.p) % 10 : 0; } } : null);
    const tg = (s: TemplateStringsArray, ...v: any[]) => v.reduce((a: number, b: any) => (a + (typeof b === 'number' ? b : 0)) % 10, s.length);
    async function* agen(log: any, n: number) {
      try { for (let i = 0; i < n; i++) yield await later(i); } finally { log('agen closed'); }
    }
    const key = (n: any) => (typeof n === 'number' && n % 2 ? 'p' : 'q');
    const step = (x: any, y: any) => (typeof x === 'number' && typeof y === 'number' ? (x * 3 + y) % 11 : 0);
    async function h(n: any) {
      const v = await (n % 3 === 0 ? later(n) : n % 3 === 1 ? quick(n) : slow(n));
      if (typeof v === 'number' && v > 800) throw new Error('h' + v);
      return typeof v === 'number' ? v % 10 : 0;
    }
    async function r(n: any, depth: number): Promise<number> {
      if (depth <= 0) return typeof n === 'number' ? n % 10 : 0;
      try { return (await r(await (depth % 2 ? later(n) : quick(n)), depth - 1)) + 1; }
      finally { }
    }
    export async function main(log: any) {
      const fns: (() => unknown)[] = [];
      let a: any = 1, b: any = 2;
      try {
        ${body.join('\n        ')}
      } finally {
        log('closures', fns.map((f) => f()));
      }
      return [a, b];
    }`;
}
