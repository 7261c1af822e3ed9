/**
 * The worker that grades a student's code for an exercise page: it loads the editor's text with
 * @lxmls/course's `loadStudentSource` (TypeScript stripped by sucrase, imports of @lxmls/* bound to the
 * site's own modules) and runs `checkExercise`, the grader the `lxmls check` command runs. The page starts a
 * fresh worker for every check and terminates it after its time limit, so a student's infinite loop stops
 * this worker, never the page.
 */

import '@lxmls/backend-wasm/register';
import { checkExercise, loadStudentSource } from '@lxmls/course';
import { errorText } from './dom.js';
import type { CheckRequest, ExerciseReply } from './worker-protocol.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<CheckRequest>) => void) | null;
  postMessage(reply: ExerciseReply): void;
};

scope.onmessage = async (event) => {
  const { exercise, source, fileName } = event.data;
  let reply: ExerciseReply;
  try {
    const module = loadStudentSource(source, fileName);
    const report = await checkExercise(exercise, module, { fileName });
    // a plain copy: the report may hold more than structured clone accepts
    reply = {
      type: 'report',
      report: {
        exercise: report.exercise,
        passed: report.passed,
        checks: report.checks.map(({ name, passed, message }) => ({ name, passed, message })),
      },
    };
  } catch (error) {
    reply = { type: 'failed', message: errorText(error) };
  }
  scope.postMessage(reply);
};
