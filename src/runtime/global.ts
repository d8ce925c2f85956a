/**
 * Entry of dist/reawait.global.js (an IIFE bundle, see scripts/bundle-global.mjs): exposes the
 * runtime as `globalThis.reawait` for classic scripts compiled with `runtime: 'global'`.
 */
import * as runtime from './index.js';

(globalThis as typeof globalThis & { reawait?: typeof runtime }).reawait = Object.freeze({ ...runtime });
