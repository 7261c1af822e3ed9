/**
 * The worker that trains gpt-nano on the weather data with a student's `CausalSelfAttention` (Exercise 2.2
 * then 3.1): the editor's text is loaded with @lxmls/course's `loadStudentSource`, its class becomes the
 * GPT's attention (`createWeatherRun({ attention })`, the notebook's run of training.html), and every
 * iteration's loss is posted to the page, which draws it. Training in a worker keeps the page responsive
 * whatever the student's code does; the page stops a run with a "stop" message, or terminates the worker
 * when it stays silent too long (an infinite loop in `forward`).
 */

import '@lxmls/backend-wasm/register';
import type { AttentionFactory } from '@lxmls/attention';
import { loadStudentSource } from '@lxmls/course';
import { getBackend } from '@lxmls/tensor';
import { errorText } from './dom.js';
import { createWeatherRun, evaluateWeather, type WeatherRun } from './weather-run.js';
import type { ExerciseReply, ExerciseRequest, TrainRequest } from './worker-protocol.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ExerciseRequest>) => void) | null;
  postMessage(reply: ExerciseReply): void;
};

let run: WeatherRun | null = null;

/** The student's class, or an error that says what the file must export. */
function studentAttention(request: TrainRequest): AttentionFactory {
  const module = loadStudentSource(request.source, request.fileName);
  const value = module[request.exportName];
  if (typeof value !== 'function') {
    throw new Error(
      `Your code must export the class ${request.exportName} (export class ${request.exportName} extends Module { … }). It exports ${
        Object.keys(module).length > 0 ? Object.keys(module).join(', ') : 'nothing'
      }.`,
    );
  }
  return value as AttentionFactory;
}

async function train(request: TrainRequest): Promise<ExerciseReply> {
  const attention = studentAttention(request);
  const { maxIters, learningRate, seed } = request;
  const current = createWeatherRun({ maxIters, learningRate, seed, attention });
  run = current;
  const { trainer } = current;
  trainer.setCallback('on_batch_end', (t) => {
    scope.postMessage({ type: 'progress', iter: t.iterNum, loss: t.loss, iterDt: t.iterDt });
  });
  const t0 = performance.now();
  const summary = await trainer.run();
  const seconds = (performance.now() - t0) / 1000;
  const testLoss = request.evalSamples > 0 ? evaluateWeather(current, request.evalSamples).loss : null;
  const threads = (getBackend() as ReturnType<typeof getBackend> & { threads?: number }).threads ?? 1;
  return {
    type: 'trained',
    iterations: summary.iterations,
    stopped: summary.stopped,
    seconds,
    loss: trainer.loss,
    threads,
    testLoss,
    bayesTestLoss: current.bayesTest.loss,
  };
}

scope.onmessage = async (event) => {
  const request = event.data;
  if (request.type === 'stop') {
    run?.trainer.stop();
    return;
  }
  if (request.type !== 'train') return;
  let reply: ExerciseReply;
  try {
    reply = await train(request);
  } catch (error) {
    // the student's own errors keep their class name (RangeError: …); the libraries' messages say enough
    const named = error instanceof Error && error.name !== 'Error' && !/^\[@?lxmls/.test(error.message);
    reply = { type: 'failed', message: named ? `${error.name}: ${error.message}` : errorText(error) };
  }
  scope.postMessage(reply);
};
