/**
 * The home page: the stylesheet, and what this browser offers the demos (WebAssembly SIMD runs the tensor
 * kernels; relaxed SIMD makes them about 15% faster).
 */

import { hasWasmRelaxedSimd, hasWasmSimd } from '@lxmls/backend-wasm';
import { byId } from '../lib/dom.js';

const simd = hasWasmSimd();
byId('env').textContent = simd
  ? `WebAssembly SIMD: yes; relaxed SIMD: ${hasWasmRelaxedSimd() ? 'yes' : 'no'}. The demos run on the wasm backend.`
  : 'WebAssembly SIMD: no. The demos run on the slower js reference backend.';
