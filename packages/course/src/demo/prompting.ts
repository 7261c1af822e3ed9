/**
 * Exercise 3.2 of the Transformer Day notebook (prompting a pretrained GPT-2), cells In [24] and In [25], run
 * offline: the notebook downloads `gpt2` (124M parameters) from the Hugging Face hub, which this machine may not
 * reach, so the demo loads `lxmls/gpt2-shakespeare` of @lxmls/models instead: a small GPT with GPT-2's
 * tokenizer (so `prompt`, `promptTopK` and the notebook's prompt run as in the toolkit) trained on
 * tinyshakespeare by `lxmls train text` (its README says how, and how well). Then In [25]'s two loops, as the
 * notebook writes them: five times `set_seed(42); model.prompt("Barack Obama, the", 50, 3)` (sampling from the
 * 100 most likely tokens: "pooling"), then five times `model.prompt_topK("Barack Obama, the", 50, 3)` (the 3 most
 * likely first tokens, each continued greedily), each sample printed after a line of 80 dashes.
 *
 * Differences from the notebook, by necessity: the model (its samples read as Shakespeare, not as news), its
 * size in In [24]'s line, and the printout of the module tree, which is not repeated here. The caller loads the
 * model (`lxmls demo` from @lxmls/models' folder), and may generate fewer tokens per sample than 50 (for tests).
 */

import { formatSamples, type GPT } from '@lxmls/gpt';
import { manualSeed } from '@lxmls/tensor';
import { notebookCell } from '../notebook.js';
import type { DemoCell, DemoSection } from './section.js';

/**
 * The model {@link promptingDemo} prompts: the one of @lxmls/models with GPT-2's tokenizer.
 *
 * @example
 * ```ts
 * import { PROMPTING_MODEL } from '@lxmls/course';
 * console.log(PROMPTING_MODEL); // → lxmls/gpt2-shakespeare
 * ```
 */
export const PROMPTING_MODEL = 'lxmls/gpt2-shakespeare';

/** The notebook's prompt. */
const PROMPT = 'Barack Obama, the';

/** The Python of In [24], with the model we load offline. */
function loadCode(): string[] {
  return notebookCell(24).python.map((line) =>
    line === 'model_type = "gpt2"'
      ? `model_type = "gpt2"  # lxmls: offline, ${PROMPTING_MODEL} (GPT-2's tokenizer, trained here on tinyshakespeare)`
      : line,
  );
}

/** The TypeScript of In [24] as the demo runs it. */
const LOAD_TYPESCRIPT = [
  "import { GPT } from '@lxmls/gpt';",
  "import { modelUrl } from '@lxmls/models';",
  '',
  "// the notebook: GPT.fromPretrained('gpt2') (from the hub); offline: the model shipped in @lxmls/models",
  `const model = await GPT.fromPretrained(fileURLToPath(modelUrl('${PROMPTING_MODEL}')));`,
  'model.eval(); // dropout off',
];

/** What {@link promptingDemo} prompts, and how long. */
export interface PromptingDemoOptions {
  /** Loads {@link PROMPTING_MODEL} (In [24]; the demo puts it in eval mode and frees it after In [25]). */
  load: () => Promise<GPT>;
  /** A line about the model (how well it was trained), printed after its size. */
  note?: string;
  /** Tokens per sample, asked when In [25] runs: the notebook's 50 by default. */
  tokens?: () => number;
}

/**
 * The lines `formatSamples` prints for a list of samples: for each, 80 dashes then the text (which may hold
 * newlines of its own).
 *
 * @param texts - The samples.
 * @returns The lines, without newlines.
 * @example
 * ```ts
 * import { sampleLines } from '@lxmls/course';
 * console.log(sampleLines(['a\nb']).map((line) => line.length)); // → [ 80, 1, 1 ]
 * ```
 */
export function sampleLines(texts: readonly string[]): string[] {
  return formatSamples(texts).replace(/\n$/, '').split('\n');
}

function promptingCells({ load, note, tokens: demoTokens = () => 50 }: PromptingDemoOptions): DemoCell[] {
  let model: GPT | null = null;
  const loaded = (): GPT => {
    if (model === null) throw new Error('In [24] loads the model before In [25] prompts it');
    return model;
  };
  return [
    {
      prompt: 'In [24]:',
      code: loadCode(),
      typescript: LOAD_TYPESCRIPT,
      async *run() {
        model = (await load()).eval();
        yield model.parameterCountLine();
        if (note !== undefined) yield `# lxmls: ${PROMPTING_MODEL}, ${note}`;
      },
    },
    {
      prompt: 'In [25]:',
      code: notebookCell(25).python,
      *run() {
        const gpt = loaded();
        const tokens = demoTokens();
        try {
          // Random prompt, uses pooling (top-k 100), seeded: the five calls print the same three samples
          for (let i = 0; i < 5; i++) {
            manualSeed(42);
            yield* sampleLines(gpt.prompt(PROMPT, tokens, 3));
          }
          // Deterministic prompt, does NOT use pooling
          for (let i = 0; i < 5; i++) yield* sampleLines(gpt.promptTopK(PROMPT, tokens, 3));
        } finally {
          gpt.dispose();
          model = null;
        }
      },
    },
  ];
}

/**
 * Exercise 3.2 (prompting a pretrained GPT, offline with {@link PROMPTING_MODEL}), cells In [24] and In [25].
 *
 * @param options - How the model is loaded, a note on it, the tokens per sample.
 * @returns The section.
 * @example
 * ```ts
 * import { promptingDemo } from '@lxmls/course';
 * import { GPT } from '@lxmls/gpt';
 * const section = promptingDemo({ load: async () => new GPT({ ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 50257, blockSize: 16 }) });
 * console.log(section.id, section.cells().map((cell) => cell.prompt)); // → prompting [ 'In [24]:', 'In [25]:' ]
 * ```
 */
export function promptingDemo(options: PromptingDemoOptions): DemoSection {
  return {
    id: 'prompting',
    title: 'Exercise 3.2: prompting a pretrained GPT, offline (lxmls/gpt2-shakespeare)',
    source:
      'Transformer Day notebook, In [24] and In [25]; the model: @lxmls/models, trained here on tinyshakespeare (GPT-2 tokenizer)',
    notebook: ['3.2'],
    cells: () => promptingCells(options),
  };
}
