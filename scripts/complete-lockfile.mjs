#!/usr/bin/env node
// Completes package-lock.json for `npm ci` where the registry lacks some platform packages.
//
// oxc-parser and oxc-transform list a native binding per platform as optional dependencies.
// The registry this project installs from serves only the Linux ones: `npm install` then leaves
// the others out of the lock, and `npm ci` refuses the lock as out of sync. This adds an entry
// for each missing binding with its platform constraints (read from the napi-rs package name,
// `binding-<os>-<cpu>[-<abi>]`), so that `npm ci` skips them on other platforms without fetching.
// Run after `npm install` has changed the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const match = /\/binding-([a-z0-9]+)-([a-z0-9]+)(?:-([a-z0-9]+))?$/.exec(name);
    if (packages[key] || !match) continue;
    const [, os, cpu, abi] = match;
    const constraint = { version, cpu: [cpu], os: [os], optional: true, license: entry.license };
    if (abi === 'gnu' || abi === 'gnueabihf') constraint.libc = ['glibc'];
    if (abi === 'musl' || abi === 'musleabihf') constraint.libc = ['musl'];
    packages[key] = constraint;
    added++;
    void path;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform entries added`);
