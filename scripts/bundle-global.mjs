#!/usr/bin/env node
// Bundles the runtime into dist/reawait.global.js: an IIFE that sets `globalThis.reawait`, for
// classic scripts compiled with `runtime: 'global'`. Run by `npm run build` after tsc.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['src/runtime/global.ts'],
  outfile: 'dist/reawait.global.js',
  bundle: true,
  format: 'iife',
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// The runtime as one ES module file: the benchmark loads one copy per compiled variant, so that
// variants do not share the dispatcher's inline caches.
await build({
  absWorkingDir: root,
  entryPoints: ['src/runtime/index.ts'],
  outfile: 'dist/runtime.bundle.mjs',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
});

// The same, as Node loads it (the package's `node` condition: AsyncLocalStorage propagation).
await build({
  absWorkingDir: root,
  entryPoints: ['src/runtime/node.ts'],
  outfile: 'dist/runtime.node.bundle.mjs',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
});
