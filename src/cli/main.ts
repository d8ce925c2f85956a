#!/usr/bin/env node
/** The `reawait` command line: run, build, bench. */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, Option } from 'commander';
import { isCompileError } from './errors.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The entry file as given, or with a source extension added. */
function findEntry(file: string): string | null {
  const path = resolve(file);
  if (isFile(path)) return path;
  for (const ext of ['.ts', '.mts', '.js', '.mjs']) if (isFile(path + ext)) return path + ext;
  return null;
}

class UsageError extends Error {}

async function run(file: string, args: string[], options: { reuse: boolean }): Promise<void> {
  const entry = findEntry(file);
  if (entry === null) throw new UsageError(`reawait run: cannot find ${file}`);
  const { installHooks } = await import('./install.js');
  await installHooks({ reuseContinuations: options.reuse });
  // The program sees itself as the main script, with the remaining arguments.
  process.argv = [process.argv[0]!, entry, ...args];
  await import(pathToFileURL(entry).href);
}

async function build(dir: string, options: { out: string; reuse: boolean; runtime: 'import' | 'global'; runtimeSpecifier?: string }): Promise<void> {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`reawait build: ${dir} is not a directory`);
  const { buildTree, writeOutputs } = await import('./build.js');
  const result = buildTree({
    inDir: dir,
    outDir: options.out,
    reuseContinuations: options.reuse,
    runtime: options.runtime,
    ...(options.runtimeSpecifier === undefined ? {} : { runtimeSpecifier: options.runtimeSpecifier }),
  });
  for (const warning of result.warnings) process.stderr.write(`${warning}\n`);
  if (result.errors.length > 0) {
    for (const error of result.errors) process.stderr.write(`${error}\n`);
    const n = result.errors.length;
    process.stderr.write(`reawait build: ${n} error${n === 1 ? '' : 's'}; nothing written\n`);
    process.exitCode = 1;
    return;
  }
  writeOutputs(result.outputs);
  const n = result.outputs.length;
  process.stdout.write(`reawait build: compiled ${n} file${n === 1 ? '' : 's'} into ${options.out}\n`);
}

const program = new Command();
program
  .name('reawait')
  .description('Compile async functions into state machines that continue synchronously when awaited values are already complete.')
  .version(version, '-v, --version', 'print the version')
  .helpOption('-h, --help', 'show help')
  .enablePositionalOptions()
  .showHelpAfterError();

program
  .command('run')
  .description('compile a TypeScript or JavaScript entry file and the local files it imports (not node_modules), then run it')
  .argument('<file>', 'entry file (.ts, .mts, .cts, .js, .mjs)')
  .argument('[args...]', 'arguments for the program (its process.argv)')
  .option('--no-reuse', 'compile with reuseContinuations: false (a fresh continuation per suspension)')
  .passThroughOptions()
  .addHelpText('after', '\nThe same hooks without the CLI: node --import reawait/register app.ts (REAWAIT_NO_REUSE=1 for --no-reuse)')
  .action(run);

program
  .command('build')
  .description('compile every .ts/.mts/.js/.mjs file under <dir> (not node_modules, not .d.ts) into --out, with source maps')
  .argument('<dir>', 'source directory')
  .requiredOption('-o, --out <dir>', 'output directory (the tree is preserved; .ts becomes .js, .mts becomes .mjs)')
  .option('--no-reuse', 'compile with reuseContinuations: false')
  .addOption(new Option('--runtime <kind>', "how compiled code reaches the runtime: 'import' it, or read globalThis.reawait (dist/reawait.global.js)").choices(['import', 'global']).default('import'))
  .option('--runtime-specifier <specifier>', "module specifier of the runtime for --runtime import (default 'reawait')")
  .addHelpText('after', '\nNothing is written if any file fails to compile; errors are printed as file:line:column: message.')
  .action(build);

program
  .command('bench')
  .description('run the benchmarks: compiled vs native async functions')
  .option('--quick', 'fewer iterations (a smoke run)')
  .action(async (options: { quick?: boolean }) => {
    const { runBench } = await import('../bench/run.js');
    await runBench({ quick: options.quick === true });
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isCompileError(error) || error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
