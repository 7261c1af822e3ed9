/**
 * pretrain-bert: the repository script that trains `@lxmls/models`' small BERT (Exercise 2.4) with @lxmls/bert's
 * `pretrainMaskedLM` on the `wasm` backend: it reads the corpus and the vocabulary, writes the Hugging Face
 * folder (`config.json`, `model.safetensors` in float16, `vocab.txt`, `tokenizer_config.json`) and
 * `training.json`, and prints the progress lines with a time stamp.
 *
 *   node tools/dist/pretrain-bert.js --corpus packages/bpe/src/__fixtures__/tinyshakespeare.txt \
 *     --vocab packages/bert/src/__fixtures__/tiny-bert/vocab.txt --out /tmp/bert-mini --iters 3000
 *
 * The options are those of `PretrainMaskedLMOptions` in kebab case (see packages/bert/src/pretrain.ts), plus
 * `--threads` (wasm threads, default 1) and `--measure-only` (measure the model already in `--out` again).
 * It builds a model of the repository, not a command of `lxmls`: moved here from apps/cli/src (issue 13).
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { registerWasmBackend } from '@lxmls/backend-wasm';
import { measureMaskedLM, type PretrainMaskedLMOptions, pretrainMaskedLM } from '@lxmls/bert';
import { setBackend } from '@lxmls/tensor';

/** The options of {@link pretrainBert}: @lxmls/bert's, with paths instead of texts. */
export interface PretrainBertOptions
  extends Omit<PretrainMaskedLMOptions, 'corpus' | 'vocab' | 'initFrom' | 'machine' | 'corpusName'> {
  /** The corpus, a UTF-8 text file. */
  corpus: string;
  /** bert-base-uncased's `vocab.txt`. */
  vocab: string;
  /** The output folder (created). */
  out: string;
  /** A folder written by this script whose weights start the training. */
  initFrom?: string;
  /** wasm threads (default 1). */
  threads?: number;
  /** Do not train: measure the model already in `out` and update its training.json (default false). */
  measureOnly?: boolean;
}

/**
 * Trains the small BERT and writes its folder (see @lxmls/bert's `pretrainMaskedLM`), or with `measureOnly`
 * measures the folder `out` again. Returns what `training.json` records.
 *
 * @param options - Paths and hyper-parameters.
 * @param log - Receives progress lines.
 * @returns The summary written to `training.json`.
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { pretrainBert } from './pretrain-bert.js';
 * const out = join(mkdtempSync(join(tmpdir(), 'bert-')), 'tiny');
 * const summary = await pretrainBert({
 *   corpus: 'packages/bpe/src/__fixtures__/tinyshakespeare.txt', vocab: 'packages/bert/src/__fixtures__/tiny-bert/vocab.txt', out,
 *   layers: 1, heads: 2, hidden: 8, maxLength: 16, batchSize: 2, iters: 2, evalEvery: 0, evalBatches: 1, patternSentences: 2,
 * });
 * console.log(summary.iterations, (summary.heldOut as { weights: string }).weights); // → 2 float16
 * ```
 */
export async function pretrainBert(
  options: PretrainBertOptions,
  log: (line: string) => void = () => {},
): Promise<Record<string, unknown>> {
  const { corpus, vocab, out, initFrom, threads = 1, measureOnly, ...rest } = options;
  registerWasmBackend(10, { threads });
  await setBackend('wasm');
  const read = (folder: string) => ({
    config: readFileSync(join(folder, 'config.json'), 'utf8'),
    weights: readFileSync(join(folder, 'model.safetensors')),
  });
  const texts = { ...rest, corpus: readFileSync(corpus, 'utf8'), vocab: readFileSync(vocab, 'utf8') };
  if (measureOnly) {
    const previous = JSON.parse(readFileSync(join(out, 'training.json'), 'utf8')) as Record<string, unknown>;
    const summary = { ...previous, ...measureMaskedLM(texts, read(out), log) };
    writeFileSync(join(out, 'training.json'), `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  }
  const cpu = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} vCPUs`;
  mkdirSync(out, { recursive: true });
  return pretrainMaskedLM(
    {
      ...texts,
      ...(initFrom === undefined ? {} : { initFrom: { ...read(initFrom), name: initFrom } }),
      machine: `${cpu}, Node ${process.version}, wasm backend (${threads} thread)`,
      corpusName: corpus,
    },
    {
      log,
      save: (files) => {
        for (const [name, data] of Object.entries(files)) writeFileSync(join(out, name), data);
      },
    },
  );
}

/** The options given as `--name value`, by kind. */
const PATHS = ['corpus', 'vocab', 'out', 'init-from'] as const;
const INTEGERS = ['layers', 'heads', 'hidden', 'intermediate', 'max-length', 'min-length', 'batch-size']
  .concat(['row-max-length', 'iters', 'warmup', 'seed', 'eval-every', 'eval-batches', 'pattern-sentences'])
  .concat(['threads']);
const NUMBERS = ['lr', 'dropout', 'init-range', 'mlm-probability', 'held-out-fraction'];
const CHOICES: Record<string, readonly string[]> = {
  'position-init': ['normal', 'sinusoidal'],
  'output-vocab': ['full', 'corpus'],
  'bias-init': ['zero', 'unigram'],
};

/**
 * Parses the script's arguments (`--name value`) into {@link PretrainBertOptions}.
 *
 * @param argv - The arguments after the script's path.
 * @returns The options.
 * @throws Error naming a missing path, a bad integer or an unknown choice.
 * @example
 * ```ts
 * import { parsePretrainArgs } from './pretrain-bert.js';
 * console.log(parsePretrainArgs(['--corpus', 'c.txt', '--vocab', 'v.txt', '--out', 'o', '--iters', '1000'])); // → { corpus: 'c.txt', vocab: 'v.txt', out: 'o', iters: 1000 }
 * ```
 */
export function parsePretrainArgs(argv: readonly string[]): PretrainBertOptions {
  const valued = [...PATHS, ...INTEGERS, ...NUMBERS, ...Object.keys(CHOICES)];
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...Object.fromEntries(valued.map((k) => [k, { type: 'string' as const }])),
      'measure-only': { type: 'boolean' },
    },
    strict: true,
  });
  const v = values as Record<string, string | undefined>;
  for (const required of ['corpus', 'vocab', 'out']) {
    if (!v[required]) throw new Error(`pretrain-bert: --${required} is required`);
  }
  const options: Record<string, unknown> = {};
  const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const k of valued) {
    const value = v[k];
    if (value === undefined) continue;
    if (INTEGERS.includes(k) && !(Number.isInteger(Number(value)) && Number(value) >= 0))
      throw new Error(`pretrain-bert: --${k} must be an integer ≥ 0, received ${value}`);
    const choices = CHOICES[k];
    if (choices !== undefined && !choices.includes(value))
      throw new Error(`pretrain-bert: --${k} must be ${choices.join(' or ')}, received ${value}`);
    options[camel(k)] = INTEGERS.includes(k) || NUMBERS.includes(k) ? Number(value) : value;
  }
  if (values['measure-only'] === true) options.measureOnly = true;
  return options as unknown as PretrainBertOptions;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const options = {
    ...parsePretrainArgs(argv),
    command: `node tools/dist/pretrain-bert.js ${argv.join(' ')}`,
  };
  pretrainBert(options, (line) => console.log(`[${new Date().toISOString()}] ${line}`)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
