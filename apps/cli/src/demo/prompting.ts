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
 * size in In [24]'s line, and the printout of the module tree, which is not repeated here.
 * `LXMLS_DEMO_TOKENS=N` generates N tokens per sample instead of 50 (for tests).
 */

import { fileURLToPath } from 'node:url';
import { type DemoCell, type DemoSection, notebookCell } from '@lxmls/course';
import { formatSamples, GPT } from '@lxmls/gpt';
import { findModel, modelUrl } from '@lxmls/models';
import { manualSeed } from '@lxmls/tensor';

/** The model the demo prompts: the one of @lxmls/models with GPT-2's tokenizer. */
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

/** Tokens per sample: 50 (the notebook's), or `LXMLS_DEMO_TOKENS` when set (tests generate a few). */
function demoTokens(): number {
  const text = process.env.LXMLS_DEMO_TOKENS;
  const n = Number(text);
  return text !== undefined && /^\d+$/.test(text) && n >= 1 ? n : 50;
}

/**
 * The lines `formatSamples` prints for a list of samples: for each, 80 dashes then the text (which may hold
 * newlines of its own).
 *
 * @param texts - The samples.
 * @returns The lines, without newlines.
 * @example
 * ```ts
 * import { sampleLines } from './demo/prompting.js';
 * console.log(sampleLines(['a\nb']).map((line) => line.length)); // → [ 80, 1, 1 ]
 * ```
 */
export function sampleLines(texts: readonly string[]): string[] {
  return formatSamples(texts).replace(/\n$/, '').split('\n');
}

function promptingCells(): DemoCell[] {
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
        model = (await GPT.fromPretrained(fileURLToPath(modelUrl(PROMPTING_MODEL)))).eval();
        yield model.parameterCountLine();
        const info = findModel(PROMPTING_MODEL);
        if (info !== null) yield `# lxmls: ${PROMPTING_MODEL}, ${info.quality}`;
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
 * The Exercise 3.2 section of `lxmls demo` (`lxmls demo prompting`).
 *
 * @example
 * ```ts
 * import { promptingSection } from './demo/prompting.js';
 * console.log(promptingSection.id, promptingSection.cells().map((cell) => cell.prompt)); // → prompting [ 'In [24]:', 'In [25]:' ]
 * ```
 */
export const promptingSection: DemoSection = {
  id: 'prompting',
  title: 'Exercise 3.2: prompting a pretrained GPT, offline (lxmls/gpt2-shakespeare)',
  source:
    'Transformer Day notebook, In [24] and In [25]; the model: @lxmls/models, trained here on tinyshakespeare (GPT-2 tokenizer)',
  notebook: ['3.2'],
  cells: promptingCells,
};
