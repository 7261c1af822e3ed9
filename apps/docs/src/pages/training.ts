/**
 * Exercise 3.1, live: gpt-nano trains on the weather data in the page, on the wasm backend, with the course
 * Trainer. Every iteration adds a point to @lxmls/viz's loss chart (next to the Bayes-optimal line); every
 * 100 iterations the notebook's log line is printed; Start / Stop control the run. The Trainer yields to the
 * event loop every few milliseconds, so the page keeps responding while it trains.
 *
 * The wasm backend computes with two threads (the page plus a worker over shared memory) where the page is
 * cross-origin isolated (the site's server sends COOP/COEP headers, see the README), else with one; the page
 * shows which ("wasm backend, 2 threads").
 *
 * The Backend choice trains on WebGPU instead (@lxmls/backend-webgpu, lib/page-webgpu.ts): the adapter's
 * name is shown; the Trainer reads each iteration's loss asynchronously there; the evaluation runs on the
 * CPU, on a copy of the trained weights. Where WebGPU is missing, the choice is disabled with the reason,
 * and a run asked of it says so and trains on wasm.
 */

import '@lxmls/backend-wasm/register';
import { FusedCausalSelfAttention } from '@lxmls/attention';
import { copyModel, weatherModelConfig } from '@lxmls/course';
import { GPT } from '@lxmls/gpt';
import { getBackend, setBackend } from '@lxmls/tensor';
import { type LossChartHandle, lossChart } from '@lxmls/viz';
import { bayesOptimal, FIXED_PROBA } from '@lxmls/weather-data';
import { byId, errorText, numberFrom } from '../lib/dom.js';
import { renderNotebook } from '../lib/notebook-html.js';
import { cpuAdapterNote, pageWebGpu, webgpuFallbackText } from '../lib/page-webgpu.js';
import { createWeatherRun, evaluateWeather, iterLine, type WeatherRun } from '../lib/weather-run.js';

renderNotebook(); // the notebook's words first: explanations, cells (Python | TypeScript), questions

const theme = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
const form = byId('train-form', HTMLFormElement);
const itersInput = byId('iters', HTMLInputElement);
const lrInput = byId('lr', HTMLInputElement);
const seedInput = byId('seed', HTMLInputElement);
const startButton = byId('start', HTMLButtonElement);
const stopButton = byId('stop', HTMLButtonElement);
const status = byId('status');
const log = byId('log');
const chartElement = byId('chart');
const evalOut = byId('eval', HTMLOutputElement);
const backendSelect = byId('train-backend', HTMLSelectElement);
const webgpuOption = backendSelect.querySelector<HTMLOptionElement>('option[value="webgpu"]')!;
void pageWebGpu().then((gpu) => {
  webgpuOption.disabled = gpu.unavailable !== undefined;
  webgpuOption.textContent =
    gpu.unavailable === undefined ? `WebGPU (${gpu.backend.adapterName})` : 'WebGPU (not in this browser)';
  webgpuOption.title = gpu.unavailable ?? gpu.backend.adapterName;
  backendSelect.dataset.webgpu = gpu.unavailable === undefined ? 'available' : 'unavailable'; // read by the browser test
});

const bayes = bayesOptimal(FIXED_PROBA, 6);
byId('bayes', HTMLOutputElement).textContent = bayes.loss.toFixed(4);

/** The threads the current backend computes with (`threads` of the wasm backend; 1 for a backend without). */
function backendThreads(): number {
  return (getBackend() as ReturnType<typeof getBackend> & { threads?: number }).threads ?? 1;
}

/** "wasm backend, 2 threads" or "webgpu backend, adapter …": the backend the Trainer runs on. */
function backendText(): string {
  const backend = getBackend() as ReturnType<typeof getBackend> & { adapterName?: string };
  if (backend.adapterName !== undefined) return `${backend.name} backend, adapter ${backend.adapterName}`;
  const threads = backendThreads();
  return `${backend.name} backend, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/**
 * Makes the chosen backend current: `webgpu` when chosen and available, else `wasm`.
 *
 * @returns A note for the status line when WebGPU was chosen but is missing (the fallback named), else ''.
 */
async function chooseBackend(): Promise<string> {
  if (backendSelect.value === 'webgpu') {
    const gpu = await pageWebGpu();
    if (gpu.unavailable === undefined) {
      await setBackend('webgpu');
      return cpuAdapterNote(gpu.backend.adapterName);
    }
    await setBackend('wasm');
    return ` ${webgpuFallbackText(gpu.unavailable)}`;
  }
  await setBackend('wasm');
  return '';
}

const backendOutput = byId('backend', HTMLOutputElement);
backendOutput.textContent = backendText();
backendOutput.dataset.threads = String(backendThreads()); // read by the browser test

let chart: LossChartHandle = lossChart(chartElement, { points: [], bayesLoss: bayes.loss }, { theme });
let run: WeatherRun | null = null;

function appendLog(line: string): void {
  log.textContent += `${line}\n`;
  log.scrollTop = log.scrollHeight;
}

/**
 * Evaluates the run on the CPU: the evaluation reads synchronously, which WebGPU cannot, so a model trained
 * there is copied to the wasm backend first (each weight read once).
 */
async function showEvaluation(current: WeatherRun): Promise<void> {
  const onGpu = current.model.parameters()[0]?.backend.name === 'webgpu';
  await setBackend('wasm');
  const model = onGpu
    ? await copyModel(
        current.model,
        () => new GPT(weatherModelConfig(), { attention: FusedCausalSelfAttention }),
        getBackend(),
      )
    : current.model;
  let e: ReturnType<typeof evaluateWeather>;
  try {
    e = evaluateWeather({ ...current, model }, 1000);
  } finally {
    if (model !== current.model) model.dispose();
  }
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const row = (name: string, mine: string, perfect: string) =>
    `${name.padEnd(20)}${mine.padStart(10)}${perfect.padStart(16)}`;
  evalOut.textContent = [
    row('', 'this model', 'perfect model'),
    row('loss (nats/label)', e.loss.toFixed(4), e.perfect.loss.toFixed(4)),
    row('label accuracy', pct(e.labelAccuracy), pct(e.perfect.labelAccuracy)),
    row('sequence accuracy', pct(e.sequenceAccuracy), pct(e.perfect.sequenceAccuracy)),
    '',
    `${e.samples} test sequences. The loss predicts each weather from the true ones before it (as in training);`,
    "the accuracies decode greedily, each weather from the model's own previous guesses. The perfect model",
    `outputs the HMM's true conditionals; Viterbi decoding, the best possible for whole sequences, gets ${pct(e.perfect.viterbiSequenceAccuracy)}.`,
    ...(onGpu
      ? ['Trained on WebGPU; evaluated on the CPU (wasm backend) from a copy of the trained weights.']
      : []),
  ].join('\n');
  evalOut.style.whiteSpace = 'pre';
}

async function start(): Promise<void> {
  if (run?.trainer.running) return;
  run?.model.dispose();
  run = null;
  const maxIters = Math.max(1, Math.round(numberFrom(itersInput, 2000)));
  const learningRate = numberFrom(lrInput, 5e-4);
  const seed = Math.max(0, Math.round(numberFrom(seedInput, 0)));
  chart.destroy();
  chartElement.replaceChildren();
  chart = lossChart(chartElement, { points: [], bayesLoss: bayes.loss }, { theme });
  log.textContent = '';
  evalOut.textContent = 'Training…';
  startButton.disabled = true;
  stopButton.disabled = false;
  status.className = '';
  const t0 = performance.now();
  try {
    // training on the js reference backend (WebAssembly unavailable) is much slower: the page says so
    let note = await chooseBackend();
    const onNotice = () => {
      note = ' Note: WebAssembly is not available here, so this runs on the slow js reference backend.';
    };
    const current = createWeatherRun({ maxIters, learningRate, seed, onNotice });
    run = current;
    const { trainer } = current;
    backendOutput.textContent = backendText();
    status.textContent = `Training for ${maxIters} iterations on the ${backendText()}…${note}`;
    trainer.setCallback('on_batch_end', (t) => {
      chart.push({ step: t.iterNum, loss: t.loss });
      if (t.iterNum % 100 === 0 || t.iterNum === maxIters - 1) appendLog(iterLine(t));
      if (t.iterNum % 25 === 0)
        status.textContent = `Iteration ${t.iterNum + 1} of ${maxIters}: train loss ${t.loss.toFixed(4)}.`;
    });
    const summary = await trainer.run();
    const seconds = (performance.now() - t0) / 1000;
    appendLog(`Training time: ${seconds.toFixed(2)} seconds`);
    const perIter =
      summary.iterations > 0
        ? ` ${((1000 * seconds) / summary.iterations).toFixed(1)} ms per iteration,`
        : '';
    status.textContent = `${summary.stopped ? 'Stopped' : 'Done'} after ${summary.iterations} iterations (${seconds.toFixed(1)} s,${perIter} ${backendText()}): last train loss ${trainer.loss.toFixed(4)}, Bayes-optimal ${bayes.loss.toFixed(4)}.${note}`;
    evalOut.textContent = 'Evaluating…';
    await showEvaluation(current);
    status.dataset.state = 'done'; // read by the browser test
  } catch (error) {
    status.className = 'error';
    status.textContent = `Training failed: ${errorText(error)}`;
    status.dataset.state = 'error';
  } finally {
    startButton.disabled = false;
    stopButton.disabled = true;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  delete status.dataset.state;
  void start();
});
stopButton.addEventListener('click', () => {
  run?.trainer.stop();
  status.textContent = 'Stopping after this iteration…';
});
