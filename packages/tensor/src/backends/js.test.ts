// The conformance suite on the reference backend itself: forward and gradients against a second js instance
// (trivially equal) and, the real check, every gradient against central finite differences. Then the same
// suite on the js backend cut down to its 17 core kernels: every optional kernel (softmax, layerNorm, gelu,
// crossEntropy, adamw, attention, argmax, topk, multinomial, linear…) composed by the ops instead.

import { coreOnly } from '../testing/core-only.js';
import { describeBackend } from '../testing/index.js';
import { createJsBackend } from './js.js';

describeBackend('js', createJsBackend);
describeBackend('js core only', () => coreOnly(createJsBackend()));
