import { describe, expect, test } from 'vitest';
import { type ReportCheck, reportSummary, studentMessage } from './editor-report.js';

describe('studentMessage', () => {
  test.each([
    [
      '[@lxmls/tensor] matmul: the inner sizes differ. Expected (2, 3) × (3, k), received (2, 3) × (4, 3).',
      'The inner sizes differ. Expected (2, 3) × (3, k), received (2, 3) × (4, 3).',
    ],
    [
      '[@lxmls/course] checkExercise: Complete Exercise 2.2.3 (the softmax).',
      'Complete Exercise 2.2.3 (the softmax).',
    ],
    [
      'forward threw: [@lxmls/attention] CausalSelfAttention.forward: too long. Expected ≤ 11, received 12.',
      'forward threw: too long. Expected ≤ 11, received 12.',
    ],
    ['[lxmls-docs] parseIds: ids[1] is not a token id.', 'ids[1] is not a token id.'],
    [
      '[@lxmls/course] loadStudentSource: attention.ts:3:15: Unexpected token',
      'attention.ts:3:15: Unexpected token',
    ],
    ['matmul(q, k) has the wrong shape', 'matmul(q, k) has the wrong shape'],
    ['rows sum to 1.5: softmax over the wrong axis?', 'rows sum to 1.5: softmax over the wrong axis?'],
    ['x (2, 6, 12) gives (2, 6, 12)', 'x (2, 6, 12) gives (2, 6, 12)'],
    ['[@lxmls/course] check: x (2, 6, 12) gives (2, 6, 12)', 'x (2, 6, 12) gives (2, 6, 12)'],
    ['Error: boom\n    at forward (student.ts:3:9)\n    at check (grader.ts:1:1)', 'Error: boom'],
    ['', ''],
  ])('studentMessage(%j) is %j', (message, expected) => {
    expect(studentMessage(message)).toBe(expected);
  });
});

describe('reportSummary', () => {
  const check = (name: string, passed: boolean): ReportCheck => ({ name, passed, message: '' });
  test.each([
    [[check('a', true), check('b', true)], true, 'All 2 checks pass: Exercise 2.2 is solved. Well done!'],
    [[check('a', true)], true, 'All 1 check pass: Exercise 2.2 is solved. Well done!'],
    [
      [check('shape', true), check('scaling', false), check('mask', false)],
      false,
      '1 of 3 checks pass. Start with the first one marked ✗: scaling.',
    ],
    [[check('loads', false)], false, '0 of 1 check passes. Start with the first one marked ✗: loads.'],
  ])('reportSummary(%j, passed %j) is %j', (checks, passed, expected) => {
    expect(reportSummary({ exercise: '2.2', passed, checks })).toBe(expected);
  });
});
