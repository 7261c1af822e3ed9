// The conformance suite on the reference backend itself: forward and gradients against a second js instance
// (trivially equal) and, the real check, every gradient against central finite differences.
import { describeBackend } from '../testing/index.js';
import { createJsBackend } from './js.js';

describeBackend('js', createJsBackend);
