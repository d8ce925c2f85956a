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

/** What every bundle shares. */
const common = {
  absWorkingDir: root,
  bundle: true,
  target: 'es2022',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  minifySyntax: true,
};

await build({ ...common, entryPoints: ['src/runtime/global.ts'], outfile: 'dist/reawait.global.js', format: 'iife', platform: 'neutral' });

// The runtime as one ES module file (the package's `default` condition).
await build({ ...common, entryPoints: ['src/runtime/index.ts'], outfile: 'dist/runtime.bundle.mjs', format: 'esm', platform: 'neutral' });

// The same, as Node loads it (the package's `node` condition: AsyncLocalStorage propagation).
await build({ ...common, entryPoints: ['src/runtime/node.ts'], outfile: 'dist/runtime.node.bundle.mjs', format: 'esm', platform: 'node' });
