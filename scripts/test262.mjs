#!/usr/bin/env node
// Conformance runner: test262's tests of async functions, run natively and compiled by reawait.
//
//   npm run build && npm run test262 -- [test262-dir] [options]
//
// The test262 checkout is the first argument, else $TEST262_DIR, else ./.test262. Every selected
// test is run twice by test262-harness (node host, one child process per test and scenario):
// natively, then with scripts/test262-compile.cjs as its --preprocessor (the test's own source
// through transform() with runtime 'global', dist/reawait.global.js before it, harness includes
// left alone). The outcomes are checked against test/test262-expected-failures.json.
// Not part of `npm test`: it needs a test262 checkout (docs/conformance.md).
//
// Options:
//   --threads N            tests run in parallel (default: 2 per CPU)
//   --timeout MS           per test (default 10000)
//   --filter TEXT          only tests whose path contains TEXT
//   --group NAME           only the group NAME (see GROUPS; repeatable)
//   --json FILE            write every outcome to FILE
//   --reuse FILE           do not run anything: check the outcomes saved by --json FILE again
//   --show-expected        also list the expected failures
//   --update-expectations  rewrite the refusal and native sections of the expectations file from
//                          this run and drop stale interleaving entries (never
//                          adds one: those are added by hand, after checking the test)
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const harnessBin = path.join(root, 'node_modules', 'test262-harness', 'bin', 'run.js');
const preprocessor = path.join(root, 'scripts', 'test262-compile.cjs');
const expectationsFile = path.join(root, 'test', 'test262-expected-failures.json');

/**
 * The tests, by group. Each entry: a directory of test262 (everything under it) or a directory
 * plus a test on file names (only the files directly in it).
 */
export const GROUPS = [
  { name: 'statements/async-function', parts: [{ dir: 'test/language/statements/async-function' }] },
  { name: 'expressions/async-function', parts: [{ dir: 'test/language/expressions/async-function' }] },
  { name: 'expressions/async-arrow-function', parts: [{ dir: 'test/language/expressions/async-arrow-function' }] },
  { name: 'expressions/await', parts: [{ dir: 'test/language/expressions/await' }] },
  {
    name: 'class async methods',
    parts: [
      { dir: 'test/language/statements/class/async-method' },
      { dir: 'test/language/statements/class/async-method-static' },
      { dir: 'test/language/expressions/class/async-method' },
      { dir: 'test/language/expressions/class/async-method-static' },
      { dir: 'test/language/statements/class', files: /^async-meth-/ },
    ],
  },
  {
    name: 'class elements: async methods',
    parts: [
      { dir: 'test/language/statements/class/elements/async-private-method' },
      { dir: 'test/language/statements/class/elements/async-private-method-static' },
      { dir: 'test/language/expressions/class/elements/async-private-method' },
      { dir: 'test/language/expressions/class/elements/async-private-method-static' },
      { dir: 'test/language/statements/class/elements', files: /async-method/ },
      { dir: 'test/language/expressions/class/elements', files: /async-method/ },
    ],
  },
  {
    name: 'object literal async methods',
    parts: [{ dir: 'test/language/expressions/object/method-definition', files: /^async-/ }],
  },
  { name: 'statements/for-await-of', parts: [{ dir: 'test/language/statements/for-await-of' }] },
  { name: 'built-ins/AsyncFunction', parts: [{ dir: 'test/built-ins/AsyncFunction' }] },
];

const MODES = { default: 'sloppy', 'strict mode': 'strict' };
const REFUSAL = /^reawait CompileError: .*?:\d+:\d+: (.*) is not supported yet by reawait$/s;

function parseArgs(argv) {
  const options = { threads: availableParallelism() * 2, timeout: 10000, filter: null, groups: [], json: null, reuse: null, showExpected: false, update: false, dir: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--threads') options.threads = Number(value());
    else if (arg === '--timeout') options.timeout = Number(value());
    else if (arg === '--filter') options.filter = value();
    else if (arg === '--group') options.groups.push(value());
    else if (arg === '--json') options.json = path.resolve(value());
    else if (arg === '--reuse') options.reuse = path.resolve(value());
    else if (arg === '--show-expected') options.showExpected = true;
    else if (arg === '--update-expectations') options.update = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else if (options.dir === null) options.dir = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  return options;
}

function listFiles(test262, part) {
  const base = path.join(test262, part.dir);
  if (!existsSync(base)) return [];
  const out = [];
  const walk = (dir, recurse) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        if (recurse) walk(full, true);
      } else if (name.endsWith('.js') && !name.includes('_FIXTURE')) {
        if (part.files && !part.files.test(name)) continue;
        out.push(path.relative(test262, full).split(path.sep).join('/'));
      }
    }
  };
  walk(base, !part.files);
  return out;
}

/** Runs test262-harness over `files`; resolves to its JSON records. */
function runHarness(test262, files, options, compiled) {
  const args = [
    harnessBin,
    '--test262-dir', '.',
    '--threads', String(options.threads),
    '--timeout', String(options.timeout),
    '--reporter', 'json',
    '--reporter-keys', 'file,scenario,result,rawResult',
    // test262 assumes a host that does not abort on an unhandled rejection (its tests leave some);
    // Node's default does (`throw`). Both runs use `none`.
    '--host-args=--unhandled-rejections=none',
  ];
  if (compiled) args.push('--preprocessor', preprocessor);
  args.push(...files);
  const label = compiled ? 'compiled' : 'native  ';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: test262, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    const records = [];
    const total = files.length * 2;
    const progress = process.stderr.isTTY;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        let line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.startsWith(',')) line = line.slice(1);
        if (line === '[' || line === ']' || line.trim() === '') continue;
        records.push(JSON.parse(line));
        if (progress && records.length % 25 === 0) process.stderr.write(`\r${label} ${records.length} runs (of about ${total})`);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (progress) process.stderr.write('\r\x1b[K');
      if (code !== 0) reject(new Error(`test262-harness (${label.trim()}) exited with ${code}\n${stderr}`));
      else resolve(records);
    });
  });
}

function outcome(record) {
  const pass = record.result.pass;
  const error = record.rawResult?.error ?? null;
  const message = pass ? '' : String(record.result.message ?? '').trim();
  let kind = pass ? 'pass' : 'fail';
  let construct = null;
  if (!pass && error) {
    const refusal = error.name === 'CompileError' ? REFUSAL.exec(error.message) : null;
    if (refusal) {
      kind = 'refused';
      construct = refusal[1].replace(/'[^']*'/g, "'…'");
    } else if (error.name === 'ReawaitCrash') kind = 'crash';
  }
  return { pass, kind, construct, message };
}

function loadExpectations() {
  if (!existsSync(expectationsFile)) return { test262: null, interleaving: {}, refused: {}, failsNatively: {} };
  return JSON.parse(readFileSync(expectationsFile, 'utf8'));
}

const lookup = (section, file, mode) => section?.[file]?.[mode];

function gitHead(dir) {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ')).join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const test262 = path.resolve(options.dir ?? process.env.TEST262_DIR ?? path.join(root, '.test262'));
  if (!existsSync(path.join(test262, 'harness', 'assert.js')) || !existsSync(path.join(test262, 'test'))) {
    throw new Error(`${test262} is not a test262 checkout (git clone https://github.com/tc39/test262 .test262, or pass its path)`);
  }
  for (const file of ['dist/compiler/index.js', 'dist/reawait.global.js']) {
    if (!existsSync(path.join(root, file))) throw new Error(`${file} is missing: run npm run build first`);
  }
  const newestSource = (dir) => Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newestSource(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs)));
  if (!options.reuse && existsSync(path.join(root, 'src')) && newestSource(path.join(root, 'src')) > statSync(path.join(root, 'dist/reawait.global.js')).mtimeMs) {
    console.log('warning: src/ has changed since the last build: run npm run build first');
  }
  if (!options.reuse && !existsSync(harnessBin)) throw new Error('test262-harness is not installed: run npm ci');

  const expectations = loadExpectations();
  const commit = gitHead(test262);
  let reawaitCommit = gitHead(root);
  if (!options.reuse) console.log(`test262 ${test262}${commit ? ` at ${commit}` : ''}; reawait ${reawaitCommit ?? '(not a git checkout)'}; node ${process.version}`);
  if (commit && expectations.test262?.commit && commit !== expectations.test262.commit) {
    console.log(`note: the expected failures were recorded at test262 ${expectations.test262.commit}`);
  }

  const groups = options.groups.length > 0 ? GROUPS.filter((g) => options.groups.includes(g.name)) : GROUPS;
  if (groups.length === 0) throw new Error(`no group named ${options.groups.join(', ')}; groups: ${GROUPS.map((g) => g.name).join(', ')}`);
  const groupOf = new Map();
  for (const group of groups) {
    for (const part of group.parts) {
      for (const file of listFiles(test262, part)) {
        if (options.filter && !file.includes(options.filter)) continue;
        if (!groupOf.has(file)) groupOf.set(file, group.name);
      }
    }
  }
  const files = [...groupOf.keys()];
  if (files.length === 0) throw new Error('no test selected');
  console.log(options.reuse ? `${files.length} test files` : `${files.length} test files, ${options.threads} threads`);

  const runs = new Map(); // `${file}\0${mode}` -> { file, mode, group, native, compiled }
  const key = (file, mode) => `${file}\0${mode}`;
  if (options.reuse) {
    const saved = JSON.parse(readFileSync(options.reuse, 'utf8'));
    console.log(`outcomes from ${options.reuse} (test262 ${saved.test262?.commit}, reawait ${saved.reawait}, node ${saved.node})`);
    reawaitCommit = saved.reawait ?? null;
    for (const run of saved.runs) if (groupOf.has(run.file)) runs.set(key(run.file, run.mode), { ...run, group: groupOf.get(run.file) });
  } else {
    const started = Date.now();
    const native = await runHarness(test262, files, options, false);
    const compiled = await runHarness(test262, files, options, true);
    console.log(`ran in ${Math.round((Date.now() - started) / 1000)} s`);
    for (const [records, side] of [[native, 'native'], [compiled, 'compiled']]) {
      for (const record of records) {
        const mode = MODES[record.scenario] ?? record.scenario;
        const k = key(record.file, mode);
        if (!runs.has(k)) runs.set(k, { file: record.file, mode, group: groupOf.get(record.file), native: null, compiled: null });
        runs.get(k)[side] = outcome(record);
      }
    }
  }

  const problems = []; // unexpected failures
  const stale = []; // listed, but the run did not fail that way
  const expected = [];
  const counts = new Map(groups.map((g) => [g.name, { files: 0, runs: 0, nativePass: 0, nativeFail: 0, compiledPass: 0, compiledFail: 0, refused: 0, interleaving: 0, unexpected: 0 }]));
  for (const file of files) counts.get(groupOf.get(file)).files++;
  const sorted = [...runs.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.mode < b.mode ? -1 : 1));
  for (const run of sorted) {
    const c = counts.get(run.group);
    c.runs++;
    if (!run.native || !run.compiled) {
      problems.push({ ...run, why: `missing ${run.native ? 'compiled' : 'native'} result` });
      c.unexpected++;
      continue;
    }
    run.native.pass ? c.nativePass++ : c.nativeFail++;
    run.compiled.pass ? c.compiledPass++ : c.compiledFail++;
    const listedNative = lookup(expectations.failsNatively, run.file, run.mode);
    const listedInterleaving = lookup(expectations.interleaving, run.file, run.mode);
    const listedRefused = lookup(expectations.refused, run.file, run.mode);
    if (!run.native.pass) {
      if (listedNative) expected.push({ ...run, why: 'fails natively' });
      else {
        problems.push({ ...run, why: `fails natively (not listed): ${run.native.message}` });
        c.unexpected++;
      }
      continue;
    }
    if (listedNative) stale.push({ ...run, why: 'listed as failing natively, passes natively' });
    if (run.compiled.pass) {
      if (listedInterleaving || listedRefused) stale.push({ ...run, why: `listed (${listedRefused ? `refused: ${listedRefused}` : 'interleaving'}), passes compiled` });
      continue;
    }
    if (run.compiled.kind === 'refused') {
      c.refused++;
      if (listedRefused === run.compiled.construct) expected.push({ ...run, why: `refused: ${run.compiled.construct}` });
      else {
        problems.push({ ...run, why: `refused: ${run.compiled.construct}${listedRefused ? ` (listed as refused: ${listedRefused})` : ' (not listed)'}` });
        c.unexpected++;
      }
    } else if (listedInterleaving) {
      c.interleaving++;
      expected.push({ ...run, why: `interleaving: ${listedInterleaving}` });
    } else {
      c.unexpected++;
      problems.push({ ...run, why: `${run.compiled.kind === 'crash' ? 'compiler crash' : 'compiled fails'}: ${run.compiled.message}` });
    }
  }

  const rows = [['group', 'files', 'runs', 'native pass', 'native fail', 'compiled pass', 'compiled fail', 'refused', 'interleaving', 'unexpected']];
  const total = { files: 0, runs: 0, nativePass: 0, nativeFail: 0, compiledPass: 0, compiledFail: 0, refused: 0, interleaving: 0, unexpected: 0 };
  for (const [name, c] of counts) {
    rows.push([name, c.files, c.runs, c.nativePass, c.nativeFail, c.compiledPass, c.compiledFail, c.refused, c.interleaving, c.unexpected]);
    for (const k of Object.keys(total)) total[k] += c[k];
  }
  rows.push(['total', total.files, total.runs, total.nativePass, total.nativeFail, total.compiledPass, total.compiledFail, total.refused, total.interleaving, total.unexpected]);
  console.log('');
  console.log(table(rows));
  console.log('\n(runs: one per test file and mode, sloppy and/or strict; refused, interleaving and unexpected count the compiled failures of runs that pass natively)');

  const refusalsByConstruct = new Map();
  for (const run of runs.values()) {
    if (run.native?.pass && run.compiled?.kind === 'refused') refusalsByConstruct.set(run.compiled.construct, (refusalsByConstruct.get(run.compiled.construct) ?? 0) + 1);
  }
  if (refusalsByConstruct.size > 0) {
    console.log('\nrefusals (runs), by construct:');
    for (const [construct, n] of [...refusalsByConstruct].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${construct}`);
  }

  const show = (list) => {
    for (const run of list) console.log(`  ${run.file} [${run.mode}]\n      ${run.why.replace(/\n/g, '\n      ')}`);
  };
  if (options.showExpected && expected.length > 0) {
    console.log(`\nexpected failures (${expected.length}):`);
    show(expected);
  }
  if (stale.length > 0) {
    console.log(`\nstale expectations (${stale.length}): listed as failing, but did not fail that way; update test/test262-expected-failures.json`);
    show(stale);
  }
  if (problems.length > 0) {
    console.log(`\nUNEXPECTED FAILURES (${problems.length}):`);
    show(problems);
  }

  if (options.json) {
    writeFileSync(options.json, JSON.stringify({ test262: { commit }, reawait: reawaitCommit, node: process.version, runs: sorted }, null, 1) + '\n');
    console.log(`\nwrote ${options.json}`);
  }

  if (options.update) {
    if (options.filter || options.groups.length > 0) throw new Error('--update-expectations needs a full run (no --filter, no --group)');
    const failsNatively = {};
    const refused = {};
    const interleaving = {};
    const put = (section, run, reason) => ((section[run.file] ??= {})[run.mode] = reason);
    for (const run of sorted) {
      if (!run.native || !run.compiled) continue;
      if (!run.native.pass) put(failsNatively, run, 'fails natively');
      else if (run.compiled.kind === 'refused') put(refused, run, run.compiled.construct);
      else if (!run.compiled.pass && lookup(expectations.interleaving, run.file, run.mode)) put(interleaving, run, lookup(expectations.interleaving, run.file, run.mode));
    }
    const next = {
      $comment: expectations.$comment,
      test262: { commit, reawait: reawaitCommit, node: process.version },
      interleaving,
      refused,
      failsNatively,
    };
    writeFileSync(expectationsFile, JSON.stringify(next, null, 2) + '\n');
    console.log(`\nupdated ${path.relative(root, expectationsFile)} (unexpected failures are not added)`);
  }

  console.log(`\n${total.runs - problems.length} passed, ${problems.length} failed (runs as expected vs unexpected; ${stale.length} stale expectations)`);
  process.exitCode = problems.length > 0 || stale.length > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
