/**
 * The native side of a differential program that the test's Node cannot parse (`using`
 * declarations on Node 20), run by Node 24 (see differential.ts): prints what it observed, JSON-safe.
 *
 * node native-child.mjs <program.mjs>
 */
import { pathToFileURL } from 'node:url';
import { guarded, jsonSafe, observe } from './observe.mjs';

const observation = await guarded(() => observe(pathToFileURL(process.argv[2]).href));
process.stdout.write(JSON.stringify(jsonSafe(observation)));
