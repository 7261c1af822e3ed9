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
    const expectation = wrong.expect as { check: string; message: string; first?: string };
    const report = await checkExercise(wrong.exercise, loadStudentSource(wrong.source, wrong.fileName), {
      fileName: wrong.fileName,
    });
    expect(report.passed).toBe(false);
    const check = report.checks.find((c) => c.name === expectation.check);
    expect(check, JSON.stringify(report.checks, null, 1)).toBeDefined();
    expect(check!.passed).toBe(false);
    expect(check!.message).toContain(expectation.message);
    // the first ✗ is where a student starts: it must be the diagnosis, or name it
    const first = report.checks.find((c) => !c.passed)!;
    if (expectation.first === undefined) expect(first.name).toBe(expectation.check);
    else expect(first.message).toContain(expectation.first);
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

  test('checkExercise calls onCheck with each check as it is decided, in the order of the report', async () => {
    const heard: { name: string; passed: boolean }[] = [];
    const wrong = WRONG_SOLUTIONS.find((w) => w.name === 'no-scaling')!;
    const report = await checkExercise('2.2', loadStudentSource(wrong.source, wrong.fileName), {
      onCheck: (c) => heard.push(c),
    });
    expect(heard).toEqual(report.checks);
    expect(heard.slice(0, 6).map((c) => [c.name, c.passed])).toEqual([
      ['exports CausalSelfAttention', true],
      ['hole 2.2.1 filled', true],
      ['hole 2.2.2 filled', true],
      ['hole 2.2.3 filled', true],
      ['hole 2.2.4 filled', true],
      ['builds', true],
    ]);
  });

  test('checkExercise 2.2 with v from key_proj and no scaling: the sums cannot be measured, names 2.2.1', async () => {
    const source = WRONG_SOLUTIONS.find((w) => w.name === 'v-from-key-proj')!.source.replace(
      '.div(Math.sqrt(hs)); // (B, nh, T, T)',
      '; // (B, nh, T, T)',
    );
    const report = await checkExercise('2.2', loadStudentSource(source, 'c.ts'));
    const failed = report.checks.filter((c) => !c.passed);
    expect(failed[0]).toEqual({
      name: 'weights sum to 1 (Exercise 2.2.3)',
      passed: false,
      message:
        'cannot be measured: the output does not change with value_proj, so v does not come from it. Exercise 2.2.1: v = this.valueProj.forward(x), then split into heads as q and k are',
    });
    expect(
      report.checks.find((c) => c.name === 'no attention to future positions (causal mask)')?.passed,
    ).toBe(true);
  });

  test.each([
    [
      '2.1-no-scaling',
      ': the values are already wrong one item at a time (see the checks above): fix those first',
    ],
    [
      '2.1-no-softmax',
      ': the values are already wrong one item at a time (see the checks above): fix those first',
    ],
    ['2.1-softmax-axis-1', ': transpose only the last two axes of K'],
  ])('checkExercise 2.1 on %s: the batch check says what to fix', async (name, hint) => {
    const wrong = WRONG_SOLUTIONS.find((w) => w.name === name)!;
    const report = await checkExercise('2.1', loadStudentSource(wrong.source, wrong.fileName));
    const batch = report.checks.find((c) => c.name === 'works on a batch (B, T, D)')!;
    expect(batch.passed).toBe(false);
    expect(batch.message).toContain(hint);
  });

  test('checkExercise takes the export itself as well as the module', async () => {
    const module = loadStudentSource(EXERCISES[0]!.solution.ts, 'x.ts');
    expect((await checkExercise('2.1', module.crossAttention)).passed).toBe(true);
  });

  test('checkExercise on an unknown exercise throws UNKNOWN_EXERCISE', async () => {
    await expect(checkExercise('3.3', {})).rejects.toThrow('there is no exercise 3.3');
  });
});
