/**
 * Exercise 2.2 in the browser: the student completes the four holes of `CausalSelfAttention.forward` in the
 * editor and checks them with the course's grader (see exercise-page.ts); then "Train with my attention"
 * trains gpt-nano on the weather data with the student's class in every block (training.html's run, in a
 * worker: worker-train.ts), drawing the loss next to the Bayes-optimal line.
 *
 * The page's URL may set `?iters=N` (the iterations field's starting value), for the browser test.
 */

import { type LossChartHandle, lossChart } from '@lxmls/viz';
import { bayesOptimal, FIXED_PROBA } from '@lxmls/weather-data';
import { byId } from '../lib/dom.js';
import { studentMessage } from '../lib/editor-report.js';
import { startWorkerTask, type WorkerLike, type WorkerTask } from '../lib/worker-client.js';
import { type ExerciseReply, isFinalReply, type TrainRequest } from '../lib/worker-protocol.js';
import { mountExercise, urlNumber } from './exercise-page.js';

/** Seconds without a finished iteration after which training is stopped (the first includes loading). */
const SILENCE_LIMIT_S = 30;
/** Test sequences of the evaluation after training. */
const EVAL_SAMPLES = 500;

const { exercise, editor, fileName } = mountExercise('2.2');

const theme = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
const bayes = bayesOptimal(FIXED_PROBA, 6);
const form = byId('train-form', HTMLFormElement);
const itersInput = byId('iters', HTMLInputElement);
const seedInput = byId('seed', HTMLInputElement);
const trainButton = byId('train', HTMLButtonElement);
const stopButton = byId('stop', HTMLButtonElement);
const status = byId('train-status');
const chartElement = byId('chart');
itersInput.value = String(Math.round(urlNumber('iters', itersInput.valueAsNumber)));

let chart: LossChartHandle = lossChart(chartElement, { points: [], bayesLoss: bayes.loss }, { theme });
let task: WorkerTask<ExerciseReply> | null = null;

function trainWorker(): WorkerLike {
  return new Worker(new URL('../lib/worker-train.ts', import.meta.url), {
    type: 'module',
    name: 'lxmls-train',
  }) as unknown as WorkerLike;
}

/** `text` ending with a full stop (unless it ends with one, or with ! or ?). */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function setStatus(text: string, state: string, className = ''): void {
  status.textContent = text;
  status.className = className;
  status.dataset.state = state; // read by the browser test
}

async function train(): Promise<void> {
  if (task) return;
  const maxIters = Math.max(
    1,
    Math.round(Number.isFinite(itersInput.valueAsNumber) ? itersInput.valueAsNumber : 2000),
  );
  const seed = Math.max(
    0,
    Math.round(Number.isFinite(seedInput.valueAsNumber) ? seedInput.valueAsNumber : 0),
  );
  chart.destroy();
  chartElement.replaceChildren();
  chart = lossChart(chartElement, { points: [], bayesLoss: bayes.loss }, { theme });
  trainButton.disabled = true;
  stopButton.disabled = false;
  setStatus(`Building gpt-nano with your ${exercise.exportName}…`, 'running');
  const request: TrainRequest = {
    type: 'train',
    source: editor.getCode(),
    fileName,
    exportName: exercise.exportName,
    maxIters,
    learningRate: 5e-4,
    seed,
    evalSamples: EVAL_SAMPLES,
  };
  const current = startWorkerTask<ExerciseReply>(trainWorker, request, {
    timeLimitMs: SILENCE_LIMIT_S * 1000,
    limit: 'idle',
    isFinal: isFinalReply,
    onReply: (reply) => {
      if (reply.type !== 'progress') return;
      chart.push({ step: reply.iter, loss: reply.loss });
      if (reply.iter % 25 === 0 || reply.iter === maxIters - 1) {
        status.textContent = `Iteration ${reply.iter + 1} of ${maxIters}: train loss ${reply.loss.toFixed(4)} (Bayes-optimal ${bayes.loss.toFixed(4)}).`;
      }
    },
  });
  task = current;
  const end = await current.done;
  task = null;
  trainButton.disabled = false;
  stopButton.disabled = true;
  if (end.status === 'timeout') {
    setStatus(
      `No training step finished within ${SILENCE_LIMIT_S} s, so training was stopped. Does your forward loop forever? Run "Check" first.`,
      'timeout',
      'error',
    );
  } else if (end.status === 'crashed') {
    setStatus(`Training could not run: ${studentMessage(end.message)}`, 'error', 'error');
  } else if (end.status === 'done' && end.reply.type === 'failed') {
    setStatus(
      `Training failed: ${sentence(studentMessage(end.reply.message))} Run "Check" to find out why.`,
      'error',
      'error',
    );
  } else if (end.status === 'done' && end.reply.type === 'trained') {
    const r = end.reply;
    const perIter =
      r.iterations > 0 ? `, ${((1000 * r.seconds) / r.iterations).toFixed(1)} ms per iteration` : '';
    const held =
      r.testLoss === null
        ? ''
        : ` Held-out loss ${r.testLoss.toFixed(4)} on ${EVAL_SAMPLES} test sequences, ${(r.testLoss / r.bayesTestLoss).toFixed(3)}× the Bayes-optimal ${r.bayesTestLoss.toFixed(4)} there.`;
    setStatus(
      `${r.stopped ? 'Stopped' : 'Done'} after ${r.iterations} iterations with your attention (${r.seconds.toFixed(1)} s${perIter}, wasm backend, ${r.threads} thread${r.threads === 1 ? '' : 's'}): last train loss ${r.loss.toFixed(4)}, Bayes-optimal ${bayes.loss.toFixed(4)}.${held}`,
      'done',
      'ok',
    );
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void train();
});
stopButton.addEventListener('click', () => {
  task?.post({ type: 'stop' });
  status.textContent = 'Stopping after this iteration…';
});
