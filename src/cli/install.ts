/**
 * Installs the compile-on-load hooks (hooks.ts): in-thread with `module.registerHooks()` on
 * Node >= 22.15, else off-thread with `module.register()` (Node 20).
 */
import * as nodeModule from 'node:module';
import type { HookData, HookOptions } from './hooks.js';

type RegisterHooks = (hooks: { resolve?: Function; load?: Function }) => unknown;

function supportsRegisterHooks(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const recent = major > 22 || (major === 22 && minor >= 15);
  return recent && typeof (nodeModule as { registerHooks?: unknown }).registerHooks === 'function';
}

let installed = false;

export async function installHooks(options: HookOptions = {}): Promise<void> {
  if (installed) return;
  installed = true;
  // Compiled files carry inline source maps: make stack traces point into the sources.
  process.setSourceMapsEnabled(true);
  const hooksURL = new URL('./hooks.js', import.meta.url);
  if (supportsRegisterHooks()) {
    const hooks = await import(hooksURL.href);
    hooks.configure(options);
    ((nodeModule as unknown as { registerHooks: RegisterHooks }).registerHooks)({
      resolve: hooks.resolveSync,
      load: hooks.loadSync,
    });
  } else {
    const data: HookData = { reuseContinuations: options.reuseContinuations ?? true };
    nodeModule.register(hooksURL, { data });
  }
}

/** Options from the environment, for `node --import reawait/register`: REAWAIT_NO_REUSE=1 turns off reuseContinuations. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): HookOptions {
  const noReuse = env.REAWAIT_NO_REUSE;
  return { reuseContinuations: !(noReuse !== undefined && noReuse !== '' && noReuse !== '0') };
}
