import { describe, expect, test } from 'vitest';
import { EXERCISES } from '../exercises.js';
import { loadStudentSource } from '../load.js';
import { WRONG_SOLUTIONS } from '../testing/wrong-solutions.js';
import { checkExercise } from './check.js';

const solutions = EXERCISES.flatMap((e) =>
  (['ts', 'js'] as const).map((lang) => [e.id, lang, e.solution[lang], e.fileName[lang]] as const),
);

describe('checkExercise(id, impl)', () => {
  test.each(solutions)(
    'checkExercise %s on the %s solution passes every check',
    async (id, _, source, fileName) => {
      const report = await checkExercise(id, loadStudentSource(source, fileName), { fileName });
      expect(report.checks.filter((c) => !c.passed)).toEqual([]);
      expect(report.passed).toBe(true);
      expect(report.exercise).toBe(id);
    },
  );

  test.each(EXERCISES.map((e) => [e.id, e] as const))(
    'checkExercise %s on the untouched skeleton names every hole',
    async (id, e) => {
      for (const lang of ['ts', 'js'] as const) {
        const report = await checkExercise(id, loadStudentSource(e.skeleton[lang], e.fileName[lang]));
        expect(report.passed).toBe(false);
        const failed = report.checks.filter((c) => !c.passed).map((c) => c.name);
        expect(failed).toEqual(e.holes.map((h) => `hole ${h.id} filled`));
      }
    },
  );

  const diagnosed = WRONG_SOLUTIONS.filter((w) => w.expect.kind === 'report').map(
    (w) => [w.name, w] as const,
  );
  test.each(diagnosed)('checkExercise on the wrong solution %s gives its diagnosis', async (_, wrong) => {
    const expectation = wrong.expect as { check: string; message: string };
    const report = await checkExercise(wrong.exercise, loadStudentSource(wrong.source, wrong.fileName), {
      fileName: wrong.fileName,
    });
    expect(report.passed).toBe(false);
    const check = report.checks.find((c) => c.name === expectation.check);
    expect(check, JSON.stringify(report.checks, null, 1)).toBeDefined();
    expect(check!.passed).toBe(false);
    expect(check!.message).toContain(expectation.message);
  });

  test.each(WRONG_SOLUTIONS.filter((w) => w.expect.kind === 'load').map((w) => [w.name, w] as const))(
    'loadStudentSource on the wrong solution %s throws its diagnosis',
    (_, wrong) => {
      expect(() => loadStudentSource(wrong.source, wrong.fileName)).toThrow(
        (wrong.expect as { message: string }).message,
      );
    },
  );

  test('checkExercise names the line of the student’s file that threw', async () => {
    const wrong = WRONG_SOLUTIONS.find((w) => w.name === 'throws')!;
    const line = wrong.source.split('\n').findIndex((l) => l.includes("throw new RangeError('my bug')")) + 1;
    const report = await checkExercise('2.2', loadStudentSource(wrong.source, wrong.fileName), {
      fileName: wrong.fileName,
    });
    expect(report.checks.find((c) => c.name === 'runs')?.message).toMatch(
      new RegExp(`RangeError: my bug \\(at causal-self-attention\\.ts:${line}:\\d+\\)$`),
    );
  });

  test('checkExercise takes the export itself as well as the module', async () => {
    const module = loadStudentSource(EXERCISES[0]!.solution.ts, 'x.ts');
    expect((await checkExercise('2.1', module.crossAttention)).passed).toBe(true);
  });

  test('checkExercise on an unknown exercise throws UNKNOWN_EXERCISE', async () => {
    await expect(checkExercise('3.3', {})).rejects.toThrow('there is no exercise 3.3');
  });
});
