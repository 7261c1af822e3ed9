/**
 * The trainer config: minGPT's `Trainer.get_default_config()` keys in camelCase and in the same order, then
 * this package's extensions; checking; and the toolkit's `print(config)` text.
 *
 * Follows `mingpt/trainer.py` (LxMLS toolkit `lxmls/transformers/trainer.py`, identical) and `CfgNode.__str__`
 * of `mingpt/utils.py` (docs/course-behaviour.md §3 and §5).
 */

import { pythonStr, snakeCase } from '@lxmls/base';
import { check, checkInteger, checkNumber } from './errors.js';
import { checkSchedule, type LrSchedule } from './schedule.js';

/** The trainer's configuration. Python: the `CfgNode` of `Trainer.get_default_config()`. */
export interface TrainerConfig {
  /**
   * `'auto'` (default) keeps the tensors where they are and reports the backend of the model's parameters
   * (`js`, `wasm`, …) as the device; any other value is reported as given (`'mps'` in the notebook). A model
   * is not moved: choose the backend with `setBackend` before building it.
   */
  device: string;
  /** Kept for parity and printing; batches are drawn on the main thread (the data is never the bottleneck). */
  numWorkers: number;
  /** Stop after this many iterations; null (Python `None`) runs until {@link Trainer.stop}. */
  maxIters: number | null;
  /** Examples per batch. */
  batchSize: number;
  /** The base learning rate (prints as `0.0003`). */
  learningRate: number;
  /** AdamW's β1 and β2 (prints as the tuple `(0.9, 0.95)`). */
  betas: [number, number];
  /** Decoupled weight decay of the decayed group (only matmul weights, when the model says so). */
  weightDecay: number;
  /** The maximum global gradient L2 norm; 0 or null turns clipping off. */
  gradNormClip: number | null;
  /** Extension: AdamW's eps (torch's default 1e-8). */
  eps: number;
  /** Extension: the learning-rate schedule; `'constant'` as the toolkit. */
  lrSchedule: LrSchedule;
  /** Extension: the seed of the trainer's own generator (the random sampler of `get`/`getItem` datasets). */
  seed: number;
  /**
   * Extension: `run()` yields to the event loop (a macrotask) when this many milliseconds have passed since
   * the last yield, so a page stays responsive and {@link Trainer.stop} can be called; 0 yields after every
   * iteration, null never (stop from a callback then).
   */
  yieldEvery: number | null;
}

/** The keys of minGPT's config, in its order; the printer shows these. */
const TOOLKIT_KEYS = [
  'device',
  'numWorkers',
  'maxIters',
  'batchSize',
  'learningRate',
  'betas',
  'weightDecay',
  'gradNormClip',
] as const;
const EXTENSION_KEYS = ['eps', 'lrSchedule', 'seed', 'yieldEvery'] as const;
const KEYS: readonly string[] = [...TOOLKIT_KEYS, ...EXTENSION_KEYS];
/** Keys whose numbers are Python floats (`grad_norm_clip: 1.0`, while `max_iters: 2000`). */
const FLOAT_KEYS = new Set(['learningRate', 'betas', 'weightDecay', 'gradNormClip', 'eps']);

/**
 * The default config, minGPT's values first: device `'auto'`, numWorkers 4, maxIters null, batchSize 64,
 * learningRate 3e-4, betas [0.9, 0.95], weightDecay 0.1, gradNormClip 1.0; then eps 1e-8, lrSchedule
 * `'constant'`, seed 0 and yieldEvery 15 (ms).
 *
 * @returns A new object: change it, then pass it to `new Trainer(config, model, dataset)`.
 * @remarks Python: `Trainer.get_default_config()`.
 * @example
 * ```ts
 * import { getDefaultTrainerConfig } from '@lxmls/trainer';
 * const config = getDefaultTrainerConfig();
 * config.learningRate = 5e-4;
 * console.log(Object.keys(config).join(' '));
 * // → device numWorkers maxIters batchSize learningRate betas weightDecay gradNormClip eps lrSchedule seed yieldEvery
 * ```
 */
export function getDefaultTrainerConfig(): TrainerConfig {
  return {
    // device to train on
    device: 'auto',
    // dataloder parameters
    numWorkers: 4,
    // optimizer parameters
    maxIters: null,
    batchSize: 64,
    learningRate: 3e-4,
    betas: [0.9, 0.95],
    weightDecay: 0.1, // only applied on matmul weights
    gradNormClip: 1.0,
    // extensions
    eps: 1e-8,
    lrSchedule: 'constant',
    seed: 0,
    yieldEvery: 15,
  };
}

/**
 * Checks a config (a full one, or a partial one completed from the defaults) and returns a checked copy.
 * @internal
 */
export function resolveTrainerConfig(fn: string, config: unknown): TrainerConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    check.fail(
      fn,
      'config',
      config,
      'config is not an object',
      'a TrainerConfig (Trainer.getDefaultConfig())',
      { code: 'INVALID_CONFIG' },
    );
  const unknown = Object.keys(config).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0)
    check.fail(
      fn,
      unknown[0]!,
      undefined,
      `config has an unknown key '${unknown[0]}'`,
      `only ${KEYS.join(', ')}`,
      { code: 'INVALID_CONFIG', received: unknown.join(', ') },
    );
  const c = { ...getDefaultTrainerConfig(), ...(config as Partial<TrainerConfig>) };
  const bad = 'INVALID_CONFIG';
  if (typeof c.device !== 'string' || c.device === '')
    check.fail(fn, 'device', c.device, 'device is not a device name', "'auto' or a name", { code: bad });
  checkInteger(fn, 'numWorkers', c.numWorkers, 0, undefined, bad);
  if (c.maxIters !== null) checkInteger(fn, 'maxIters', c.maxIters, 0, undefined, bad);
  checkInteger(fn, 'batchSize', c.batchSize, 1, undefined, bad);
  checkNumber(fn, 'learningRate', c.learningRate, 0, undefined, bad);
  if (!Array.isArray(c.betas) || c.betas.length !== 2)
    check.fail(fn, 'betas', c.betas, 'betas is not a pair', 'two numbers in [0, 1)', { code: bad });
  checkNumber(fn, 'betas[0]', c.betas[0], 0, 1 - Number.EPSILON, bad);
  checkNumber(fn, 'betas[1]', c.betas[1], 0, 1 - Number.EPSILON, bad);
  checkNumber(fn, 'weightDecay', c.weightDecay, 0, undefined, bad);
  if (c.gradNormClip !== null) checkNumber(fn, 'gradNormClip', c.gradNormClip, 0, undefined, bad);
  checkNumber(fn, 'eps', c.eps, 0, undefined, bad);
  checkSchedule(fn, c.lrSchedule, c.learningRate, c.maxIters);
  checkInteger(fn, 'seed', c.seed, 0, 0xffffffff, bad);
  if (c.yieldEvery !== null) checkNumber(fn, 'yieldEvery', c.yieldEvery, 0, undefined, bad);
  return { ...c, betas: [c.betas[0], c.betas[1]] };
}

/** Options of {@link formatTrainerConfig}. */
export interface FormatTrainerConfigOptions {
  /** Also print this package's extension keys (eps, lr_schedule, seed, yield_every); default false. */
  extensions?: boolean;
}

/**
 * The config as the toolkit prints it (`print(train_config)` of a `CfgNode`): one `key: value` line per
 * minGPT key, in order, with snake_case names and Python values (`None`, `0.0003`, `(0.9, 0.95)`, `1.0`).
 * The text ends in a newline, so `console.log` shows the same blank line as Python's `print`.
 *
 * @param config - A trainer config.
 * @param options - `extensions`: also print the extension keys.
 * @returns The text.
 * @remarks Python: `CfgNode.__str__` (`mingpt/utils.py`) of the trainer config.
 * @example
 * ```ts
 * import { formatTrainerConfig, Trainer } from '@lxmls/trainer';
 * const config = Trainer.getDefaultConfig();
 * console.log(JSON.stringify(formatTrainerConfig(config)));
 * // → "device: auto\nnum_workers: 4\nmax_iters: None\nbatch_size: 64\nlearning_rate: 0.0003\nbetas: (0.9, 0.95)\nweight_decay: 0.1\ngrad_norm_clip: 1.0\n"
 * config.maxIters = 2000;
 * config.gradNormClip = 1;
 * const lines = formatTrainerConfig(config, { extensions: true }).split('\n');
 * console.log(lines[2], lines[7]); // → max_iters: 2000 grad_norm_clip: 1.0
 * console.log(lines.slice(8)); // → [ 'eps: 1e-08', 'lr_schedule: constant', 'seed: 0', 'yield_every: 15', '' ]
 * ```
 */
export function formatTrainerConfig(config: TrainerConfig, options: FormatTrainerConfigOptions = {}): string {
  const keys: readonly string[] = options.extensions ? KEYS : TOOLKIT_KEYS;
  let text = '';
  for (const key of keys) {
    if (!(key in config)) continue;
    let value = (config as unknown as Record<string, unknown>)[key];
    if (typeof value === 'function') value = '<function>';
    text += `${snakeCase(key)}: ${pythonStr(value, FLOAT_KEYS.has(key), key === 'betas')}\n`;
  }
  return text;
}
