/**
 * Training checkpoints as three files that resume a run bit-identically:
 * - `model.safetensors`: the weights (the model's state dict, PyTorch names), float32;
 * - `optimizer.safetensors`: AdamW's moments, `<name>.exp_avg` and `<name>.exp_avg_sq` per parameter, with
 *   each parameter's step in the metadata;
 * - `trainer.json`: the iterations completed, the random generators' states (the global one that dropout
 *   draws from, the trainer's sampler, the dataset's), the config, and the size and FNV-1a hash of the two
 *   other files, so a set mixed from two saves (a crash between two renames) is detected on load.
 *
 * Bytes only, so this runs in browsers too; `checkpoint-fs.ts` writes and reads folders in Node.
 * The Python toolkit has no checkpoints; the layout follows PyTorch's habit (`model.state_dict()`,
 * `optimizer.state_dict()` with `exp_avg` / `exp_avg_sq` / `step`) in the safetensors format.
 */

import { readSafetensors, writeSafetensors } from '@lxmls/nn';
import { getGenerator, RandomGenerator, type Tensor } from '@lxmls/tensor';
import { datasetState, setDatasetState } from './data.js';
import { check, describe, LxmlsTrainerError } from './errors.js';
import type { TrainableModel } from './model.js';
import type { AdamW, AdamWState } from './optimizer.js';

/** The files of a checkpoint, by name. */
export interface CheckpointFiles {
  /** The weights. */
  'model.safetensors': Uint8Array;
  /** The optimizer's moments and steps. */
  'optimizer.safetensors': Uint8Array;
  /** The iteration, random states, config and file hashes (JSON). */
  'trainer.json': string;
}

/**
 * The names of the files of a checkpoint, in the order {@link writeCheckpoint} writes them (trainer.json last).
 *
 * @example
 * ```ts
 * import { CHECKPOINT_FILES } from '@lxmls/trainer';
 * console.log(CHECKPOINT_FILES); // → [ 'model.safetensors', 'optimizer.safetensors', 'trainer.json' ]
 * ```
 */
export const CHECKPOINT_FILES = ['model.safetensors', 'optimizer.safetensors', 'trainer.json'] as const;

/** What a checkpoint is made of, for a custom loop (a {@link Trainer} gives its own). */
export interface CheckpointParts {
  /**
   * The model (its `stateDict()` if it has one, else its named parameters): any `Module` of @lxmls/nn, or a
   * {@link TrainableModel}; only these two methods are read.
   */
  model: Pick<TrainableModel, 'namedParameters' | 'stateDict'>;
  /** The optimizer, whose state is saved / loaded. */
  optimizer?: AdamW | null;
  /** Or its state directly (takes precedence over `optimizer` when saving). */
  optimizerState?: AdamWState | null;
  /** Iterations completed (default 0). */
  iterNum?: number;
  /**
   * Generators to save and restore, by name. The global generator (`getGenerator()`, which dropout uses)
   * is always saved as `global` and restored, unless this names another one `global`.
   */
  generators?: Readonly<Record<string, RandomGenerator>>;
  /** A dataset whose random state is saved and restored (`getState`/`setState`, or on its `rng`). */
  dataset?: unknown;
  /** The config to record (JSON; functions become `"<function>"`). */
  config?: unknown;
}

/** Something that gives its own parts, such as a {@link Trainer}. */
export interface Checkpointable {
  /** The parts to save. */
  checkpointParts(): CheckpointParts;
  /** Takes the loaded optimizer state and iteration (a trainer resumes from them on its next run). */
  restoreCheckpoint(state: ResumeState): void;
}

/** The state handed to {@link Checkpointable.restoreCheckpoint}: the receiver owns the tensors. */
export interface ResumeState {
  /** Iterations completed. */
  iterNum: number;
  /** The optimizer state (name → step and moments). */
  optimizerState: AdamWState;
}

/** What {@link loadCheckpoint} returns. */
export interface CheckpointInfo {
  /** Iterations completed when it was saved. */
  iterNum: number;
  /** The config recorded (not applied: the receiver's config rules). */
  config: unknown;
  /** Names of the generators restored, and whether the dataset's state was. */
  restored: { generators: string[]; dataset: boolean };
}

const FORMAT = 'lxmls-trainer-checkpoint';
const VERSION = 1;

/**
 * Makes the files of a checkpoint of a trainer (at any time: before, after, or inside a callback of a
 * run) or of the parts of a custom loop.
 *
 * @param source - A {@link Trainer} (or anything {@link Checkpointable}), or {@link CheckpointParts}.
 * @returns The three files' contents.
 * @throws {@link LxmlsTrainerError} `INVALID_ARGUMENT` for a source without a model.
 * @remarks Python: no counterpart in the toolkit; like `torch.save({'model': model.state_dict(),
 *   'optimizer': optimizer.state_dict(), 'iter_num': ...})` in safetensors.
 * @example
 * ```ts
 * import { Linear } from '@lxmls/nn';
 * import { saveCheckpoint } from '@lxmls/trainer';
 * const files = saveCheckpoint({ model: new Linear(2, 1), iterNum: 5 });
 * console.log(Object.keys(files), JSON.parse(files['trainer.json']).iterNum); // → [ 'model.safetensors', 'optimizer.safetensors', 'trainer.json' ] 5
 * ```
 */
export function saveCheckpoint(source: Checkpointable | CheckpointParts): CheckpointFiles {
  const fn = 'saveCheckpoint';
  const parts = partsOf(fn, source);
  const iterNum = parts.iterNum ?? 0;
  const weights =
    typeof parts.model.stateDict === 'function'
      ? parts.model.stateDict()
      : new Map(parts.model.namedParameters());
  const model = writeSafetensors(weights, { format: 'pt', iter_num: String(iterNum) });

  const state = parts.optimizerState ?? parts.optimizer?.state() ?? new Map();
  const moments = new Map<string, Tensor>();
  const steps: Record<string, number> = {};
  for (const [name, s] of state) {
    moments.set(`${name}.exp_avg`, s.m);
    moments.set(`${name}.exp_avg_sq`, s.v);
    steps[name] = s.step;
  }
  const optimizer = writeSafetensors(moments, {
    format: 'lxmls-adamw',
    iter_num: String(iterNum),
    steps: JSON.stringify(steps),
  });

  const generators: Record<string, number[]> = { global: getGenerator().getState() };
  for (const [name, g] of Object.entries(parts.generators ?? {})) generators[name] = g.getState();
  const dataset = parts.dataset === undefined ? undefined : datasetState(parts.dataset);
  const trainer = {
    format: FORMAT,
    version: VERSION,
    iterNum,
    rng: { generators, ...(dataset === undefined ? {} : { dataset }) },
    config: parts.config ?? null,
    files: {
      'model.safetensors': { bytes: model.length, fnv1a32: fnv1a32(model) },
      'optimizer.safetensors': { bytes: optimizer.length, fnv1a32: fnv1a32(optimizer) },
    },
  };
  const json = JSON.stringify(
    trainer,
    (_, v: unknown) =>
      ArrayBuffer.isView(v) ? Array.from(v as Uint32Array) : typeof v === 'function' ? '<function>' : v,
    2,
  );
  return { 'model.safetensors': model, 'optimizer.safetensors': optimizer, 'trainer.json': `${json}\n` };
}

/**
 * Loads a checkpoint into a trainer (whose next `run()` then continues from it: N iterations, save, load,
 * N more give bit for bit the weights of 2N in one go) or into the parts of a custom loop: the weights are
 * copied into the model in place, the optimizer state into the optimizer (or handed to the trainer), and the
 * random generators and the dataset's random state are restored.
 *
 * Everything is checked before anything changes: the format, the two files' sizes and hashes against
 * `trainer.json` (a set mixed from two saves is refused), every weight's name and shape, every moment's.
 *
 * @param target - A {@link Trainer} (or anything {@link Checkpointable}), or {@link CheckpointParts}.
 * @param files - The three files, e.g. from {@link saveCheckpoint} or `readCheckpoint(dir)`.
 * @returns The iterations completed, the recorded config, and what random states were restored.
 * @throws {@link LxmlsTrainerError} `INVALID_CHECKPOINT` for a malformed or inconsistent checkpoint or one
 *   that does not fit the model or optimizer; `ALREADY_RUNNING` for a running trainer.
 * @remarks Python: no counterpart in the toolkit; like `model.load_state_dict(...)` and
 *   `optimizer.load_state_dict(...)`.
 * @example
 * ```ts
 * import { Linear } from '@lxmls/nn';
 * import { loadCheckpoint, saveCheckpoint } from '@lxmls/trainer';
 * const a = new Linear(2, 1);
 * const b = new Linear(2, 1);
 * const info = loadCheckpoint({ model: b }, saveCheckpoint({ model: a, iterNum: 3 }));
 * console.log(info.iterNum, b.weight.toArray()!.toString() === a.weight.toArray()!.toString()); // → 3 true
 * ```
 */
export function loadCheckpoint(
  target: Checkpointable | CheckpointParts,
  files: CheckpointFiles,
): CheckpointInfo {
  const fn = 'loadCheckpoint';
  const parts = partsOf(fn, target);
  const bad = (what: string, expected: string, received: string, argument?: string) =>
    new LxmlsTrainerError('INVALID_CHECKPOINT', what, {
      fn,
      expected,
      received,
      ...(argument ? { argument } : {}),
    });
  if (files === null || typeof files !== 'object')
    throw bad('files is not a checkpoint', 'the three files of saveCheckpoint', describe(files));
  const modelBytes = files['model.safetensors'];
  const optimizerBytes = files['optimizer.safetensors'];
  const json = files['trainer.json'];
  for (const [name, value] of [
    ['model.safetensors', modelBytes],
    ['optimizer.safetensors', optimizerBytes],
  ] as const) {
    if (!(value instanceof Uint8Array))
      throw bad(`${name} is missing`, 'a Uint8Array', describe(value), name);
  }
  let meta: TrainerJson;
  try {
    meta = JSON.parse(
      typeof json === 'string' ? json : new TextDecoder().decode(json as unknown as Uint8Array),
    );
  } catch (cause) {
    check.fail(fn, 'trainer.json', json, 'trainer.json is not JSON', 'the JSON written by saveCheckpoint', {
      code: 'INVALID_CHECKPOINT',
      cause,
    });
  }
  if (
    meta?.format !== FORMAT ||
    meta.version !== VERSION ||
    !Number.isInteger(meta.iterNum) ||
    meta.iterNum < 0
  ) {
    throw bad(
      'trainer.json is not a trainer checkpoint',
      `format '${FORMAT}' version ${VERSION} with an iterNum`,
      `format ${describe(meta?.format)}, version ${describe(meta?.version)}`,
      'trainer.json',
    );
  }
  // the random state is what makes a resume exact: a checkpoint without it (`rng: null`) is refused, not resumed
  const rng = meta.rng as unknown;
  const generators = (rng as TrainerJson['rng'] | null)?.generators as unknown;
  if (!isRecord(rng) || !isRecord(generators) || !Object.values(generators).every(Array.isArray))
    throw bad(
      'trainer.json has no valid random state (rng)',
      'rng: { generators: { name: number[] } } as saveCheckpoint writes it',
      isRecord(rng) ? `rng.generators: ${describe(generators)}` : `rng: ${describe(rng)}`,
      'trainer.json',
    );
  for (const [name, bytes] of [
    ['model.safetensors', modelBytes],
    ['optimizer.safetensors', optimizerBytes],
  ] as const) {
    const expected = meta.files?.[name];
    const hash = fnv1a32(bytes);
    if (!expected || expected.bytes !== bytes.length || expected.fnv1a32 !== hash) {
      throw bad(
        `${name} does not belong with trainer.json (a checkpoint mixed from two saves, or a damaged file)`,
        expected
          ? `${expected.bytes} bytes with FNV-1a ${expected.fnv1a32}`
          : 'a size and hash in trainer.json',
        `${bytes.length} bytes with FNV-1a ${hash}`,
        name,
      );
    }
  }

  // read and check everything before changing anything
  const weights = readChecked(fn, modelBytes, 'model.safetensors');
  const moments = readChecked(fn, optimizerBytes, 'optimizer.safetensors');
  const owned = [...weights.tensors.values(), ...moments.tensors.values()];
  let handedOver = false;
  try {
    const named = new Map(
      typeof parts.model.stateDict === 'function' ? parts.model.stateDict() : parts.model.namedParameters(),
    );
    for (const [name, t] of named) {
      const w = weights.tensors.get(name);
      if (!w)
        throw bad(
          `the weight '${name}' is missing`,
          `every weight of the model`,
          `none named '${name}'`,
          name,
        );
      if (w.shape.join() !== t.shape.join() || w.dtype !== t.dtype) {
        throw bad(
          `the weight '${name}' does not fit`,
          `${t.dtype} [${t.shape.join(', ')}]`,
          `${w.dtype} [${w.shape.join(', ')}]`,
          name,
        );
      }
    }
    const extra = [...weights.tensors.keys()].filter((k) => !named.has(k));
    if (extra.length > 0)
      throw bad(
        'the checkpoint has weights the model lacks',
        'the model’s names only',
        extra.join(', '),
        extra[0],
      );
    let steps: Record<string, number>;
    try {
      steps = JSON.parse(moments.metadata.steps ?? '{}');
    } catch (cause) {
      throw new LxmlsTrainerError('INVALID_CHECKPOINT', 'the steps of optimizer.safetensors are not JSON', {
        fn,
        cause,
      });
    }
    const params = new Map(parts.model.namedParameters());
    const hookless = typeof (target as Partial<Checkpointable>).restoreCheckpoint !== 'function';
    const optimizerState: AdamWState = new Map();
    for (const [name, step] of Object.entries(steps)) {
      const m = moments.tensors.get(`${name}.exp_avg`);
      const v = moments.tensors.get(`${name}.exp_avg_sq`);
      if (!m || !v)
        throw bad(
          `the moments of '${name}' are missing`,
          `${name}.exp_avg and ${name}.exp_avg_sq`,
          'not both',
          name,
        );
      if (!Number.isInteger(step) || step < 1)
        throw bad(`the step of '${name}' is not a count`, 'an integer >= 1', describe(step), name);
      // a trainer's optimizer names the model's parameters (a custom loop's optimizer checks in loadState)
      const p = params.get(name);
      if (!hookless && !p)
        throw bad(
          `the optimizer state names no parameter: '${name}'`,
          'names of the model’s parameters',
          name,
          name,
        );
      if (p && (m.shape.join() !== p.shape.join() || v.shape.join() !== p.shape.join())) {
        throw bad(
          `the optimizer state of '${name}' does not fit`,
          `moments of shape [${p.shape.join(', ')}]`,
          `[${m.shape.join(', ')}] and [${v.shape.join(', ')}]`,
          name,
        );
      }
      optimizerState.set(name, { step, m, v });
    }
    const generatorStates = meta.rng?.generators ?? {};
    const restorable: [string, RandomGenerator][] = [
      ['global', getGenerator()],
      ...Object.entries(parts.generators ?? {}),
    ];
    const byName = new Map(restorable);
    for (const [name, state] of Object.entries(generatorStates)) {
      try {
        new RandomGenerator(0).setState(state); // checked on a scratch generator first
      } catch (cause) {
        check.fail(
          fn,
          name,
          state,
          `the state of the generator '${name}' is malformed`,
          'a RandomGenerator state',
          { code: 'INVALID_CHECKPOINT', cause },
        );
      }
    }
    const hook = (target as Partial<Checkpointable>).restoreCheckpoint;
    if (typeof hook !== 'function' && parts.optimizer) {
      parts.optimizer.loadState(optimizerState); // checks names and shapes before it changes anything
    }

    // now change things
    for (const [name, t] of named) t.copyFrom(weights.tensors.get(name)!);
    const restoredGenerators: string[] = [];
    for (const [name, state] of Object.entries(generatorStates)) {
      const g = byName.get(name);
      if (g) {
        g.setState(state);
        restoredGenerators.push(name);
      }
    }
    const datasetRestored =
      meta.rng?.dataset !== undefined &&
      parts.dataset !== undefined &&
      setDatasetState(parts.dataset, meta.rng.dataset);
    if (typeof hook === 'function') {
      hook.call(target, { iterNum: meta.iterNum, optimizerState });
      handedOver = true;
    }
    return {
      iterNum: meta.iterNum,
      config: meta.config,
      restored: { generators: restoredGenerators, dataset: datasetRestored },
    };
  } finally {
    for (const t of weights.tensors.values()) t.dispose();
    if (!handedOver) for (const t of owned) t.dispose();
  }
}

/** A plain object (not null, not an array). */
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface TrainerJson {
  format: string;
  version: number;
  iterNum: number;
  rng?: { generators?: Record<string, number[]>; dataset?: unknown };
  config: unknown;
  files?: Record<string, { bytes: number; fnv1a32: string }>;
}

function partsOf(fn: string, source: Checkpointable | CheckpointParts): CheckpointParts {
  const parts =
    source !== null &&
    typeof source === 'object' &&
    typeof (source as Checkpointable).checkpointParts === 'function'
      ? (source as Checkpointable).checkpointParts()
      : (source as CheckpointParts);
  const model = (parts as Partial<CheckpointParts> | null)?.model;
  if (!model || typeof model.namedParameters !== 'function')
    check.fail(
      fn,
      'source',
      source,
      'there is no model to save or load',
      'a Trainer, or { model, optimizer?, iterNum?, generators?, dataset?, config? }',
    );
  return parts;
}

function readChecked(fn: string, bytes: Uint8Array, name: string): ReturnType<typeof readSafetensors> {
  try {
    return readSafetensors(bytes, { finite: true }); // NaN weights or moments: refused, not resumed
  } catch (cause) {
    check.fail(
      fn,
      name,
      undefined,
      `${name} is not a safetensors file`,
      'the bytes written by saveCheckpoint',
      { code: 'INVALID_CHECKPOINT', received: (cause as Error).message, cause },
    );
  }
}

/** FNV-1a, 32 bits, as 8 hex digits: a fast fingerprint of a file (not a cryptographic hash). */
function fnv1a32(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
