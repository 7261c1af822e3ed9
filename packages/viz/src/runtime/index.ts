/**
 * The renderer, assembled from its parts, and its own source code for `toHtml`.
 *
 * How the standalone HTML gets its code: every part is a function with no free variables (it reaches the
 * others only through its `lib` argument), so `Function.prototype.toString` gives source that runs anywhere.
 * `runtimeSource()` writes `(function(){var lib={};(part1)(lib);(part2)(lib);…;return lib})()`, the very code
 * that `createRuntime()` runs here; there is no build step to forget, and a test evaluates that source in an
 * empty context to prove it is closed. (A code-coverage tool that instruments functions, such as istanbul,
 * would break this; V8 coverage does not.)
 */

import { bpePart } from './bpe.js';
import { commonPart } from './common.js';
import { headPart } from './head.js';
import { lossPart } from './loss.js';
import { modelPart } from './model.js';
import { mountPart } from './mount.js';
import { neuronPart } from './neuron.js';
import { neuronCanvasPart } from './neuron-canvas.js';
import { neuronViewPart } from './neuron-view.js';
import { pngPart } from './png.js';
import { rasterPart } from './raster.js';
import { tilesPart } from './tiles.js';
import type { Lib } from './types.js';

const PARTS: ((lib: Lib) => void)[] = [
  commonPart,
  rasterPart,
  tilesPart,
  headPart,
  modelPart,
  neuronPart,
  neuronCanvasPart,
  neuronViewPart,
  bpePart,
  lossPart,
  pngPart,
  mountPart,
];

let runtime: Lib | undefined;

/** The renderer for this realm, built on first use. */
export function getRuntime(): Lib {
  if (runtime === undefined) {
    const lib = {} as Lib;
    for (const part of PARTS) part(lib);
    runtime = lib;
  }
  return runtime;
}

/** JavaScript source of an expression that evaluates to a fresh renderer (`Lib`). */
export function runtimeSource(): string {
  const body = PARTS.map((part) => `(${part.toString()})(lib);`).join('\n');
  return `(function () {\nvar lib = {};\n${body}\nreturn lib;\n})()`;
}
