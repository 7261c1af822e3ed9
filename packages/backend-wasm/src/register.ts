/**
 * `import '@lxmls/backend-wasm/register'`: registers the `wasm` backend with @lxmls/tensor (priority 10, above
 * `js`), so that every op runs on it without a `setBackend` call. The only module of this package with a side
 * effect (listed in package.json `sideEffects`).
 */

import { registerWasmBackend } from './backend.js';

registerWasmBackend();
