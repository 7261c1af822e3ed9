/**
 * Exercise 3.2 in the browser, offline: the page loads `lxmls/gpt2-shakespeare` (@lxmls/models; served by the
 * site under `./models/gpt2-shakespeare/`, see vite.config.ts `SITE_MODELS`) with `GPT.fromPretrained(url,
 * { cache: false })`, and runs In [25]'s two methods on the notebook's prompt: `prompt` after `set_seed` and
 * `promptTopK`, side by side, printed as the toolkit prints them. GPT-2's tokenizer comes with @lxmls/bpe.
 */

import '@lxmls/backend-wasm/register';
import { GPT } from '@lxmls/gpt';
import { getBackend } from '@lxmls/tensor';
import { byId, errorText, nextFrame, numberFrom } from '../lib/dom.js';
import { renderNotebook } from '../lib/notebook-html.js';
import { promptBoth } from '../lib/prompting.js';

renderNotebook(); // the notebook's words first: explanations, cells (Python | TypeScript), questions

const MODEL = 'gpt2-shakespeare';
const form = byId('prompt-form', HTMLFormElement);
const textInput = byId('prompt-text', HTMLInputElement);
const tokensInput = byId('prompt-tokens', HTMLInputElement);
const samplesInput = byId('prompt-samples', HTMLInputElement);
const seedInput = byId('prompt-seed', HTMLInputElement);
const runButton = byId('prompt-run', HTMLButtonElement);
const status = byId('prompt-status');
const sampledOut = byId('prompt-sampled');
const topKOut = byId('prompt-topk');

let model: GPT | null = null;

/** An integer from an input, clamped to `[min, max]`. */
function integerFrom(input: HTMLInputElement, fallback: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round(numberFrom(input, fallback))));
}

function fail(error: unknown): void {
  status.className = 'error';
  status.textContent = errorText(error);
  status.dataset.state = 'error';
}

async function load(): Promise<void> {
  status.textContent = `Loading lxmls/${MODEL}…`;
  const url = new URL(`./models/${MODEL}/`, location.href).href;
  model = (await GPT.fromPretrained(url, { cache: false })).eval();
  status.textContent = `lxmls/${MODEL} is loaded (${model.parameterCountLine().replace('number of parameters: ', '')} parameters in the blocks, on the ${getBackend().name} backend).`;
  status.dataset.state = 'loaded';
  runButton.disabled = false;
}

async function run(): Promise<void> {
  if (model === null) return;
  const text = textInput.value;
  const tokens = integerFrom(tokensInput, 50, 1, 200);
  const numSamples = integerFrom(samplesInput, 3, 1, 10);
  const seed = integerFrom(seedInput, 42, 0, 2 ** 32 - 1);
  runButton.disabled = true;
  status.className = 'muted';
  delete status.dataset.state;
  status.textContent = 'Generating…';
  await nextFrame(); // show the status before the page is busy
  try {
    const t0 = performance.now();
    const out = promptBoth(model, text, tokens, numSamples, seed);
    sampledOut.textContent = out.sampled;
    topKOut.textContent = out.topK;
    const seconds = (performance.now() - t0) / 1000;
    status.textContent = `${2 * numSamples} samples of ${tokens} tokens in ${seconds.toFixed(2)} s (seed ${seed}).`;
    status.dataset.state = 'done';
  } catch (error) {
    fail(error);
  } finally {
    runButton.disabled = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void run();
});

load().catch(fail);
