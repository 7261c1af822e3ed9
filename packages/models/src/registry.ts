/**
 * The registry of the models this package ships: one {@link ModelInfo} per folder `models/<folder>/`, each a
 * Hugging Face checkpoint folder (`config.json`, `model.safetensors`, `README.md` with the exact command that
 * trained it and its measured quality) trained by this repository's own code.
 *
 * To add a model: put its folder under `models/` and add ONE entry to {@link MODELS} (the tests check that the
 * folder, its files and the byte count match).
 */

/** What a model of {@link MODELS} is for. */
export type ModelTask = 'text-generation' | 'fill-mask' | 'sequence-labelling';

/** One shipped model. */
export interface ModelInfo {
  /** The name to load it by, e.g. `lxmls/gpt2-shakespeare`. */
  readonly name: string;
  /** Its folder under `models/`. */
  readonly folder: string;
  /** What it does. */
  readonly task: ModelTask;
  /** The Hugging Face architecture of its `config.json` (`gpt2`, `bert`). */
  readonly architecture: 'gpt2' | 'bert';
  /**
   * Its tokenizer: `gpt2` (GPT-2's BPE, bundled in @lxmls/bpe; no file in the folder), a file of the folder
   * (`tokenizer.json`, `vocab.txt`), or `null` when the ids are the task's own symbols (the weather model: the
   * 5 observations and 3 states of Exercise 3.1, described by the folder's `lxmls.json`).
   */
  readonly tokenizer: string | null;
  /** The notebook exercise it serves. */
  readonly exercise: string;
  /** Trainable parameters of the saved (full-vocabulary) model. */
  readonly parameters: number;
  /** The byte size of `model.safetensors`. */
  readonly bytes: number;
  /** Its measured quality, in words, with the number (see its README for how it was measured). */
  readonly quality: string;
  /** One sentence: what it is. */
  readonly description: string;
}

/**
 * The models of this package.
 *
 * @example
 * ```ts
 * import { MODELS } from '@lxmls/models';
 * const gpt = MODELS.find((m) => m.name === 'lxmls/gpt2-shakespeare')!;
 * console.log(gpt.task, gpt.tokenizer, gpt.bytes < 15e6); // → text-generation gpt2 true
 * ```
 */
export const MODELS: readonly ModelInfo[] = [
  {
    name: 'lxmls/gpt2-shakespeare',
    folder: 'gpt2-shakespeare',
    task: 'text-generation',
    architecture: 'gpt2',
    tokenizer: 'gpt2',
    exercise: '3.2',
    parameters: 7_242_624,
    bytes: 14_490_424,
    quality:
      'validation loss 4.96 nats per token on the last 10% of tinyshakespeare (1.50 per character; a unigram model: 6.39 per token)',
    description:
      "A small GPT with GPT-2's tokenizer (4 layers, 4 heads, 128 channels, block 128, tied embeddings, float16) trained on tinyshakespeare by lxmls train text: the offline stand-in for GPT.from_pretrained('gpt2') in Exercise 3.2.",
  },
  {
    name: 'lxmls/bert-mini',
    folder: 'bert-mini',
    task: 'fill-mask',
    architecture: 'bert',
    tokenizer: 'vocab.txt',
    exercise: '2.4',
    parameters: 4_768_314,
    bytes: 9_545_148,
    quality:
      'held-out masked-token loss 5.88 nats, accuracy 19.9% (a unigram model: 6.59 nats, 6.5%); a previous-token head (layer 1, head 0: 0.40 of the attention), a next-token head (layer 1, head 1: 0.52) and a same-word head (layer 2, head 0: 0.38)',
    description:
      "A small BERT with bert-base-uncased's WordPiece vocabulary (4 layers, 4 heads, hidden 128, 32 positions, BertForMaskedLM head, float16) pretrained with masked-language modelling on tinyshakespeare by tools/pretrain-bert.ts: the offline stand-in for bert-base-uncased in Exercise 2.4 (lxmls viz's default model).",
  },
  {
    name: 'lxmls/weather-nano',
    folder: 'weather-nano',
    task: 'sequence-labelling',
    architecture: 'gpt2',
    tokenizer: null,
    exercise: '3.1',
    parameters: 86_208,
    bytes: 348_664,
    quality:
      'held-out loss 0.2511 nats per label on 10,000 test sequences (Bayes-optimal: 0.2502), label accuracy 84.94% (Bayes-optimal: 84.90%)',
    description:
      "gpt-nano (3 layers, 3 heads, 48 channels, vocabulary 8, block 11, float32) trained on Exercise 3.1's weather HMM data with the course's settings by lxmls train weather; lxmls.json holds the task and the HMM's probabilities.",
  },
  {
    name: 'lxmls/shakespeare-char',
    folder: 'shakespeare-char',
    task: 'text-generation',
    architecture: 'gpt2',
    tokenizer: 'tokenizer.json',
    exercise: '3.1',
    parameters: 354_336,
    bytes: 1_421_224,
    quality: 'validation loss 1.86 nats per character on the last 10% of tinyshakespeare',
    description:
      "A character-level GPT (3 layers, 4 heads, 96 channels, block 64, 65 characters, float32) trained on tinyshakespeare by lxmls train text: Exercise 3.1's autoregressive training on text; tokenizer.json is a Hugging Face WordLevel tokenizer over single characters.",
  },
];
