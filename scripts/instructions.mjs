#!/usr/bin/env node
// Instructions per suspension of the seed loop, counted by valgrind (callgrind): a figure that,
// unlike time, does not move with the load of a shared machine, for comparing two versions of the
// runtime or of the emitted code. Not a benchmark of record (docs/benchmarks.md is).
//
//   node scripts/instructions.mjs [variant ...]    variants: reuse, no-reuse, native (default: all)
//
// Needs valgrind (Debian package `valgrind`) and `npm run build`. Each variant runs twice under
// callgrind, with 100,000 and 300,000 suspensions after the same warm-up; the difference divided
// by 200,000 is the cost of one suspension. V8 runs single-threaded with fixed seeds, so that the
// count repeats to within a few instructions.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [mode, variantArg, suspensionsArg] = process.argv.slice(2);

if (mode === '--run') {
  // Inside valgrind: compile the seed for one variant, warm up, run once.
  const { transform } = await import(pathToFileURL(join(root, 'dist', 'compiler', 'index.js')).href);
  const { transformSync } = await import('oxc-transform');
  const source = readFileSync(join(root, 'bench', 'seed.ts'), 'utf8');
  const runtime = pathToFileURL(join(root, 'dist', 'runtime.node.bundle.mjs')).href;
  const code =
    variantArg === 'native'
      ? transformSync('seed.ts', source).code
      : transform(source, { filename: 'seed.ts', runtimeSpecifier: runtime, reuseContinuations: variantArg === 'reuse' }).code;
  const dir = mkdtempSync(join(tmpdir(), 'reawait-instructions-'));
  const file = join(dir, 'seed.mjs');
  writeFileSync(file, code);
  const seed = await import(pathToFileURL(file).href);
  rmSync(dir, { recursive: true, force: true });
  const run = variantArg === 'native' ? (n) => seed.foo(n, undefined) : (n) => seed.driveSeed(n);
  for (let i = 0; i < 2000; i++) await run(100);
  await run(Number(suspensionsArg));
} else {
  const variants = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['reuse', 'no-reuse', 'native'];
  const count = (variant, suspensions) => {
    const result = spawnSync(
      'valgrind',
      ['--tool=callgrind', '--smc-check=all', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', '--random-seed=1', '--hash-seed=1', fileURLToPath(import.meta.url), '--run', variant, String(suspensions)],
      { encoding: 'utf8' },
    );
    const match = /Collected : (\d+)/.exec(result.stderr ?? '');
    if (result.error || !match) throw new Error(`valgrind failed for ${variant}: ${result.error?.message ?? result.stderr}`);
    return Number(match[1]);
  };
  console.log(`instructions per suspension, seed loop, Node ${process.version} (callgrind)`);
  for (const variant of variants) {
    const perSuspension = (count(variant, 300_000) - count(variant, 100_000)) / 200_000;
    console.log(`  ${variant.padEnd(10)} ${perSuspension.toFixed(0).padStart(6)}`);
  }
}
