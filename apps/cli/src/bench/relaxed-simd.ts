/**
 * Side effect, imported first by the bench helpers: lets Node 20 run the relaxed-SIMD build of
 * @lxmls/backend-wasm (fused multiply-add in the matmul, about 35% faster matmuls and 15–20% faster
 * training steps on x86). V8 ships relaxed SIMD enabled from 11.4 on (Chrome 114, Node 22); Node 20's
 * V8 11.3 validates it only with `--experimental-wasm-relaxed-simd`, which `NODE_OPTIONS` refuses, so it is
 * set at run time, before the backend compiles its module (docs/wasm-kernels.md measured this at
 * full speed; Node documents changing V8 flags after start-up as unsupported, so it is done only where the
 * engine does not already accept the module, and `LXMLS_NO_RELAXED_SIMD=1` turns it off).
 */

import { setFlagsFromString } from 'node:v8';
import { hasWasmRelaxedSimd } from '@lxmls/backend-wasm';

if (process.env.LXMLS_NO_RELAXED_SIMD !== '1' && !hasWasmRelaxedSimd()) {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}
