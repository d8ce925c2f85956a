/**
 * Compiled classic scripts (`runtime: 'global'`): the header that the compiler puts after the
 * directive prologue must leave the program valid and the directive in effect.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Script } from 'node:vm';
import { transform } from '../src/compiler/index.ts';

test('a directive without its semicolon is still a directive, followed by the header', () => {
  const { code } = transform('"use strict"\nasync function f() { await 1; return this; }\n', { filename: 'script.js', runtime: 'global' });
  assert.doesNotThrow(() => new Script(code));
  assert.match(code, /^"use strict"; /);
});
