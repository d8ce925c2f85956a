#!/usr/bin/env node
// Bundles the runtime, run by `npm run build` after tsc:
// - dist/reawait.global.js: an IIFE that sets `globalThis.reawait`, for classic scripts compiled
//   with `runtime: 'global'`;
// - dist/runtime.bundle.mjs and dist/runtime.node.bundle.mjs: the package's entry (`reawait`),
//   one module each. Bundled with the syntax minified, the runtime's constants (flag bits) are
//   inlined as literals: V8 loads a module binding, even a `const`, from its context at every use,
//   and imports cost a cell each. About 6% fewer instructions per suspension than the modules
//   tsc writes (scripts/instructions.mjs).
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
  minifySyntax: true,
});

// The runtime as one ES module file (the package's `default` condition).
await build({
  absWorkingDir: root,
  entryPoints: ['src/runtime/index.ts'],
  outfile: 'dist/runtime.bundle.mjs',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  minifySyntax: true,
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
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  minifySyntax: true,
});
