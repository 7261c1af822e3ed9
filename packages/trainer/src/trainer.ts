/**
 * The Trainer: minGPT's boilerplate training loop, which knows nothing about GPT. Each iteration draws a
 * batch, runs `model.forward(x, y)`, back-propagates, clips the global gradient norm, steps AdamW and calls
 * the `on_batch_end` callbacks.
 *
 * Follows `mingpt/trainer.py` (LxMLS toolkit `lxmls/transformers/trainer.py`, identical;
 * docs/course-behaviour.md §3) step by step. The differences are forced by JavaScript or are extensions:
 * `run()` is async and yields to the event loop now and then (a browser page stays responsive, and `stop()`
 * can end a run cleanly); `trainer.loss` is a number, not a tensor; each iteration runs inside `tidy`, so
 * memory stays flat; there is a learning-rate schedule (constant by default, as the toolkit) and checkpoints
 * that resume a run bit-identically.
 *
 * On a backend whose reads are asynchronous (`capabilities.async`: WebGPU, where `item()` throws), an
 * iteration is recorded without reading anything (the gradient clip stays in tensors,
 * `clipGradNormTensor`) and its loss is read afterwards with `await dataAsync()`, every iteration by default
 * or every `readLossEvery` iterations (TrainerOptions), so the GPU is not waited on between the others.
 */

import {
  concat,
  getGenerator,
  keep,
  noGrad,
  RandomGenerator,
  reshape,
  type Tensor,
  tensor,
  tidy,
} from '@lxmls/tensor';
import type { CheckpointParts, ResumeState } from './checkpoint.js';
import { clipGradNorm, clipGradNormTensor } from './clip.js';
import { getDefaultTrainerConfig, resolveTrainerConfig, type TrainerConfig } from './config.js';
import { BatchLoader, checkDataset, type TrainerDataset } from './data.js';
import { check, LxmlsTrainerError } from './errors.js';
import { lossTensor, lossValue } from './evaluate.js';
import { checkModel, parameterGroups, type TrainableModel } from './model.js';
import type { AdamWState } from './optimizer.js';
import { AdamW } from './optimizer.js';
import { learningRateAt } from './schedule.js';
import { yieldToEventLoop } from './yield.js';

/**
 * A trainer event. The trainer fires `'on_batch_end'` (alias `'onBatchEnd'`) after every optimizer step, as
 * minGPT; any other name may be registered and fired with {@link Trainer.triggerCallbacks}.
 */
export type TrainerEvent = 'on_batch_end' | 'onBatchEnd' | (string & {});

/** A callback: called with the trainer; a returned promise is awaited before the loop goes on. */
export type TrainerCallback<M extends TrainableModel = TrainableModel> = (
  trainer: Trainer<M>,
) => void | Promise<void>;

/** Options of the {@link Trainer} constructor. */
export interface TrainerOptions {
  /** Receives the lines the toolkit prints (`running on device cpu`); libraries never print themselves. */
  log?: (line: string) => void;
  /**
   * Receives a notice the user should see, once, at construction: `SLOW_BACKEND` when the model's parameters
   * live on the `js` reference backend (plain loops: training is many times slower than on `wasm`, usually
   * because `import '@lxmls/backend-wasm/register'` was forgotten). Without it, the notice goes to `log` as a
   * line starting with `note: `.
   */
  onNotice?: (notice: TrainerNotice) => void;
  /**
   * On a backend whose reads are asynchronous (`capabilities.async`, e.g. `webgpu`): read the loss (and the
   * gradient norm) after every `readLossEvery`-th iteration only (those whose `iterNum` is a multiple of it,
   * and the last), so the iterations in between are recorded back to back and the GPU is never waited on.
   * Callbacks still run after every iteration; between reads `trainer.loss` holds the last loss read and
   * `trainer.lossIterNum` its iteration. Default 1: every iteration is read (its callbacks see its own
   * loss, as on the CPU backends). Ignored on backends with synchronous reads (`js`, `wasm`), where the loss
   * is read inside every iteration as minGPT does.
   */
  readLossEvery?: number;
}

/** A notice of {@link TrainerOptions.onNotice}: a stable `code` and a sentence for people. */
export interface TrainerNotice {
  /** `SLOW_BACKEND`: training on the `js` reference backend. */
  code: 'SLOW_BACKEND';
  /** What is happening and what to do. */
  message: string;
}

/** What {@link Trainer.run} resolves with. */
export interface RunSummary {
  /** Iterations done by this call. */
  iterations: number;
  /** The trainer's `iterNum` at the end: iterations done since the run (or the resumed run) began. */
  iterNum: number;
  /** The last training loss (NaN if no iteration ran). */
  loss: number;
  /** True when {@link Trainer.stop} ended the run before `maxIters`. */
  stopped: boolean;
  /** Wall-clock seconds of this call. */
  seconds: number;
}

/** `'onBatchEnd'` → `'on_batch_end'`: camelCase event names are aliases of minGPT's snake_case ones. */
function eventName(fn: string, event: unknown): string {
  if (typeof event !== 'string' || event === '')
    check.fail(
      fn,
      'event',
      event,
      'event is not an event name',
      "a name such as 'on_batch_end' (or 'onBatchEnd')",
    );
  return /^on[A-Z]/.test(event) ? event.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : event;
}

function checkCallback(fn: string, callback: unknown): void {
  if (typeof callback !== 'function')
    check.fail(fn, 'callback', callback, 'callback is not a function', 'a function (trainer) => void');
}

const now = (): number => performance.now() / 1000; // seconds, as Python's time.time()

/**
 * The training loop of minGPT / the LxMLS toolkit.
 *
 * @remarks Python: `mingpt.trainer.Trainer(config, model, train_dataset)`.
 * @example
 * ```ts
 * import { FIXED_PROBA, WeatherDataset } from '@lxmls/weather-data';
 * import { Embedding, Module } from '@lxmls/nn';
 * import { crossEntropy, manualSeed, type Tensor } from '@lxmls/tensor';
 * import { Trainer } from '@lxmls/trainer';
 * // a bigram model (logits of the next token from the current one) trained on the weather data
 * class Bigram extends Module {
 *   readonly table = this.registerModule('table', new Embedding(8, 8));
 *   forward(x: Tensor, y: Tensor) {
 *     const logits = this.table.forward(x); // (B, T, 8)
 *     return { logits, loss: crossEntropy(logits, y) };
 *   }
 * }
 * manualSeed(0);
 * const config = Trainer.getDefaultConfig();
 * config.maxIters = 200;
 * config.learningRate = 5e-2;
 * const trainer = new Trainer(config, new Bigram(), new WeatherDataset('train', { proba: FIXED_PROBA, seed: 0 }));
 * const losses: number[] = [];
 * trainer.setCallback('on_batch_end', (t) => {
 *   if (t.iterNum % 100 === 0) losses.push(t.loss);
 * });
 * const summary = await trainer.run();
 * console.log(summary.iterations, losses.length, losses[1]! < losses[0]!); // → 200 2 true
 * ```
 */
export class Trainer<M extends TrainableModel = TrainableModel> {
  /** The config (a checked copy; changes made before `run()` apply, and are checked again then). */
  readonly config: TrainerConfig;
  /** The model. */
  readonly model: M;
  /** The training dataset. Python: `train_dataset`. */
  readonly trainDataset: TrainerDataset;
  /** The AdamW built by the last `run()` (afresh on every run, as minGPT), or null before. */
  optimizer: AdamW | null = null;
  /** Event → callbacks, in call order. Python: `callbacks` (a `defaultdict(list)`). */
  readonly callbacks = new Map<string, TrainerCallback<M>[]>();
  /** `config.device`, with `'auto'` resolved to the backend of the model's parameters (`js`, `wasm`, …). */
  readonly device: string;
  /** The random source of the sampler of an indexed dataset, seeded with `config.seed`. */
  readonly generator: RandomGenerator;
  /** The current iteration, from 0; callbacks see it before the increment. Python: `iter_num`. */
  iterNum = 0;
  /** The time of the last iteration's end, in seconds. Python: `iter_time`. */
  iterTime = 0;
  /** The duration of the last iteration, in seconds (0 on the first). Python: `iter_dt`. */
  iterDt = 0;
  /** The last iteration's training loss, a number (Python keeps the tensor: `trainer.loss.item()`). */
  loss = Number.NaN;
  /**
   * The iteration whose loss {@link Trainer.loss} holds: `iterNum` inside a callback, except on a backend
   * with asynchronous reads and `readLossEvery` > 1, where it is the last iteration read.
   */
  lossIterNum = -1;
  /** The last iteration's global gradient norm before clipping (NaN when clipping is off). */
  gradNorm = Number.NaN;
  /** The learning rate of the last iteration. */
  lr: number;

  /**
   * The default config (see {@link getDefaultTrainerConfig}).
   *
   * @returns A new config object.
   * @remarks Python: `Trainer.get_default_config()`.
   * @example
   * ```ts
   * import { Trainer } from '@lxmls/trainer';
   * const c = Trainer.getDefaultConfig();
   * console.log(c.device, c.numWorkers, c.maxIters, c.batchSize, c.learningRate, c.betas, c.weightDecay, c.gradNormClip);
   * // → auto 4 null 64 0.0003 [ 0.9, 0.95 ] 0.1 1
   * ```
   */
  static getDefaultConfig(): TrainerConfig {
    return getDefaultTrainerConfig();
  }

  #running = false;
  #stopRequested = false;
  /** Iterations completed (what a checkpoint records): `iterNum + 1` inside a callback. */
  #completed = 0;
  #resume: ResumeState | null = null;
  readonly #readLossEvery: number;

  /**
   * @param config - A config from {@link Trainer.getDefaultConfig} (or a partial one, completed from it).
   * @param model - The model (see {@link TrainableModel}).
   * @param trainDataset - A batch sampler or an indexed dataset (see {@link TrainerDataset}).
   * @param options - `log`: receives `running on device …`, which the toolkit prints; `onNotice`: the
   *   `SLOW_BACKEND` notice on the `js` reference backend (to `log` when not given); `readLossEvery`: how
   *   often the loss is read on a backend with asynchronous reads.
   * @throws {@link LxmlsTrainerError} `INVALID_CONFIG`, `INVALID_MODEL` or `INVALID_DATASET`;
   *   `INVALID_ARGUMENT` for a `readLossEvery` that is not a positive integer.
   */
  constructor(
    config: Partial<TrainerConfig>,
    model: M,
    trainDataset: TrainerDataset,
    options: TrainerOptions = {},
  ) {
    const fn = 'Trainer';
    this.config = resolveTrainerConfig(fn, config);
    this.model = checkModel(fn, model) as M;
    this.trainDataset = checkDataset(fn, trainDataset, 'trainDataset');
    // determine the device we'll train on: tensors stay on the backend they were made on
    const first = model.parameters()[0];
    this.device = this.config.device === 'auto' ? (first?.backend.name ?? 'cpu') : this.config.device;
    options.log?.(`running on device ${this.device}`);
    if (first?.backend.name === 'js') {
      const notice: TrainerNotice = {
        code: 'SLOW_BACKEND',
        message:
          "training on the js reference backend (plain loops), many times slower than wasm: import '@lxmls/backend-wasm/register' (or call setBackend('wasm')) before creating the model",
      };
      if (options.onNotice) options.onNotice(notice);
      else options.log?.(`note: ${notice.message}`);
    }
    const readLossEvery = options.readLossEvery ?? 1;
    if (!Number.isInteger(readLossEvery) || readLossEvery < 1)
      check.fail(
        fn,
        'options.readLossEvery',
        readLossEvery,
        'readLossEvery is not a positive integer',
        'an integer ≥ 1',
      );
    this.#readLossEvery = readLossEvery;
    this.generator = new RandomGenerator(this.config.seed);
    this.lr = this.config.learningRate;
  }

  /** True while `run()` is in progress. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Adds a callback for an event (after those already there).
   *
   * @param event - `'on_batch_end'` or its alias `'onBatchEnd'` (or any name fired with `triggerCallbacks`).
   * @param callback - Called with the trainer.
   * @throws {@link LxmlsTrainerError} `INVALID_ARGUMENT` for a bad event or callback.
   * @remarks Python: `Trainer.add_callback(onevent, callback)`.
   * @example
   * ```ts
   * import { Linear } from '@lxmls/nn';
   * import { Trainer } from '@lxmls/trainer';
   * const t = new Trainer({}, Object.assign(new Linear(1, 1), { forward: () => ({ loss: null }) }), { length: 1, get: () => ({ x: [0], y: [0] }) });
   * t.addCallback('on_batch_end', () => {});
   * t.addCallback('onBatchEnd', () => {});
   * console.log(t.callbacks.get('on_batch_end')?.length); // → 2
   * ```
   */
  addCallback(event: TrainerEvent, callback: TrainerCallback<M>): void {
    const name = eventName('Trainer.addCallback', event);
    checkCallback('Trainer.addCallback', callback);
    const list = this.callbacks.get(name);
    if (list) list.push(callback);
    else this.callbacks.set(name, [callback]);
  }

  /**
   * Replaces the callbacks of an event by one.
   *
   * @param event - `'on_batch_end'` or `'onBatchEnd'` (or any name).
   * @param callback - Called with the trainer.
   * @throws {@link LxmlsTrainerError} `INVALID_ARGUMENT` for a bad event or callback.
   * @remarks Python: `Trainer.set_callback(onevent, callback)`.
   * @example
   * ```ts
   * import { Linear } from '@lxmls/nn';
   * import { Trainer } from '@lxmls/trainer';
   * const t = new Trainer({}, Object.assign(new Linear(1, 1), { forward: () => ({ loss: null }) }), { length: 1, get: () => ({ x: [0], y: [0] }) });
   * t.addCallback('on_batch_end', () => {});
   * t.setCallback('onBatchEnd', () => {});
   * console.log(t.callbacks.get('on_batch_end')?.length); // → 1
   * ```
   */
  setCallback(event: TrainerEvent, callback: TrainerCallback<M>): void {
    const name = eventName('Trainer.setCallback', event);
    checkCallback('Trainer.setCallback', callback);
    this.callbacks.set(name, [callback]);
  }

  /**
   * Calls the callbacks of an event in order, awaiting those that return a promise.
   *
   * @param event - The event.
   * @returns A promise that settles when every callback has run.
   * @remarks Python: `Trainer.trigger_callbacks(onevent)`.
   */
  async triggerCallbacks(event: TrainerEvent): Promise<void> {
    const list = this.callbacks.get(eventName('Trainer.triggerCallbacks', event));
    if (!list) return;
    for (const callback of [...list]) {
      const result = callback(this);
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') await result;
    }
  }

  /**
   * Asks a running `run()` to end after the current iteration (its callbacks included). Does nothing when
   * no run is in progress.
   *
   * @example
   * ```ts
   * import { Embedding, Module } from '@lxmls/nn';
   * import { crossEntropy, type Tensor } from '@lxmls/tensor';
   * import { Trainer } from '@lxmls/trainer';
   * class Bigram extends Module {
   *   readonly table = this.registerModule('table', new Embedding(4, 4));
   *   forward(x: Tensor, y: Tensor) {
   *     return { loss: crossEntropy(this.table.forward(x), y) }; // logits (B, T, 4)
   *   }
   * }
   * const cycle = { length: 4, get: (i: number) => ({ x: [i], y: [(i + 1) % 4] }) };
   * const trainer = new Trainer({ batchSize: 8 }, new Bigram(), cycle);
   * trainer.setCallback('onBatchEnd', (t) => {
   *   if (t.iterNum === 9) t.stop();
   * });
   * const summary = await trainer.run(); // maxIters null: runs until stopped
   * console.log(summary.iterations, summary.stopped, trainer.iterNum); // → 10 true 10
   * ```
   */
  stop(): void {
    if (this.#running) this.#stopRequested = true;
  }

  /**
   * Trains: builds AdamW afresh from the model's parameter groups, puts the model in training mode, sets
   * `iterNum` to 0 (or to the iteration a loaded checkpoint reached, keeping its optimizer state), then
   * loops: batch → `forward(x, y)` → zero grads → `backward()` → clip the global gradient norm → AdamW step
   * → `on_batch_end` callbacks (seeing `iterNum` before the increment; `iterDt` 0 on the first) → increment.
   * It ends when `iterNum >= maxIters` (after one iteration at least, as the toolkit) or after `stop()`.
   *
   * Each iteration runs inside `tidy`, so memory stays flat. Every `config.yieldEvery` ms the loop awaits a
   * macrotask (`setImmediate` in Node, a `MessageChannel` message in browsers), which costs microseconds.
   *
   * On a backend with asynchronous reads (`capabilities.async`: `webgpu`, `tfjs-webgpu`, `tfjs-webgl`) the
   * iteration is recorded without a read: the gradient norm is clipped with tensor ops
   * ({@link clipGradNormTensor}), then the loss and the norm are read together with one `await dataAsync()`
   * after the AdamW step (every `readLossEvery` iterations, see {@link TrainerOptions}), before the
   * callbacks. A non-finite loss is therefore found after the step that used it (`NOT_FINITE` all the same).
   *
   * @returns A summary: iterations done, the final `iterNum`, the last loss, whether it was stopped, seconds.
   * @throws {@link LxmlsTrainerError} `ALREADY_RUNNING` during a run; `INVALID_CONFIG` for a config changed
   *   into a bad one; `INVALID_MODEL` when forward gives no loss; `INVALID_DATASET` for malformed batches;
   *   `NOT_FINITE` when the loss becomes NaN or ±Infinity (the run stops before stepping on it).
   *   A callback's error ends the run and is passed on.
   * @remarks Python: `Trainer.run()`.
   */
  async run(): Promise<RunSummary> {
    const fn = 'Trainer.run';
    if (this.#running) {
      throw new LxmlsTrainerError('ALREADY_RUNNING', 'a run is in progress', {
        fn,
        expected: 'run() after the previous run() settled (or stop() it first)',
        received: 'a second call',
      });
    }
    const config = resolveTrainerConfig(fn, this.config);
    Object.assign(this.config, config);
    const model = this.model;
    const started = now();
    this.#running = true;
    this.#stopRequested = false;
    let iterations = 0;
    try {
      // setup the optimizer (afresh, as minGPT; a loaded checkpoint's state is put in)
      const groups = parameterGroups(model, {
        weightDecay: config.weightDecay,
        learningRate: config.learningRate,
        betas: config.betas,
      });
      this.optimizer?.dispose();
      const optimizer = new AdamW(groups, { lr: config.learningRate, betas: config.betas, eps: config.eps });
      this.optimizer = optimizer;
      const resume = this.#resume;
      this.#resume = null;
      if (resume) {
        try {
          optimizer.loadState(resume.optimizerState);
        } finally {
          for (const s of resume.optimizerState.values()) {
            s.m.dispose();
            s.v.dispose();
          }
        }
      }
      // setup the dataloader
      const loader = new BatchLoader(this.trainDataset, config.batchSize, this.generator);
      const params = model.parameters();

      model.train();
      this.iterNum = resume ? resume.iterNum : 0;
      this.#completed = this.iterNum;
      this.iterTime = now();
      this.iterDt = 0;
      if (resume && config.maxIters !== null && this.iterNum >= config.maxIters) {
        return this.#summary(0, started);
      }
      const asyncReads = params[0]?.backend.capabilities.async === true;
      const clip = config.gradNormClip !== null && config.gradNormClip > 0;
      let lastYield = performance.now();
      for (;;) {
        this.lr = learningRateAt(config.lrSchedule, this.iterNum, config.learningRate, config.maxIters);
        optimizer.lr = this.lr;
        if (!asyncReads) {
          tidy(() => {
            // fetch the next batch (x, y)
            const batch = loader.next();
            const x = tensor(batch.x, batch.shape, 'int32'); // (B, T)
            const y = tensor(batch.y, batch.shape, 'int32'); // (B, T)
            // forward the model
            const out = model.forward(x, y);
            const loss = out?.loss as Tensor;
            this.loss = lossValue(fn, out);
            this.lossIterNum = this.iterNum;
            if (!Number.isFinite(this.loss)) this.#diverged(fn);
            // backprop and update the parameters
            for (const p of params) p.zeroGrad(); // model.zero_grad(set_to_none=True)
            loss.backward();
            this.gradNorm = clip ? clipGradNorm(params, config.gradNormClip!) : Number.NaN;
            optimizer.step();
          });
        } else {
          // the same iteration recorded without a read; the loss and the norm come back afterwards
          this.#unread?.dispose();
          this.#unread = tidy(() => {
            const batch = loader.next();
            const x = tensor(batch.x, batch.shape, 'int32'); // (B, T)
            const y = tensor(batch.y, batch.shape, 'int32'); // (B, T)
            const loss = lossTensor(fn, model.forward(x, y));
            for (const p of params) p.zeroGrad();
            loss.backward();
            const norm = clip ? clipGradNormTensor(params, config.gradNormClip!) : null; // ()
            optimizer.step();
            // (1,) the loss, or (2,) the loss and the norm before clipping: one read for both
            return keep(noGrad(() => concat([reshape(loss, [1]), ...(norm ? [reshape(norm, [1])] : [])])));
          });
          this.#unreadIter = this.iterNum;
          const last = config.maxIters !== null && this.iterNum + 1 >= config.maxIters;
          if (last || this.iterNum % this.#readLossEvery === 0) await this.#readLoss(fn);
        }
        iterations++;
        this.#completed = this.iterNum + 1;
        await this.triggerCallbacks('on_batch_end');
        this.iterNum += 1;
        const tnow = now();
        this.iterDt = tnow - this.iterTime;
        this.iterTime = tnow;
        // termination conditions
        if (config.maxIters !== null && this.iterNum >= config.maxIters) break;
        if (this.#stopRequested) break;
        if (config.yieldEvery !== null && performance.now() - lastYield >= config.yieldEvery) {
          await yieldToEventLoop();
          lastYield = performance.now();
          if (this.#stopRequested) break;
        }
      }
      // asynchronous reads: the last iteration's loss, when it was not read yet (a stop between reads)
      if (this.#unread !== null) await this.#readLoss(fn);
      return this.#summary(iterations, started);
    } finally {
      this.#unread?.dispose();
      this.#unread = null;
      this.#running = false;
    }
  }

  /** Asynchronous reads: the loss (and gradient norm) of the last recorded iteration, not read yet. */
  #unread: Tensor | null = null;
  /** The iteration of {@link Trainer.#unread}. */
  #unreadIter = -1;

  /** Reads {@link Trainer.#unread} (one `dataAsync`) into `loss`, `gradNorm` and `lossIterNum`. */
  async #readLoss(fn: string): Promise<void> {
    const unread = this.#unread!;
    this.#unread = null;
    let values: ArrayLike<number>;
    try {
      values = await unread.dataAsync();
    } finally {
      unread.dispose();
    }
    this.loss = values[0]!;
    this.gradNorm = values.length > 1 ? values[1]! : Number.NaN;
    this.lossIterNum = this.#unreadIter;
    if (!Number.isFinite(this.loss)) this.#diverged(fn, this.#unreadIter);
  }

  /** Stops a run whose loss is NaN or ±Infinity: `NOT_FINITE`, naming the iteration and the learning rate. */
  #diverged(fn: string, iter = this.iterNum): never {
    check.fail(
      fn,
      'loss',
      this.loss,
      `the training loss is not finite at iteration ${iter}`,
      'a finite loss',
      {
        code: 'NOT_FINITE',
        received: String(this.loss),
        hint: `The run diverged (learning rate ${this.lr}): lower the learning rate, or check the data and the model's weights.`,
      },
    );
  }

  #summary(iterations: number, started: number): RunSummary {
    return {
      iterations,
      iterNum: this.iterNum,
      loss: this.loss,
      stopped: this.#stopRequested,
      seconds: now() - started,
    };
  }

  /**
   * What a checkpoint saves (used by `saveCheckpoint(trainer)`): the model, the optimizer state (that of
   * the last run, or of a loaded checkpoint not yet resumed), the iterations completed (`iterNum + 1` inside
   * a callback, since that iteration's step is done), the random generators (the global one, which dropout
   * uses, and the trainer's sampler), the dataset (for its random state) and the config.
   *
   * @returns The parts.
   */
  checkpointParts(): CheckpointParts {
    const optimizerState: AdamWState | null = this.#resume?.optimizerState ?? this.optimizer?.state() ?? null;
    return {
      model: this.model,
      optimizerState,
      iterNum: this.#resume?.iterNum ?? (this.#running ? this.#completed : this.iterNum),
      generators: { global: getGenerator(), sampler: this.generator },
      dataset: this.trainDataset,
      config: this.config,
    };
  }

  /**
   * Takes the state of a loaded checkpoint (used by `loadCheckpoint(trainer, files)`): the next `run()`
   * starts at `state.iterNum` with this optimizer state instead of from scratch. The trainer owns the
   * tensors of `state` from now on.
   *
   * @param state - The iterations completed and the optimizer state.
   * @throws {@link LxmlsTrainerError} `ALREADY_RUNNING` during a run.
   */
  restoreCheckpoint(state: ResumeState): void {
    if (this.#running) {
      throw new LxmlsTrainerError('ALREADY_RUNNING', 'a checkpoint cannot be loaded during a run', {
        fn: 'loadCheckpoint',
        expected: 'a trainer that is not running',
        received: 'a running trainer',
      });
    }
    for (const s of this.#resume?.optimizerState.values() ?? []) {
      s.m.dispose();
      s.v.dispose();
    }
    this.#resume = state;
    this.iterNum = state.iterNum;
  }
}
