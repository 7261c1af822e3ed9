/**
 * `lxmls train`: Exercise 3.1 of the notebook from a terminal (gpt-nano on the weather data, cells In [20] to
 * In [23], scored next to the Bayes-optimal figures), and a small GPT trained on any plain text.
 */

import { readFile } from 'node:fs/promises';
import {
  attentionKeyMismatch,
  buildTextTokenizer,
  formatWeatherSummary,
  logLine,
  runWeatherCourse,
  sampleText,
  saveWeatherModel,
  trainText,
  trainTextCompact,
  WEATHER_RECIPES,
  weatherModelConfig,
  weatherScoresRecord,
} from '@lxmls/course';
import { checkTrainingMemory, GPT } from '@lxmls/gpt';
import { type Backend, setBackend } from '@lxmls/tensor';
import type { TrainerNotice } from '@lxmls/trainer';
import { FIXED_PROBA } from '@lxmls/weather-data';
import { COMMON_OPTIONS, type Options, type OptionTable } from '../args.js';
import { chooseBackend, memoryLimit } from '../backends.js';
import { type CommandContext, defineCommand, type RunContext } from '../command.js';
import { CliError } from '../errors.js';
import type { Io, Output } from '../io.js';
import { asCliError } from '../load-model.js';
import { terminalProgress } from '../progress.js';
import { loadStudentAttention, studentFailure } from '../train/student-attention.js';
import { checkOutFolder } from '../write-file.js';

const TEXT_ONLY = [
  'data',
  'tokenizer',
  'vocab-size',
  'model-type',
  'n-layer',
  'n-head',
  'n-embd',
  'block-size',
  'compact-vocab',
  'float16',
] as const;
const COMMON = ['iters', 'batch-size', 'lr', 'seed', 'backend', 'out', 'force', 'json'] as const;

/** The options of `lxmls train`. */
const TRAIN_OPTIONS = {
  recipe: {
    type: 'choice',
    value: 'NAME',
    choices: ['course', 'fast'],
    default: 'course',
    showDefault: false,
    help: `weather: course (default): 2000 iterations, batch 64, constant lr 5e-4 (In [22]).
fast: 500 iterations, batch 64, lr 3e-3 with 30 iterations of warmup and a cosine decay to 3e-4: about a quarter of the course's time, to a held-out loss within 1% of the floor. --iters, --batch-size and --lr change a recipe's numbers.`,
  },
  iters: { type: 'integer', value: 'N', min: 1, max: 1_000_000, help: 'Training iterations (max_iters).' },
  'batch-size': { type: 'integer', value: 'N', min: 1, max: 65_536, help: 'Sequences per batch.' },
  lr: { type: 'number', value: 'LR', above: 0, help: 'The (peak) learning rate.' },
  seed: {
    type: 'integer',
    value: 'S',
    min: 0,
    max: 2 ** 32 - 1,
    default: 42,
    help: "Seeds the model's initialisation and dropout and the training data.",
  },
  backend: COMMON_OPTIONS.backend,
  'eval-samples': { ...COMMON_OPTIONS['eval-samples'], help: 'weather: held-out test sequences to score.' },
  attention: {
    type: 'string',
    value: 'FILE',
    help: "weather: train with the CausalSelfAttention that FILE exports (.ts, .mts, .js or .mjs; it may import @lxmls/tensor, @lxmls/nn, @lxmls/attention and @lxmls/course): a class constructed as new CausalSelfAttention(config, options) whose forward(x) maps (B, T, C) to (B, T, C). It is run once on a (2, 11, 48) input first. Generation then runs without a KV cache (unless the class sets supportsKVCache). With --out, its parameters must have the exercise form's names (query_proj, key_proj, value_proj, output_proj, and the buffer bias), so lxmls eval weather can load them. Training has no time limit: grade the file with lxmls check 2.2 --impl FILE first (it stops an endless loop).",
  },
  out: {
    type: 'string',
    value: 'DIR',
    help: 'Save the trained model there: config.json + model.safetensors (Hugging Face layout), and lxmls.json (weather: the task, the probabilities, how it was trained; read by lxmls eval weather --model DIR) or tokenizer.json (text). The folder is checked before training (writable, not inside a file, empty or new unless --force) and written whole (a temporary folder renamed into place), so it is never half-written.',
  },
  force: COMMON_OPTIONS.force,
  json: {
    type: 'flag',
    help: `Print one JSON line instead of the table (the log lines go to stderr):
weather: {"iters","msPerIter","trainLoss","evalLoss","bayesLoss","labelAccuracy",
"bayesLabelAccuracy","sequenceAccuracy","bayesSequenceAccuracy",...}: the Bayes
figures of the test split (sequence accuracy: greedy decoding, as the model's),
then bayesLossAll and bayesViterbiSequenceAccuracy, recipe, seed, evalSamples, seconds.
text: {"iters","msPerIter","trainLoss","valLoss","vocabSize","parameters","sample"}.`,
  },
  data: {
    type: 'string',
    value: 'FILE',
    empty: true,
    help: 'text: the training text (at least 2 × (block size + 1) tokens).',
  },
  tokenizer: {
    type: 'choice',
    value: 'KIND',
    choices: ['char', 'bpe', 'gpt2'],
    default: 'char',
    showDefault: false,
    help: "text: char (default), bpe (trained on the text) or gpt2 (GPT-2's BPE, 50,257 tokens).",
  },
  'vocab-size': {
    type: 'integer',
    value: 'N',
    min: 257,
    max: 50_000,
    default: 512,
    help: 'text, bpe: the vocabulary size, in [257, 50000].',
  },
  'model-type': {
    type: 'string',
    value: 'TYPE',
    help: 'text: a model type (gpt-nano, gpt-micro, gpt-mini, ...); default gpt-micro (4 layers, 4 heads, 128 channels). --n-layer, --n-head and --n-embd give sizes instead.',
  },
  'n-layer': { type: 'integer', value: 'N', min: 1, max: 96, help: 'text: layers.' },
  'n-head': { type: 'integer', value: 'N', min: 1, max: 96, help: 'text: heads per layer.' },
  'n-embd': { type: 'integer', value: 'N', min: 1, max: 8192, help: 'text: channels.' },
  'block-size': {
    type: 'integer',
    value: 'N',
    min: 1,
    max: 4096,
    default: 64,
    help: 'text: the context length.',
  },
  'compact-vocab': {
    type: 'flag',
    help: "text: train over the ids the text uses only, plus one row shared by all the others (its logit raised by log(their number), so the loss is the full model's), with the lm head tied to the token embedding; saved widened to the whole vocabulary, every absent id's row a copy of the shared one (the fused GPT-2 attention layout).",
  },
  float16: { type: 'flag', help: 'text: save the weights as F16 (half the bytes).' },
} as const satisfies OptionTable;

/** The options of `lxmls train`, checked. */
type TrainOptions = Options<typeof TRAIN_OPTIONS>;

/** Milliseconds per iteration of a run of `iters` iterations that took `seconds`. */
function msPerIteration(seconds: number, iters: number): number {
  return (1000 * seconds) / iters;
}

/**
 * `lxmls train`: see its help (`lxmls help train`).
 *
 * @example
 * ```ts
 * import { trainCommand } from './commands/train.js';
 * console.log(trainCommand.name, trainCommand.optionNames.slice(0, 3)); // → train [ 'recipe', 'iters', 'batch-size' ]
 * ```
 */
export const trainCommand = defineCommand({
  name: 'train',
  summary: 'Train gpt-nano on the weather data (Exercise 3.1), or a small GPT on a text file',
  usage: `lxmls train weather [--recipe course|fast] [--iters 2000] [--batch-size 64] [--lr 5e-4]
                         [--seed 42] [--backend B] [--eval-samples 10000] [--attention FILE] [--out DIR]
                         [--json]
       lxmls train text --data FILE [--tokenizer char|bpe|gpt2] [--vocab-size 512] [--model-type TYPE]
                         [--n-layer N --n-head N --n-embd N] [--block-size 64] [--iters 2000]
                         [--batch-size 32] [--lr 1e-3] [--seed 42] [--backend B] [--out DIR] [--json]
                         [--compact-vocab] [--float16]`,
  description: `weather: Exercise 3.1. Trains gpt-nano (3 layers, 3 heads, 48 channels, dropout 0.1) on the weather HMM
data with the course's fixed_proba, with the trainer of In [22] (AdamW, betas (0.9, 0.95), weight decay 0.1,
gradient clip 1.0). Every 100 iterations it prints the notebook's line
  iter_dt 74.95ms; iter 100: train loss 0.68922
(iter_dt: the time of the previous iteration), then scores the model on --eval-samples held-out test
sequences (always the same ones: the test split drawn with seed 1): the mean loss per label, and the label
and exact-sequence accuracy of greedy decoding, model.generate(x[:, :6], 6), as Training_GPT_sequences.ipynb
does. They are printed next to the Bayes-optimal figures, computed exactly from the HMM, on the test split
(the fair comparison: loss 0.2445) and on all sequences (the course's floor: loss 0.2502, labels 84.90%,
sequences 45.65% greedy / 45.84% Viterbi). A progress bar is shown when stdout is a terminal.
The attention is FusedCausalSelfAttention (the exercise form's query/key/value/output projections on the
fused kernel: the same values and gradients, faster), or with --attention FILE your own CausalSelfAttention
of Exercise 2.2 (lxmls exercise init 2.2 writes the skeleton).

text: trains a GPT on the text of FILE (UTF-8), character-level (default) or with a byte-level BPE of
--vocab-size tokens trained on it; windows of --block-size + 1 tokens drawn at random from the first 90%;
the loss on the last 10% is reported (val loss); a linear warmup over 5% of the run then a cosine decay to a
tenth of --lr. It ends with a 200-token sample. --out DIR saves config.json, model.safetensors and
tokenizer.json: lxmls generate --model DIR then uses that tokenizer (with --tokenizer gpt2 no tokenizer.json
is written: GPT-2's BPE is the default of a folder without one).`,
  options: TRAIN_OPTIONS,
  subcommands: {
    weather: [...COMMON, 'recipe', 'eval-samples', 'attention'],
    text: [...COMMON, ...TEXT_ONLY],
  },
  notes: `Exit code 2 with one line on stderr for: a task other than weather or text, an option out of range, a
missing or unreadable --data file, a text too short for the block size, a folder that cannot be written;
--attention: a missing file, a syntax error (file:line:col), a file without the CausalSelfAttention export
(its expected signature named), an error thrown by it (at its file:line:col), an output of the wrong shape.`,
  examples: [
    'lxmls train weather',
    'lxmls train weather --recipe fast --json',
    'lxmls train weather --iters 300 --out ./my-weather && lxmls eval weather --model ./my-weather',
    'lxmls exercise init 2.2 && lxmls train weather --attention causal-self-attention.ts',
    'lxmls train text --data tinyshakespeare.txt --iters 2000 --out ./my-shakespeare',
    'lxmls train text --data tinyshakespeare.txt --tokenizer gpt2 --compact-vocab --float16 --out ./my-gpt2-verse',
    'lxmls generate --model ./my-shakespeare --max-new-tokens 200',
  ],
  run: async (o, [task, extra], context) => {
    if (task !== 'weather' && task !== 'text')
      throw new CliError(
        task === undefined
          ? 'missing TASK: lxmls train weather or lxmls train text --data FILE'
          : `unknown task ${JSON.stringify(task)}. Expected weather or text`,
      );
    if (extra !== undefined) throw new CliError(`unexpected argument ${JSON.stringify(extra)}`);
    return task === 'weather' ? trainWeatherTask(o, context) : trainTextTask(o, context);
  },
});

/**
 * Prints the log lines and, on a terminal, a progress bar redrawn in place. With `--json` the log lines go to
 * stderr, so that stdout holds the JSON line alone (`JSON.parse(stdout)` works).
 */
function reporter(out: Output, io: Io, total: number, json: boolean) {
  const bar = terminalProgress(out, io, total, json);
  return async (t: { iterNum: number; iterDt: number; loss: number }) => {
    if (t.iterNum % 100 === 0) {
      if (json) io.stderr.write(`${logLine(t)}\n`);
      else await out.write(`${bar.clear()}${logLine(t)}\n`);
    }
    await bar.step(t);
  };
}

/** Writes the trainer's notice (the slow `js` reference backend) on stderr, as one line in the CLI's words. */
function notice(io: Io): (n: TrainerNotice) => void {
  const slow =
    'training on the js reference backend (plain loops), many times slower than the default wasm backend (leave out --backend js)';
  return (n) => io.stderr.write(`lxmls train: note: ${n.code === 'SLOW_BACKEND' ? slow : n.message}\n`);
}

async function trainWeatherTask(o: TrainOptions, { io, out }: CommandContext): Promise<number> {
  const recipeName = o.recipe;
  const base = WEATHER_RECIPES[recipeName];
  const recipe = {
    ...base,
    iters: o.iters ?? base.iters,
    batchSize: o['batch-size'] ?? base.batchSize,
    learningRate: o.lr ?? base.learningRate,
  };
  const { seed, 'eval-samples': evalSamples, out: dir, json, attention: attentionFile } = o;
  if (dir !== undefined) await checkOutFolder(dir, o.force); // before training: a bad --out fails at once
  const backend = await chooseBackend(o.backend, { asyncReads: true });
  checkTrainingMemory(weatherModelConfig(), recipe.batchSize, ...memoryLimit(backend.name)); // before building
  const attention = attentionFile === undefined ? undefined : await loadStudentAttention(attentionFile);
  if (attention && dir !== undefined) {
    const { missing, unexpected } = attentionKeyMismatch(attention);
    if (missing.length > 0 || unexpected.length > 0)
      throw new CliError(
        `--out: the CausalSelfAttention of ${attentionFile} has parameters ${unexpected.join(', ') || 'none'} instead of ${missing.join(', ')}; lxmls eval weather loads the exercise form's names`,
      );
  }

  // evaluated and saved on the CPU where the training backend's reads are asynchronous (webgpu)
  const cpu = await cpuBackendFor(backend);
  let run: Awaited<ReturnType<typeof runWeatherCourse>>;
  try {
    run = await runWeatherCourse({
      recipe,
      seed,
      evalSamples,
      ...(attention ? { attention } : {}),
      ...(cpu ? { evalBackend: cpu } : {}),
      onNotice: notice(io),
      onBatchEnd: reporter(out, io, recipe.iters, json),
      onTrained: async ({ trainer, seconds }) => {
        const msPerIter = msPerIteration(seconds, trainer.iterNum);
        if (!json)
          await out.write(`Training time: ${seconds.toFixed(2)} seconds (${msPerIter.toFixed(2)} ms/iter)\n`);
      },
    });
  } catch (error) {
    throw attentionFile === undefined ? error : studentFailure(error, attentionFile);
  }
  const { model, trainer, seconds, scores, bayes } = run;
  if (cpu !== undefined) await setBackend(cpu.name);
  try {
    const msPerIter = msPerIteration(seconds, trainer.iterNum);
    if (dir !== undefined) {
      await saveWeatherModel(
        dir,
        model,
        {
          task: 'weather',
          proba: FIXED_PROBA,
          attention: 'separate',
          training: {
            command: `lxmls train weather --recipe ${recipeName} --iters ${recipe.iters} --batch-size ${recipe.batchSize} --lr ${recipe.learningRate} --seed ${seed}${attentionFile === undefined ? '' : ` --attention ${attentionFile}`}`,
            attentionClass: attention ? attention.name || 'a factory' : 'FusedCausalSelfAttention',
            recipe: recipeName,
            iters: trainer.iterNum,
            batchSize: recipe.batchSize,
            learningRate: recipe.learningRate,
            seed,
            trainLoss: trainer.loss,
            evalLoss: scores.loss,
            evalSamples,
            date: new Date().toISOString().slice(0, 10),
          },
        },
        { overwrite: o.force },
      ).catch((error: unknown) => {
        throw asCliError(error, dir);
      });
    }
    if (json) {
      const result = {
        iters: trainer.iterNum,
        msPerIter: round(msPerIter, 3),
        trainLoss: trainer.loss,
        ...weatherScoresRecord(scores, bayes),
        recipe: recipeName,
        seed,
        evalSamples,
        seconds: round(seconds, 3),
      };
      await out.write(`${JSON.stringify(result)}\n`);
    } else {
      for (const line of formatWeatherSummary(scores, bayes, evalSamples)) await out.write(`${line}\n`);
      if (dir !== undefined) await out.write(`saved to ${dir} (lxmls eval weather --model ${dir})\n`);
    }
  } finally {
    model.dispose();
  }
  return 0;
}

async function trainTextTask(o: TrainOptions, { io, out, given }: RunContext): Promise<number> {
  const data = o.data;
  if (data === undefined || data === '') throw new CliError('missing --data FILE: the text to train on');
  const kind = o.tokenizer;
  if (kind !== 'bpe' && given.has('vocab-size'))
    throw new CliError('option --vocab-size applies to --tokenizer bpe only');
  const { 'vocab-size': vocabSize, 'block-size': blockSize } = o;
  const sizes = (['n-layer', 'n-head', 'n-embd'] as const).filter((name) => given.has(name));
  if (sizes.length > 0 && given.has('model-type'))
    throw new CliError(`options --model-type and --${sizes[0]} cannot be used together`);
  if (sizes.length > 0 && sizes.length < 3)
    throw new CliError('give all three of --n-layer, --n-head and --n-embd, or --model-type');
  const modelSizes =
    sizes.length === 3
      ? {
          modelType: null,
          nLayer: o['n-layer']!,
          nHead: o['n-head']!,
          nEmbd: o['n-embd']!,
        }
      : { modelType: o['model-type'] ?? 'gpt-micro', nLayer: null, nHead: null, nEmbd: null };
  const iters = o.iters ?? 2000;
  const batchSize = o['batch-size'] ?? 32;
  const learningRate = o.lr ?? 1e-3;
  const { seed, out: dir, json, 'compact-vocab': compact, float16 } = o;
  if (dir !== undefined) await checkOutFolder(dir, o.force); // before training: a bad --out fails at once

  let text: string;
  try {
    text = await readFile(data, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read --data ${data}: ${(error as Error).message}`);
  }
  const tokenizer = buildTextTokenizer(text, kind, vocabSize);
  const ids = Int32Array.from(tokenizer.encode(text));
  if (ids.length < 2 * (blockSize + 1))
    throw new CliError(
      `--data ${data} has ${ids.length} tokens: at least ${2 * (blockSize + 1)} are needed for --block-size ${blockSize}`,
    );
  const backend = await chooseBackend(o.backend, { asyncReads: true });
  // a model or batch that cannot fit fails here, before anything is built (issue 17)
  const modelConfig = { ...GPT.getDefaultConfig(), ...modelSizes, blockSize, vocabSize: tokenizer.vocabSize };
  checkTrainingMemory(modelConfig, batchSize, ...memoryLimit(backend.name));
  // where the training backend's reads are asynchronous (webgpu), the model comes back on the CPU
  const evalBackend = await cpuBackendFor(backend);
  let run: Pick<Awaited<ReturnType<typeof trainText>>, 'model' | 'seconds' | 'valLoss'> & {
    trainer: { iterNum: number; loss: number };
  };
  try {
    const recipe = {
      model: { ...modelSizes, blockSize },
      iters,
      batchSize,
      learningRate,
      seed,
      onNotice: notice(io),
      ...(evalBackend === undefined ? {} : { evalBackend }),
    };
    const onBatchEnd = reporter(out, io, iters, json);
    run = compact
      ? await trainTextCompact(ids, tokenizer, { ...recipe, onBatchEnd })
      : await trainText(ids, tokenizer, { ...recipe, onBatchEnd });
  } catch (error) {
    throw asCliError(error, data);
  }
  const { model, trainer, seconds, valLoss } = run;
  if (evalBackend !== undefined) await setBackend(evalBackend.name); // the sample and the save, on the CPU
  try {
    const msPerIter = msPerIteration(seconds, trainer.iterNum);
    const sample = sampleText(model, tokenizer, 200, seed);
    if (dir !== undefined) {
      try {
        // one atomic folder: the tokenizer is committed with the weights (GPT-2's BPE is a folder's default)
        const extraFiles: Record<string, string> =
          kind === 'gpt2' ? {} : { 'tokenizer.json': tokenizer.toJson() };
        await model.save(dir, { float16, extraFiles, overwrite: o.force });
      } catch (error) {
        throw asCliError(error, dir);
      }
    }
    if (json) {
      const result = {
        iters: trainer.iterNum,
        msPerIter: round(msPerIter, 3),
        trainLoss: trainer.loss,
        valLoss,
        vocabSize: tokenizer.vocabSize,
        parameters: model.numTransformerParameters(),
        sample,
      };
      await out.write(`${JSON.stringify(result)}\n`);
    } else {
      await out.write(
        [
          `Training time: ${seconds.toFixed(2)} seconds (${msPerIter.toFixed(2)} ms/iter)`,
          `${model.parameterCountLine()}; ${tokenizer.kind} tokenizer, ${tokenizer.vocabSize} tokens; ${ids.length} tokens of text`,
          `train loss ${trainer.loss.toFixed(5)}; val loss ${valLoss.toFixed(5)} (the last 10% of the text)`,
          `sample (200 tokens, seed ${seed}):`,
          '-'.repeat(80),
          sample,
          ...(dir !== undefined ? [`saved to ${dir} (lxmls generate --model ${dir})`] : []),
          '',
        ].join('\n'),
      );
    }
  } finally {
    model.dispose();
  }
  return 0;
}

/**
 * The CPU backend (wasm) on which a model trained on `backend` is evaluated, sampled and saved, where
 * `backend`'s reads are asynchronous (`webgpu`: evaluation reads synchronously); `undefined` otherwise.
 * `backend` stays the current one.
 */
async function cpuBackendFor(backend: Backend): Promise<Backend | undefined> {
  if (backend.capabilities.async !== true) return undefined;
  const cpu = await setBackend('wasm');
  await setBackend(backend.name);
  return cpu;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
