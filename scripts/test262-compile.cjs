'use strict';
// test262-harness --preprocessor for the compiled runs of scripts/test262.mjs.
//
// test262-harness hands over each test as a record whose `contents` is the whole script it will
// run: ['"use strict";\n' for the strict scenario] + harness includes + the test file's source,
// with `insertionIndex` just after the includes. The includes stay as they are (they are the
// harness, not the code under test); the test's own source is passed through reawait's
// `transform()` with `runtime: 'global'`, and dist/reawait.global.js is put between the two, so
// that `globalThis.reawait` exists when the compiled code starts.
//
// A CompileError does not run anything: the record gets a `result` (test262-harness then reports
// it as if the test had run):
// - the source did not parse: error SyntaxError (what a negative parse test expects);
// - "... is not supported yet by reawait" (a refusal): error CompileError;
// - anything else thrown by the compiler: error ReawaitCrash.
// scripts/test262.mjs tells these apart by the error's name and message.
// CommonJS because test262-harness loads its preprocessor with require().

const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { transform, CompileError } = require(path.join(root, 'dist', 'compiler', 'index.js'));
const bundle = fs
  .readFileSync(path.join(root, 'dist', 'reawait.global.js'), 'utf8')
  .replace(/^\/\/# sourceMappingURL=.*$/m, '');

// eshost's node host evaluates each test in a vm context that has only setTimeout, console, print
// and require of the host's globals. The runtime calls the host's queueMicrotask (which browsers
// and Node both have): the compiled runs borrow the one of the Node process (the context shares
// its microtask queue).
const HOST = "if (typeof queueMicrotask !== 'function') globalThis.queueMicrotask = require.constructor('return queueMicrotask')();";

const REFUSAL = / is not supported yet by reawait$/;

function result(name, message) {
  return { stdout: '', stderr: `${name}: ${message}\n`, error: { name, message, stack: [] } };
}

/** The index just after the directive prologue of `code` (a raw test keeps its directives first). */
function afterDirectives(code) {
  const { parseSync } = require('oxc-parser');
  const program = parseSync('raw.js', code, { sourceType: 'script' }).program;
  let position = 0;
  for (const statement of program.body) {
    if (statement.type === 'ExpressionStatement' && typeof statement.directive === 'string') position = statement.end;
    else break;
  }
  return position;
}

module.exports = function compileTest(test) {
  const strict = test.scenario === 'strict mode';
  const raw = test.insertionIndex < 0;
  const head = raw ? '' : test.contents.slice(0, test.insertionIndex);
  const body = raw ? test.contents : test.contents.slice(test.insertionIndex);
  // The compiler must see the strictness the test runs with; the directive it gets is kept in its
  // output, where (after the includes) it is a harmless expression statement.
  const source = strict && !raw ? `"use strict";\n${body}` : body;
  let code;
  try {
    code = transform(source, { filename: test.file, runtime: 'global' }).code;
  } catch (error) {
    if (error instanceof CompileError) {
      const message = `reawait CompileError: ${error.message}`;
      test.result = REFUSAL.test(error.reason) ? result('CompileError', message) : result('SyntaxError', message);
    } else {
      test.result = result('ReawaitCrash', String(error && error.stack ? error.stack : error));
    }
    return test;
  }
  if (code === source) return test; // nothing compiled: run as it is
  if (raw) {
    const at = afterDirectives(code);
    test.contents = `${code.slice(0, at)}\n${HOST}\n${bundle}\n${code.slice(at)}`;
  } else {
    test.contents = `${head}\n${HOST}\n${bundle}\n${code}`;
  }
  return test;
};
