/**
 * Two models of @lxmls/models, in the browser. The site serves their folders under `./models/<name>/`
 * (vite.config.ts `SITE_MODELS`: in development from packages/models/models, in a build copied into dist), and the
 * page loads them with `GPT.fromPretrained(url, { cache: false })`: the browser's HTTP cache is enough for
 * files of the site itself.
 *
 * - lxmls/shakespeare-char: sampled a few characters per `generate` call with one seeded generator, the text
 *   streamed into the page through `onToken`; on @lxmls/tensor (wasm, or WebGPU: a copy of the weights on
 *   @lxmls/backend-webgpu, lib/page-webgpu.ts, each token's logits read back asynchronously), or exported in
 *   the page and run on ONNX Runtime Web (wasm or WebGPU: lib/onnx-runtime.ts) with the same seeded sampling.
 * - lxmls/weather-nano: the next day's weather probabilities for a typed week, next to the exact HMM ones.
 */

import '@lxmls/backend-wasm/register';
import { type CharTokenizer, charTokenizerFromJson } from '@lxmls/bpe';
import { copyModel } from '@lxmls/course';
import { GPT } from '@lxmls/gpt';
import { getBackend } from '@lxmls/tensor';
import { OBSERVATIONS, STATES } from '@lxmls/weather-data';
import { byId, errorText, nextFrame, numberFrom, perFrame } from '../lib/dom.js';
import { renderNotebook } from '../lib/notebook-html.js';
import { onnxSession, type PageBackend, sampleTokensOnnx, webgpuAvailable } from '../lib/onnx-runtime.js';
import { pageWebGpu } from '../lib/page-webgpu.js';
import { generateOnDevice, sampleInChunks, sampleTokens } from '../lib/sample-text.js';
import { greedyWeek, nextDay, parseNames } from '../lib/weather-demo.js';

renderNotebook(); // the notebook's words first: explanations, cells (Python | TypeScript), questions

/** The URL of a model folder served by this site. */
const modelUrl = (name: string) => new URL(`./models/${name}/`, location.href).href;

// Shakespeare
const form = byId('sample-form', HTMLFormElement);
const promptInput = byId('prompt', HTMLTextAreaElement);
const maxNewInput = byId('max-new', HTMLInputElement);
const temperatureInput = byId('temperature', HTMLInputElement);
const topKInput = byId('top-k', HTMLInputElement);
const seedInput = byId('sample-seed', HTMLInputElement);
const sampleButton = byId('sample', HTMLButtonElement);
const stopButton = byId('sample-stop', HTMLButtonElement);
const sampleStatus = byId('sample-status');
const sampleText = byId('sample-text');
const sampleBackend = byId('sample-backend', HTMLSelectElement);
void webgpuAvailable().then((ok) => {
  const option = sampleBackend.querySelector<HTMLOptionElement>('option[value="onnx-webgpu"]')!;
  option.disabled = !ok;
  if (!ok) option.textContent = 'ONNX Runtime Web (WebGPU: not in this browser)';
});
void pageWebGpu().then((gpu) => {
  const option = sampleBackend.querySelector<HTMLOptionElement>('option[value="webgpu"]')!;
  option.disabled = gpu.unavailable !== undefined;
  option.textContent =
    gpu.unavailable === undefined
      ? `@lxmls/tensor (WebGPU: ${gpu.backend.adapterName})`
      : '@lxmls/tensor (WebGPU: not in this browser, use wasm)';
  option.title = gpu.unavailable ?? gpu.backend.adapterName;
});

/** The Shakespeare model copied onto the page's WebGPU backend (once). */
let shakespeareOnGpu: Promise<GPT> | null = null;

let shakespeare: { model: GPT; tokenizer: CharTokenizer } | null = null;
let stopRequested = false;

async function loadShakespeare(): Promise<void> {
  sampleStatus.textContent = 'Loading lxmls/shakespeare-char…';
  const url = modelUrl('shakespeare-char');
  const model = (await GPT.fromPretrained(url, { cache: false })).eval();
  const response = await fetch(`${url}tokenizer.json`);
  if (!response.ok)
    throw new Error(
      `${response.url} could not be downloaded (HTTP ${response.status}): reload the page to try again.`,
    );
  shakespeare = { model, tokenizer: charTokenizerFromJson(await response.text()) };
  shakespeareOnGpu = null;
  sampleStatus.textContent = `lxmls/shakespeare-char is loaded (${model.parameterCountLine().replace('number of parameters: ', '')} parameters, on the ${getBackend().name} backend).`;
  sampleButton.disabled = false;
}

async function sample(): Promise<void> {
  if (shakespeare === null) return;
  const { model, tokenizer } = shakespeare;
  delete sampleStatus.dataset.state;
  sampleStatus.className = 'muted';
  let prompt: number[];
  try {
    prompt = promptInput.value === '' ? [tokenizer.startId] : tokenizer.encode(promptInput.value);
  } catch (error) {
    sampleStatus.className = 'error';
    sampleStatus.textContent = errorText(error);
    sampleStatus.dataset.state = 'error';
    return;
  }
  const maxNewTokens = Math.max(1, Math.min(2000, Math.round(numberFrom(maxNewInput, 300))));
  const temperature = Math.max(0.05, numberFrom(temperatureInput, 0.8));
  const topK = Math.max(1, Math.min(model.config.vocabSize, Math.round(numberFrom(topKInput, 20))));
  const seed = Math.max(0, Math.round(numberFrom(seedInput, 42)));
  sampleButton.disabled = true;
  stopButton.disabled = false;
  stopRequested = false;
  const head = tokenizer.decode(prompt);
  let added = '';
  sampleText.textContent = head;
  sampleStatus.textContent = 'Sampling…';
  const t0 = performance.now();
  try {
    const backend = sampleBackend.value as PageBackend | 'webgpu';
    const sampling = {
      maxNewTokens,
      temperature,
      topK,
      seed,
      onToken: (token: number) => {
        added += tokenizer.decode([token]);
      },
      pause: async () => {
        sampleText.textContent = head + added; // one repaint per chunk
        await nextFrame();
        return !stopRequested;
      },
    };
    const tokens =
      backend === 'tensor'
        ? await sampleTokens(model, prompt, sampling)
        : backend === 'webgpu'
          ? await sampleOnGpu(model, prompt, sampling)
          : await sampleTokensOnnx(
              await onnxSession(model, backend),
              model.config.blockSize,
              prompt,
              sampling,
            );
    sampleText.textContent = head + added;
    sampleText.dataset.added = added; // read by the browser test
    const seconds = (performance.now() - t0) / 1000;
    sampleStatus.textContent = `${stopRequested ? 'Stopped after' : 'Added'} ${tokens.length} characters in ${seconds.toFixed(2)} s (seed ${seed}, temperature ${temperature}, top-k ${topK})${backend === 'tensor' ? '' : backend === 'webgpu' ? ` on WebGPU (${gpuAdapter})` : ` on ONNX Runtime Web (${backend === 'onnx-wasm' ? 'wasm' : 'WebGPU'})`}.`;
    sampleStatus.dataset.state = 'done';
  } catch (error) {
    sampleStatus.className = 'error';
    sampleStatus.textContent = errorText(error);
    sampleStatus.dataset.state = 'error';
  } finally {
    sampleButton.disabled = false;
    stopButton.disabled = true;
  }
}

/** The adapter the last WebGPU sample ran on. */
let gpuAdapter = '';

/** Samples on the page's WebGPU backend: the model's weights copied there once, the draws on the CPU. */
async function sampleOnGpu(
  model: GPT,
  prompt: readonly number[],
  sampling: Parameters<typeof sampleTokens>[2],
): Promise<number[]> {
  const gpu = await pageWebGpu();
  if (gpu.unavailable !== undefined)
    throw new Error(`WebGPU is not available in this browser (${gpu.unavailable}): choose wasm.`);
  gpuAdapter = gpu.backend.adapterName;
  shakespeareOnGpu ??= (async () => {
    const onGpu = await copyModel(model, () => new GPT(model.config, { init: 'none' }), gpu.backend);
    return onGpu.eval();
  })();
  const onGpu = await shakespeareOnGpu;
  return sampleInChunks(
    (context, n, options) => generateOnDevice(onGpu, context, n, options, gpu.backend),
    model.config.blockSize,
    prompt,
    sampling,
  );
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void sample();
});
stopButton.addEventListener('click', () => {
  stopRequested = true;
});

// Weather
const activitiesInput = byId('activities', HTMLInputElement);
const weathersInput = byId('weathers', HTMLInputElement);
const weatherStatus = byId('weather-status');
const weatherTable = byId('weather-table');
const weatherSum = byId('weather-sum');
const weatherWeek = byId('weather-week', HTMLOutputElement);
let weatherModel: GPT | null = null;

const percent = (p: number) => `${(100 * p).toFixed(2)}%`;

/** A cell with a probability, its full value in `data-p` (read by the browser test) and a bar. */
function probabilityCell(row: HTMLTableRowElement, p: number | null): void {
  const cell = row.insertCell();
  if (p === null) {
    cell.textContent = '—';
    return;
  }
  cell.dataset.p = String(p);
  cell.textContent = percent(p);
  const bar = document.createElement('span');
  bar.className = 'bar';
  bar.style.width = `${(4 * p).toFixed(2)}rem`;
  bar.setAttribute('aria-hidden', 'true');
  cell.appendChild(bar);
}

function showWeather(): void {
  if (weatherModel === null) return;
  try {
    const obs = parseNames(activitiesInput.value, OBSERVATIONS, 0);
    const states = parseNames(weathersInput.value, STATES, OBSERVATIONS.length);
    const day = nextDay(weatherModel, obs, states);
    const table = document.createElement('table');
    table.className = 'probs';
    table.id = 'weather-probs';
    table.createCaption().textContent = `Day ${states.length + 1} (${day.activity}): the weather`;
    const header = table.createTHead().insertRow();
    for (const title of ['', 'gpt-nano', 'the HMM (exact)']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = title;
      header.appendChild(th);
    }
    const body = table.createTBody();
    for (const [i, name] of STATES.entries()) {
      const row = body.insertRow();
      row.dataset.weather = name;
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = name;
      row.appendChild(th);
      probabilityCell(row, day.model[i]!);
      probabilityCell(row, day.truth?.[i] ?? null);
    }
    const other = body.insertRow();
    other.dataset.weather = 'other';
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = 'an activity token';
    other.appendChild(th);
    probabilityCell(other, day.other);
    probabilityCell(other, 0);
    weatherTable.replaceChildren(table);
    const sum = day.model.reduce((a, b) => a + b, 0) + day.other;
    weatherSum.textContent =
      `The model's column is its softmax over all 8 tokens (it sums to ${sum.toFixed(4)}); the model never saw an activity as a target, so it gives them almost nothing.` +
      (day.truth === null ? ' The HMM gives the weathers typed probability 0 with these activities.' : '');
    const week = greedyWeek(weatherModel, obs);
    weatherWeek.textContent = [
      `gpt-nano, greedy (model.generate(x, 6)): ${week.model.join(' ')}`,
      `the HMM, greedy (greedyDecode):         ${week.hmm?.join(' ') ?? 'impossible activities'}`,
    ].join('\n');
    weatherWeek.style.whiteSpace = 'pre';
    weatherStatus.className = 'muted';
    weatherStatus.textContent = `lxmls/weather-nano on the ${getBackend().name} backend.`;
  } catch (error) {
    weatherStatus.className = 'error';
    weatherStatus.textContent = errorText(error);
  }
}

async function loadWeather(): Promise<void> {
  weatherStatus.textContent = 'Loading lxmls/weather-nano…';
  weatherModel = (await GPT.fromPretrained(modelUrl('weather-nano'), { cache: false })).eval();
  showWeather();
}

const scheduleWeather = perFrame(showWeather);
activitiesInput.addEventListener('input', scheduleWeather);
weathersInput.addEventListener('input', scheduleWeather);

loadShakespeare().catch((error) => {
  sampleStatus.className = 'error';
  sampleStatus.textContent = `Could not load lxmls/shakespeare-char. ${errorText(error)}`;
});
loadWeather().catch((error) => {
  weatherStatus.className = 'error';
  weatherStatus.textContent = `Could not load lxmls/weather-nano. ${errorText(error)}`;
});
