/**
 * What the exercise pages share (exercise-2-1.html, exercise-2-2.html): the student's code in a CodeMirror
 * editor that starts from the skeleton of @lxmls/course (`getExercise(id).skeleton.ts`), saved in
 * localStorage as they type and restored on reload; "Check", which runs `checkExercise` (the grader of
 * `lxmls check`) in a fresh Web Worker, terminated after a time limit; "Download" (a .ts file); "Start
 * again" and "Show solution", each behind an inline confirmation.
 *
 * The page's URL may set `?limit=S` (the check's time limit in seconds, default 10), for the browser test.
 */

import './exercise.css';
import { getExercise } from '@lxmls/course';
import { byId } from '../lib/dom.js';
import { type CodeEditor, createCodeEditor } from '../lib/editor.js';
import { reportSummary, studentMessage } from '../lib/editor-report.js';
import { forgetCode, type KeyValueStore, loadCode, saveCode } from '../lib/editor-storage.js';
import { startWorkerTask, type TaskEnd, type WorkerLike } from '../lib/worker-client.js';
import { type CheckRequest, type ExerciseReply, isFinalReply } from '../lib/worker-protocol.js';

/** The default time limit of a check, in seconds. */
export const CHECK_TIME_LIMIT_S = 10;

/**
 * A positive number from the page's URL (`?iters=50`, `?limit=3`), or the fallback.
 *
 * @param name - The query parameter.
 * @param fallback - The value when it is missing, not a number, or not positive.
 * @returns The number.
 */
export function urlNumber(name: string, fallback: number): number {
  const value = Number(new URLSearchParams(location.search).get(name) ?? Number.NaN);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The page's localStorage, or null where the browser denies it. */
function browserStorage(): KeyValueStore | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** A fresh grading worker (Vite bundles `worker-check.ts` and its imports as a module worker). */
function checkWorker(): WorkerLike {
  return new Worker(new URL('../lib/worker-check.ts', import.meta.url), {
    type: 'module',
    name: 'lxmls-check',
  }) as unknown as WorkerLike;
}

/**
 * Shows `question` with two buttons in `box` (which is hidden until then) and resolves with the answer.
 *
 * @param box - The element holding `.confirm-text`, `.confirm-yes` and `.confirm-no`.
 * @param question - What to ask.
 * @param yes - The label of the button that confirms.
 * @returns True when confirmed.
 */
function askInline(box: HTMLElement, question: string, yes: string): Promise<boolean> {
  const text = box.querySelector<HTMLElement>('.confirm-text')!;
  const yesButton = box.querySelector<HTMLButtonElement>('.confirm-yes')!;
  const noButton = box.querySelector<HTMLButtonElement>('.confirm-no')!;
  text.textContent = question;
  yesButton.textContent = yes;
  box.hidden = false;
  yesButton.focus();
  return new Promise((resolve) => {
    const answer = (value: boolean) => () => {
      box.hidden = true;
      yesButton.onclick = null;
      noButton.onclick = null;
      resolve(value);
    };
    yesButton.onclick = answer(true);
    noButton.onclick = answer(false);
  });
}

/** Saves `text` as a file named `fileName` through the browser's download. */
function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** An exercise of @lxmls/course (`getExercise`'s result). */
export type Exercise = ReturnType<typeof getExercise>;

/** What a mounted exercise page offers to the page-specific code (the training of 2.2). */
export interface ExercisePage {
  /** The exercise, from @lxmls/course. */
  exercise: Exercise;
  /** The editor holding the student's code. */
  editor: CodeEditor;
  /** The name the student's file is loaded and downloaded as. */
  fileName: string;
}

/**
 * A "Go to line N" button for the first `file:line:col` of the student's file in `text`, or null.
 *
 * @param text - A message.
 * @param fileName - The student's file name.
 * @param editor - The editor to move the cursor in.
 */
function gotoButton(text: string, fileName: string, editor: CodeEditor): HTMLButtonElement | null {
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`).exec(text);
  if (!match) return null;
  const line = Number(match[1]);
  const column = Number(match[2] ?? 1);
  const { doc } = editor.view.state;
  if (line < 1 || line > doc.lines) return null;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'goto';
  button.textContent = `Go to line ${line}`;
  button.addEventListener('click', () => {
    const at = doc.line(line);
    const pos = Math.min(at.from + Math.max(0, column - 1), at.to);
    editor.view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    editor.view.focus();
  });
  return button;
}

/** Where a check's end is shown. */
function showCheckEnd(end: TaskEnd<ExerciseReply>, limitS: number, page: ExercisePage): void {
  const status = byId('check-status');
  const list = byId('checks', HTMLUListElement);
  list.replaceChildren();
  status.className = 'error';
  if (end.status === 'timeout') {
    status.textContent = `Your code did not finish within ${limitS} s, so the check was stopped. Look for a loop that never ends (a while whose condition stays true, a for loop whose counter never reaches its bound) or work that grows without bound.`;
    status.dataset.state = 'timeout';
    return;
  }
  if (end.status === 'crashed') {
    status.textContent = `The checker could not run: ${studentMessage(end.message)}`;
    status.dataset.state = 'error';
    return;
  }
  if (end.status === 'cancelled') return;
  const reply = end.reply;
  if (reply.type === 'failed') {
    status.textContent = `Your code could not be run: ${studentMessage(reply.message)}`;
    status.dataset.state = 'unloadable';
    const goto = gotoButton(reply.message, page.fileName, page.editor);
    if (goto) status.append(goto);
    return;
  }
  if (reply.type !== 'report') return;
  const { report } = reply;
  status.className = report.passed ? 'ok' : 'error';
  status.textContent = reportSummary(report);
  status.dataset.state = report.passed ? 'passed' : 'failed';
  for (const check of report.checks) {
    const item = document.createElement('li');
    item.className = `check ${check.passed ? 'pass' : 'fail'}`;
    item.dataset.passed = String(check.passed);
    const mark = document.createElement('span');
    mark.className = `mark ${check.passed ? 'ok' : 'error'}`;
    mark.textContent = check.passed ? '✓' : '✗';
    mark.setAttribute('aria-label', check.passed ? 'passed' : 'failed');
    const name = document.createElement('strong');
    name.className = 'check-name';
    name.textContent = check.name;
    const message = document.createElement('div');
    message.className = 'check-message';
    message.textContent = studentMessage(check.message);
    const goto = check.passed ? null : gotoButton(check.message, page.fileName, page.editor);
    if (goto) message.append(goto);
    item.append(mark, ' ', name, message);
    list.append(item);
  }
}

/**
 * Mounts the editor, the buttons and the check of an exercise page.
 *
 * @param id - The exercise ("2.1", "2.2").
 * @returns The {@link ExercisePage}.
 */
export function mountExercise(id: string): ExercisePage {
  const exercise = getExercise(id);
  const fileName = exercise.fileName.ts;
  const skeleton = exercise.skeleton.ts;
  const storage = browserStorage();
  const limitS = urlNumber('limit', CHECK_TIME_LIMIT_S);
  const saveStatus = byId('save-status');

  byId('file-name').textContent = fileName;
  byId('signature').textContent = exercise.signature;

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const save = (code: string) => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    const saved = saveCode(storage, id, code);
    saveStatus.textContent = saved
      ? 'Saved in this browser.'
      : 'This browser does not let the page save your code: download it before you leave.';
    saveStatus.dataset.state = saved ? 'saved' : 'unsaved';
  };
  const restored = loadCode(storage, id);
  const editor = createCodeEditor(byId('editor'), {
    doc: restored ?? skeleton,
    label: `Your code for Exercise ${id} (${fileName})`,
    onChange: (code) => {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => save(code), 300);
      saveStatus.textContent = 'Editing…';
      delete saveStatus.dataset.state;
    },
  });
  saveStatus.textContent =
    restored === null ? 'The skeleton, as the course gives it.' : 'Your saved code, restored.';
  addEventListener('pagehide', () => {
    if (saveTimer !== undefined) save(editor.getCode());
  });

  // Check: a fresh worker per run (the student's code may change globals), terminated after the time limit.
  // From the first check on, the next run's worker starts loading while this one runs, so that it is ready
  // by the time the student clicks again.
  let spare: WorkerLike | null = null;
  const nextWorker = (): WorkerLike => {
    const worker = spare ?? checkWorker();
    spare = checkWorker();
    return worker;
  };
  const checkButton = byId('check', HTMLButtonElement);
  const status = byId('check-status');
  checkButton.addEventListener('click', async () => {
    const source = editor.getCode();
    save(source);
    checkButton.disabled = true;
    status.className = '';
    status.textContent = 'Checking…';
    status.dataset.state = 'running';
    byId('checks').replaceChildren();
    const request: CheckRequest = { type: 'check', exercise: id, source, fileName };
    const task = startWorkerTask<ExerciseReply>(nextWorker, request, {
      timeLimitMs: limitS * 1000,
      isFinal: isFinalReply,
    });
    showCheckEnd(await task.done, limitS, { exercise, editor, fileName });
    checkButton.disabled = false;
    status.scrollIntoView({ block: 'nearest' });
  });

  byId('download', HTMLButtonElement).addEventListener('click', () => download(fileName, editor.getCode()));

  const confirmBox = byId('confirm');
  byId('reset', HTMLButtonElement).addEventListener('click', async () => {
    const ok = await askInline(
      confirmBox,
      'Replace your code with the skeleton? What you wrote is lost (download it first to keep it).',
      'Replace my code',
    );
    if (!ok) return;
    editor.setCode(skeleton);
    forgetCode(storage, id);
    saveStatus.textContent = 'The skeleton, as the course gives it.';
  });

  // the solution, read-only, after a confirmation
  const solutionBox = byId('solution');
  const showButton = byId('show-solution', HTMLButtonElement);
  let solutionShown = false; // the read-only editor is made on the first reveal
  showButton.addEventListener('click', async () => {
    if (!solutionBox.hidden) {
      solutionBox.hidden = true;
      showButton.textContent = 'Show solution';
      return;
    }
    const ok = await askInline(
      confirmBox,
      'Show the reference solution? You learn more by getting the checks to pass yourself first.',
      'Show it',
    );
    if (!ok) return;
    if (!solutionShown) {
      createCodeEditor(byId('solution-editor'), {
        doc: exercise.solution.ts,
        label: `The reference solution of Exercise ${id}`,
        readOnly: true,
      });
      solutionShown = true;
    }
    solutionBox.hidden = false;
    showButton.textContent = 'Hide solution';
  });

  return { exercise, editor, fileName };
}
