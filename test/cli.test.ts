/**
 * The built command line (dist/cli/main.js, made by `npm run build`), run as a child process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { node24 } from './support/differential.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
const runtimeURL = new URL('../dist/runtime/index.js', import.meta.url).href;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

const scratch = mkdtempSync(join(tmpdir(), 'reawait-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

function reawait(args: string[], cwd: string = root): Outcome {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function node(args: string[], cwd: string, executable: string = process.execPath): Outcome {
  const result = spawnSync(executable, args, { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes `files` (path relative to a fresh directory -> content) and returns the directory. */
function tree(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function assertOk(outcome: Outcome): void {
  assert.equal(outcome.status, 0, `exit ${outcome.status}\nstdout: ${outcome.stdout}\nstderr: ${outcome.stderr}`);
}

describe('help and version', () => {
  test('reawait --help lists the commands', () => {
    const outcome = reawait(['--help']);
    assertOk(outcome);
    assert.match(outcome.stdout, /Usage: reawait/);
    for (const command of ['run', 'build', 'bench']) assert.match(outcome.stdout, new RegExp(`\\b${command}\\b`));
  });

  test('reawait --version prints the package version', () => {
    const outcome = reawait(['--version']);
    assertOk(outcome);
    assert.equal(outcome.stdout.trim(), version);
  });

  for (const [command, mentions] of [
    ['run', ['<file>', '--no-reuse']],
    ['build', ['<dir>', '--out', '--no-reuse', '--runtime']],
    ['bench', ['--quick']],
  ] as const) {
    test(`reawait ${command} --help`, () => {
      const outcome = reawait([command, '--help']);
      assertOk(outcome);
      assert.match(outcome.stdout, new RegExp(`Usage: reawait ${command}`));
      for (const text of mentions) assert.ok(outcome.stdout.includes(text), `help of ${command} mentions ${text}:\n${outcome.stdout}`);
    });
  }
});

describe('reawait build', () => {
  const sources = {
    'main.ts': [
      "import { double } from './lib/math.ts';",
      "import { label } from './lib/label.js';",
      "import { seven } from './seven.mjs';",
      'async function add(a: number, b: number): Promise<number> {',
      '  return a + b;',
      '}',
      'const n: number = double(seven);',
      'add(n, 1).then((sum) => console.log(label(sum)));',
      '',
    ].join('\n'),
    'lib/math.ts': 'export function double(x: number): number {\n  return x * 2;\n}\n',
    'lib/label.ts': 'export const label = (n: number): string => `sum=${n}`;\n',
    'seven.mjs': 'export const seven = 7;\n',
    'lib/types.d.ts': 'export type Ignored = number;\n',
    'node_modules/dep/index.js': 'this file is not compiled\n',
    'README.txt': 'not a source file\n',
  };

  test('compiles a tree into --out with source maps and .ts specifiers rewritten', () => {
    const src = tree('build-ok', sources);
    const out = join(scratch, 'build-ok-out');
    const outcome = reawait(['build', src, '--out', out, '--runtime-specifier', runtimeURL]);
    assertOk(outcome);
    for (const file of ['main.js', 'lib/math.js', 'lib/label.js', 'seven.mjs']) {
      const code = readFileSync(join(out, file), 'utf8');
      const name = file.slice(file.lastIndexOf('/') + 1);
      assert.match(code, new RegExp(`//# sourceMappingURL=${name.replace('.', '\\.')}\\.map\\s*$`), file);
      const map = JSON.parse(readFileSync(join(out, `${file}.map`), 'utf8')) as { version: number; sources: string[]; mappings: string };
      assert.equal(map.version, 3);
      assert.equal(map.sources.length, 1);
      assert.ok(typeof map.mappings === 'string' && map.mappings.length > 0, `${file}.map has mappings`);
    }
    assert.equal(existsSync(join(out, 'lib/types.js')), false, '.d.ts files are skipped');
    assert.equal(existsSync(join(out, 'lib/types.d.js')), false, '.d.ts files are skipped');
    assert.equal(existsSync(join(out, 'node_modules')), false, 'node_modules is skipped');
    assert.equal(existsSync(join(out, 'README.txt')), false, 'only sources are compiled');
    const main = readFileSync(join(out, 'main.js'), 'utf8');
    assert.match(main, /['"]\.\/lib\/math\.js['"]/);
    assert.doesNotMatch(main, /\.ts['"]/);
    assert.doesNotMatch(main, /:\s*number/, 'types are erased');
    // The output runs.
    const ran = node([join(out, 'main.js')], out);
    assertOk(ran);
    assert.equal(ran.stdout, 'sum=15\n');
  });

  test('refuses to write anything when a file does not compile', () => {
    const src = tree('build-bad', { ...sources, 'lib/broken.ts': 'export const ok = 1;\nexport const broken = (1 + ;\n' });
    const out = join(scratch, 'build-bad-out');
    const outcome = reawait(['build', src, '--out', out]);
    assert.equal(outcome.status, 1, `stderr: ${outcome.stderr}`);
    assert.match(outcome.stderr, /broken\.ts:2:\d+: /);
    assert.doesNotMatch(outcome.stderr, /^\s+at /m, 'no stack trace');
    assert.equal(existsSync(out), false, 'nothing is written');
  });
});

describe('reawait run', () => {
  const program = {
    'app.ts': [
      "import { greet } from './greet.js';",
      "import { shout } from './shout.ts';",
      'interface Options { loud: boolean }',
      'async function compute(values: number[]): Promise<number> {',
      '  let total = 0;',
      '  for (const v of values) total += v;',
      '  return total;',
      '}',
      'const options: Options = { loud: process.argv.includes("--loud") };',
      'const words: string = process.argv.slice(2).join(" ");',
      'console.log(options.loud ? shout(greet(words)) : greet(words));',
      'compute([1, 2, 3]).then((total) => console.log(`total ${total}`));',
      '',
    ].join('\n'),
    'greet.ts': 'export function greet(who: string): string {\n  return `hello ${who}`;\n}\n',
    'shout.ts': 'export const shout = (s: string): string => s.toUpperCase();\n',
    'package.json': '{ "type": "module" }\n',
  };

  test('compiles and runs a TypeScript program importing local modules, passing its arguments', () => {
    const dir = tree('run-ok', program);
    const outcome = reawait(['run', 'app.ts', 'world', '--loud'], dir);
    assertOk(outcome);
    assert.equal(outcome.stdout, 'HELLO WORLD --LOUD\ntotal 6\n');
  });

  // In a cycle, b.mjs runs before a.mjs (a imports b) and calls a's declarations, which are bound
  // at linking. Before a runs, compiled code cannot: native twins run instead (before-run.ts).
  describe('an import cycle: b.mjs calls a.mjs\'s declarations before a.mjs runs', () => {
    const compiledRuns = [['run', 'main.mjs'], ['run', '--no-reuse', 'main.mjs']];
    const assertAsNative = (dir: string, expected: string, nativeNode: string = process.execPath): void => {
      const native = node(['main.mjs'], dir, nativeNode);
      assertOk(native);
      assert.equal(native.stdout, expected);
      for (const args of compiledRuns) {
        const compiled = reawait(args, dir);
        assertOk(compiled);
        assert.equal(compiled.stdout, native.stdout);
      }
    };
    const cycle = (b: string): Record<string, string> => ({
      'main.mjs': "import { main } from './a.mjs';\nawait main();\n",
      'a.mjs': [
        "import * as b from './b.mjs';",
        'export async function helper(x) { await null; return double(x); }',
        'async function double(x) { await null; return x * 2; }',
        'export default async function (x) { return (await helper(x)) + 1; }',
        'export function makeCounter(start) { let n = start; return { async next() { await null; return ++n; } }; }',
        "export function* steps() { yield async () => { await null; return 'step'; }; }",
        'export function Point(x) { this.x = x; this.get = async () => { await 0; return this.x; }; }',
        "export function withDirective() { 'use strict'; return inner(); async function inner() { await null; return 'inner'; } }",
        "export async function main() { console.log(...await Promise.all(b.results)); console.log('after', await helper(3), await makeCounter(10).next()); }",
        '',
      ].join('\n'),
      'b.mjs': "import plusOne, { helper, makeCounter, steps, Point, withDirective } from './a.mjs';\n" + b,
    });

    test('an async declaration, an anonymous default export, and what they call', () => {
      const dir = tree('run-cycle-async', cycle([
        "console.log('b sees', typeof helper, helper.name, helper.length, typeof plusOne, plusOne.length);",
        'export const results = [helper(21), plusOne(4)];',
        '',
      ].join('\n')));
      assertAsNative(dir, 'b sees function helper 1 function 1\n42 9\nafter 6 11\n');
    });

    test('functions, generators and constructors that make compiled functions', () => {
      const dir = tree('run-cycle-sync', cycle([
        'const point = new Point(7);',
        "console.log('point', point instanceof Point, Object.getPrototypeOf(point) === Point.prototype);",
        'export const results = [makeCounter(1).next(), steps().next().value(), point.get(), withDirective()];',
        '',
      ].join('\n')));
      assertAsNative(dir, 'point true true\n2 step 7 inner\nafter 6 11\n');
    });

    test('a reference taken before a runs keeps working after', () => {
      const dir = tree('run-cycle-captured', cycle([
        'const early = helper;',
        'export const results = [new Promise((resolve) => setTimeout(resolve, 0)).then(() => early(5))];',
        '',
      ].join('\n')));
      assertAsNative(dir, '10\nafter 6 11\n');
    });

    // Parameters run before any check in the body: such a function is its twin until a runs.
    test('functions whose parameter defaults make compiled functions', () => {
      const dir = tree('run-cycle-parameters', {
        'main.mjs': "import { main } from './a.mjs';\nawait main();\n",
        'a.mjs': [
          "import * as b from './b.mjs';",
          "export function withDefault(cb = async () => { await null; return 'default cb'; }) { return cb(); }",
          "export default function (cb = async () => 'anon') { return cb(); }",
          "export function* gen(make = async () => { await null; return 'gen'; }) { yield make; }",
          "export async function main() { console.log(...await Promise.all(b.results)); console.log('after', await withDefault(), (await import('./a.mjs')).default.name, withDefault.name, await gen().next().value()); }",
          '',
        ].join('\n'),
        'b.mjs': "import anon, { withDefault, gen } from './a.mjs';\nexport const results = [withDefault(), anon(), gen().next().value()];\n",
      });
      assertAsNative(dir, 'default cb anon gen\nafter default cb default withDefault gen\n');
    });

    // Native on Node 24 (Node 20 cannot parse `using`); compiled, `await using` is lowered, and the
    // twin reads the runtime's UsingScope from the namespace, bound before a runs.
    test('an async declaration with `await using`', () => {
      const dir = tree('run-cycle-using', {
        'main.mjs': "import { main } from './a.mjs';\nawait main();\n",
        'a.mjs': [
          "import { early } from './b.mjs';",
          "export function resource(name) { return { [Symbol.asyncDispose]: async () => console.log('dispose', name) }; }",
          "export async function use(x) { await using r = resource('r' + x); await null; return x * 3; }",
          "export async function main() { console.log('early', await early, await use(2)); }",
          '',
        ].join('\n'),
        'b.mjs': "import { use } from './a.mjs';\nexport const early = use(1);\n",
      });
      assertAsNative(dir, 'dispose r1\ndispose r2\nearly 3 6\n', node24);
    });

    test('a module that imports nothing has no twins', () => {
      const dir = tree('build-no-twins', { 'src/leaf.mjs': 'export async function leaf() { await null; }\nexport function make() { return async () => 1; }\n' });
      assertOk(reawait(['build', 'src', '--out', 'out'], dir));
      const code = readFileSync(join(dir, 'out', 'leaf.mjs'), 'utf8');
      assert.doesNotMatch(code, /early_|async function leaf/);
      assert.match(code, /var leaf = /);
    });
  });

  test('--no-reuse', () => {
    const dir = tree('run-no-reuse', program);
    const outcome = reawait(['run', '--no-reuse', join(dir, 'app.ts'), 'there'], scratch);
    assertOk(outcome);
    assert.equal(outcome.stdout, 'hello there\ntotal 6\n');
  });

  test('a compile error prints file:line:column and exits 1 without a stack trace', () => {
    const dir = tree('run-bad', { ...program, 'greet.ts': 'export function greet(who: string): string {\n  return (who + ;\n}\n' });
    const outcome = reawait(['run', 'app.ts'], dir);
    assert.equal(outcome.status, 1, `stderr: ${outcome.stderr}`);
    assert.match(outcome.stderr, /greet\.ts:2:\d+: /);
    assert.doesNotMatch(outcome.stderr, /^\s+at /m, 'no stack trace');
    assert.equal(outcome.stdout, '');
  });
});
