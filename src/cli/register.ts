/**
 * `node --import reawait/register app.ts`: compiles local .ts/.mts/.cts/.js/.mjs files (not
 * node_modules) with reawait as they load. Set REAWAIT_NO_REUSE=1 for `reuseContinuations: false`.
 */
import { installHooks, optionsFromEnv } from './install.js';

await installHooks(optionsFromEnv());
