/**
 * `lxmls generate`: continue a prompt with a GPT-2 checkpoint, as Exercise 3.2 of the notebook does with
 * `model.prompt("Barack Obama, the", 50, 3)` (sampling from the 100 most likely tokens) and
 * `model.prompt_topK(...)` (the most likely first tokens, each continued greedily).
 *
 * Follows `GPT.generate`, `GPT.gen_batch`, `GPT.prompt` and `GPT.prompt_topK` of `lxmls/transformers/model.py`
 * (docs/course-behaviour.md §2.11–2.13): the same defaults (top-k 100, temperature 1, `<|endoftext|>` for an empty prompt, the
 * context cropped to the block size) and the same printout (each text after a line of 80 dashes).
 */

import type { ModelTokenizer } from '@lxmls/course';
import {
  checkGenerationMemory,
  formatSamples,
  type GenerateOptions,
  type GPT,
  promptRows,
  promptRowsAsync,
  type SamplingChoice,
  samplingOptions,
} from '@lxmls/gpt';
import { promptRowsOnnx } from '@lxmls/onnx';
import { WEATHER_TOKENS } from '@lxmls/weather-data';
import { COMMON_OPTIONS } from '../args.js';
import { chooseBackend, memoryLimit } from '../backends.js';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { asCliError, loadModel } from '../load-model.js';
import { BACKEND_OR_ONNX_OPTION, isOnnxBackend, type OnnxSession, openOnnx } from '../onnx-backend.js';
import { modelTokenizer } from '../text-tokenizer.js';

/** The default `--seed`, as the notebook's `set_seed(42)`. */
const DEFAULT_SEED = 42;

/**
 * `lxmls generate`: see its help (`lxmls help generate`).
 *
 * @example
 * ```ts
 * import { generateCommand } from './commands/generate.js';
 * console.log(generateCommand.name, generateCommand.optionNames.slice(0, 3)); // → generate [ 'model', 'prompt', 'max-new-tokens' ]
 * ```
 */
export const generateCommand = defineCommand({
  name: 'generate',
  summary: 'Continue a prompt with a GPT-2 checkpoint (folder, URL or hub id), as model.prompt',
  usage: `lxmls generate --model SOURCE [--prompt TEXT] [--max-new-tokens 50] [--num-samples 1]
                      [--greedy | --top-k K | --top-p P] [--temperature T] [--seed S]
                      [--mode sample|topk] [--backend B] [--json]`,
  description: `Continues TEXT with a GPT-2 checkpoint, as the toolkit's model.prompt (--mode sample) and
model.prompt_topK (--mode topk) do in Exercise 3.2, and prints each sample after a line of 80 dashes:
the whole text, the prompt included.

SOURCE is a folder with config.json and model.safetensors (Hugging Face layout), an http(s) URL of such
a folder, a hub id: gpt2, gpt2-medium, gpt2-large, gpt2-xl (also as openai-community/<name>), or a model
shipped in @lxmls/models, read offline: lxmls/weather-nano, lxmls/shakespeare-char, lxmls/gpt2-shakespeare
(GPT-2's tokenizer, trained here on tinyshakespeare: the offline
Exercise 3.2; without the network, a hub id fails with one line naming it and the folder route). The
prompt is read with the tokenizer that travels with the model, as lxmls viz reads its text: a folder's
tokenizer.json, the weather task's words for a model of 8 tokens (lxmls/weather-nano: --prompt "read walk
walk walk tennis shop"), else GPT-2's BPE. A hub
model is downloaded once from $LXMLS_HUB_URL (default https://huggingface.co) into the cache
($LXMLS_CACHE_DIR, else $XDG_CACHE_HOME/lxmls, else ~/.cache/lxmls); download progress goes to stderr
when stderr is a terminal. A folder that exists wins over a hub id of the same name.`,
  options: {
    model: COMMON_OPTIONS.model,
    prompt: {
      type: 'string',
      value: 'TEXT',
      empty: true,
      help: "The text to continue. Empty or absent: the toolkit's start, <|endoftext|> (id 50256), which then begins every printed text. A folder with a tokenizer.json (written by lxmls train text --out DIR, or a text model of @lxmls/models) is read and decoded with that tokenizer instead of GPT-2's BPE; its empty prompt starts from its <|endoftext|> if it has one, else from a newline (else token 0). A prompt longer than the model's block size is kept whole in the output, but the model sees only its last block-size tokens at each step, as the toolkit crops it (a note says so on stderr).",
    },
    'max-new-tokens': {
      type: 'integer',
      value: 'N',
      min: 1,
      max: 100_000,
      default: 50,
      help: 'Tokens added to each sample (an integer in [1, 100000]).',
    },
    'num-samples': {
      type: 'integer',
      value: 'N',
      min: 1,
      max: 1000,
      default: 1,
      help: 'How many samples (an integer in [1, 1000]; with --mode topk, at most the vocabulary size).',
    },
    greedy: { type: 'flag', help: 'Argmax decoding: the most likely token at each step (deterministic).' },
    'top-k': {
      type: 'integer',
      value: 'K',
      min: 1,
      help: 'Sample from the K most likely tokens (K an integer in [1, vocabulary size]).',
    },
    'top-p': {
      type: 'number',
      value: 'P',
      above: 0,
      max: 1,
      help: "Nucleus sampling: from the fewest most likely tokens whose probabilities reach P, in (0, 1], among all the tokens (no top-k filter).\n--greedy, --top-k and --top-p exclude each other. With none of them, sampling is the toolkit's prompt: do_sample with top_k 100 and temperature 1 (top_k is the vocabulary size when the model has fewer than 100 tokens).",
    },
    temperature: {
      type: 'number',
      value: 'T',
      above: 0,
      default: 1,
      help: 'Divide the logits by T > 0 before the top-k/top-p filter. It changes nothing with --greedy.',
    },
    seed: {
      type: 'integer',
      value: 'S',
      min: 0,
      max: 2 ** 32 - 1,
      default: DEFAULT_SEED,
      showDefault: false,
      help: "Seed of the sampling (default 42, as the notebook's set_seed(42)): the same seed and options give the same samples. An integer in [0, 4294967295]. Unused by --greedy.",
    },
    mode: {
      type: 'choice',
      value: 'MODE',
      choices: ['sample', 'topk'],
      default: 'sample',
      showDefault: false,
      help: 'sample (default): model.prompt: every sample draws its own tokens.\ntopk: model.prompt_topK: the N most likely first tokens, each continued greedily (deterministic). It takes none of --greedy, --top-k, --top-p, --temperature, --seed.',
    },
    backend: BACKEND_OR_ONNX_OPTION,
    refresh: COMMON_OPTIONS.refresh,
    json: {
      type: 'flag',
      help: `Print one JSON line instead of the texts:
{"promptIds":[...],"samples":[{"ids":[...],"text":"..."}],"tokensPerSecond":N}
  promptIds        the prompt's token ids ([50256] for an empty prompt)
  ids              a sample's token ids: the prompt's, then the new tokens
  text             those ids decoded (the text the default output prints)
  tokensPerSecond  the new tokens of all samples / the generation's wall time
                   (loading the model excluded), rounded to 2 decimals`,
    },
  },
  exclusive: [['greedy', 'top-k', 'top-p']],
  notes: `Exit code 2 with one line on stderr for: an unknown model id, a missing folder or file, a truncated or
corrupt model.safetensors, a config.json that does not fit the weights (the key and both shapes named),
a failed download, a --top-k or --num-samples above the vocabulary size, options that exclude each other,
a prompt whose token ids the model's vocabulary does not have.`,
  examples: [
    'lxmls generate --model gpt2 --prompt "Barack Obama, the" --max-new-tokens 50 --num-samples 3',
    'lxmls generate --model gpt2 --prompt "Barack Obama, the" --mode topk --num-samples 3',
    'lxmls generate --model ./my-gpt2 --prompt "Hello, my name is" --greedy --json',
  ],
  run: async (o, positionals, { io, out, given }) => {
    if (positionals.length > 0)
      throw new CliError(
        `unexpected argument ${JSON.stringify(positionals[0])}: give the text with --prompt TEXT`,
      );
    if (o.mode === 'topk') {
      const sampling = SAMPLING.find((name) => given.has(name));
      if (sampling !== undefined)
        throw new CliError(
          `option --${sampling} does not apply to --mode topk (the most likely first tokens, then greedy)`,
        );
    }
    const sampling: SamplingChoice | undefined =
      o.mode === 'sample'
        ? { greedy: o.greedy, topK: o['top-k'], topP: o['top-p'], temperature: o.temperature, seed: o.seed }
        : undefined;
    const source = o.model;
    const onnxBackend = isOnnxBackend(o.backend) ? o.backend : null; // ONNX Runtime, else a tensor backend
    const backend = await chooseBackend(onnxBackend === null ? o.backend : undefined, { asyncReads: true });
    const model = await loadModel(source, io.stderr, { refresh: o.refresh });
    let onnx: OnnxSession | null = null;
    try {
      const V = model.config.vocabSize;
      // the tokenizer that travels with the model: its tokenizer.json, the weather words, or GPT-2's BPE
      const tokenizer = await modelTokenizer(source, V);
      const text = o.prompt ?? '';
      if (text === '' && tokenizer.startId === undefined)
        throw new CliError(
          `the model has the weather task's 8 tokens and no start token: give --prompt with space-separated words of ${WEATHER_TOKENS.join(' ')}`,
        );
      const promptIds = tokenizer.tokens(text).ids; // every id checked against the model's vocabulary
      if (promptIds.length > model.blockSize) {
        io.stderr.write(
          `lxmls generate: note: the prompt has ${promptIds.length} tokens and the block size is ${model.blockSize}: the model sees only the last ${model.blockSize} tokens of the context at each step\n`,
        );
      }
      if (sampling?.topK !== undefined && sampling.topK > V)
        throw new CliError(`--top-k ${sampling.topK} is larger than the model's vocabulary (${V} tokens)`);
      const options = sampling === undefined ? undefined : samplingOptions(sampling, V);
      if (onnxBackend !== null) onnx = await openOnnx(model, onnxBackend);
      const [maxNew, samples, session] = [o['max-new-tokens'], o['num-samples'], onnx];
      if (session === null && o.mode === 'sample') {
        // the samples are one batch: a KV cache or logits that cannot fit fail here, not inside the backend
        const size = { batchSize: samples, promptLength: promptIds.length, maxNewTokens: maxNew };
        checkGenerationMemory(model.config, size, ...memoryLimit(backend.name));
      }
      const result = await runGeneration(promptIds, tokenizer, () =>
        session !== null
          ? promptRowsOnnx(session, promptIds, maxNew, samples, options)
          : backend.capabilities.async === true
            ? asyncRows(model, promptIds, maxNew, samples, options)
            : promptRows(model, promptIds, maxNew, samples, options),
      );
      await out.write(
        o.json ? `${JSON.stringify(result)}\n` : formatSamples(result.samples.map((s) => s.text)),
      );
    } catch (error) {
      throw asCliError(error, source);
    } finally {
      await onnx?.session.release();
      model.dispose();
    }
    return 0;
  },
});

/** The options that choose how `--mode sample` picks each token. */
const SAMPLING = ['greedy', 'top-k', 'top-p', 'temperature', 'seed'] as const;

/** What the command produced: the JSON line's fields. */
interface Generation {
  promptIds: number[];
  samples: { ids: number[]; text: string }[];
  tokensPerSecond: number;
}

/**
 * `--mode sample` on a backend whose reads are asynchronous (`webgpu`): @lxmls/gpt's `promptRowsAsync`, the
 * same tokens as `promptRows` with one read per token. `--mode topk` reads synchronously: one line says so.
 */
function asyncRows(
  model: GPT,
  promptIds: number[],
  maxNew: number,
  samples: number,
  options?: GenerateOptions,
) {
  if (options === undefined)
    throw new CliError('--mode topk reads the logits synchronously: on --backend webgpu use --mode sample');
  return promptRowsAsync(model, promptIds, maxNew, samples, options);
}

/** Times `generateRows` (the tensor path, or ONNX Runtime: `promptRowsOnnx`) and decodes the rows. */
async function runGeneration(
  promptIds: number[],
  tokenizer: ModelTokenizer,
  generateRows: () => number[][] | Promise<number[][]>,
): Promise<Generation> {
  const T = promptIds.length;
  const start = performance.now();
  const rows = await generateRows();
  const seconds = Math.max(performance.now() - start, 1e-3) / 1000;
  const newTokens = rows.reduce((sum, row) => sum + row.length - T, 0);
  return {
    promptIds,
    samples: rows.map((ids) => ({ ids, text: tokenizer.decode(ids) })),
    tokensPerSecond: Math.round((100 * newTokens) / seconds) / 100,
  };
}
