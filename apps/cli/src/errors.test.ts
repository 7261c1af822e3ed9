// reportError and oneLine: how a thrown value becomes the CLI's exit code and its one line (issue 17: no
// "internal error" for a library's report of bad input or for a full disk; no raw control characters).

import { PassThrough, Writable } from 'node:stream';
import { LxmlsBertError } from '@lxmls/bert';
import { LxmlsGptError } from '@lxmls/gpt';
import { LxmlsNnError } from '@lxmls/nn';
import { LxmlsTrainerError } from '@lxmls/trainer';
import { describe, expect, test } from 'vitest';
import { oneLine, reportError } from './errors.js';
import { main } from './main.js';

const diverged = new LxmlsTrainerError('NOT_FINITE', 'the training loss is not finite at iteration 3', {
  fn: 'Trainer.run',
  expected: 'a finite loss',
  received: 'NaN',
});

describe('reportError(error)', () => {
  test.each([
    ['a diverged run (trainer NOT_FINITE)', diverged],
    ['NaN weights (gpt INVALID_CHECKPOINT)', new LxmlsGptError('INVALID_CHECKPOINT', 'bad', { fn: 'load' })],
    ['a non-finite logit (gpt NOT_FINITE)', new LxmlsGptError('NOT_FINITE', 'bad', { fn: 'generate' })],
    [
      'a bad weights file (bert INVALID_WEIGHTS)',
      new LxmlsBertError('INVALID_WEIGHTS', 'bad', { fn: 'loadBert' }),
    ],
    [
      'a hostile safetensors file (nn)',
      new LxmlsNnError('INVALID_SAFETENSORS', 'bad', { fn: 'readSafetensors' }),
    ],
  ])('reportError(%s) is one line with exit code 2', (_, error) => {
    const report = reportError(error);
    expect(report).toEqual({ exitCode: 2, line: error.message });
    expect(report.line).not.toContain('internal error');
  });

  test('reportError(a system I/O error: ENOSPC on write) is one line with exit code 2', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      syscall: 'write',
    });
    expect(reportError(full)).toEqual({ exitCode: 2, line: 'ENOSPC: no space left on device, write' });
  });

  test.each([
    ['a TypeError', new TypeError('x is undefined')],
    ['a tensor shape mismatch inside a model', Object.assign(new Error('bad'), { code: 'SHAPE_MISMATCH' })],
  ])('reportError(%s) stays an internal error (exit code 1)', (_, error) => {
    expect(reportError(error).exitCode).toBe(1);
  });
});

describe('main on a full disk', () => {
  test('lxmls tokenize writing to a full disk (stdout ENOSPC) ends with one line and exit code 2', async () => {
    const full = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      },
    });
    const stderr = new PassThrough();
    const code = await main(['tokenize', 'hello'], { stdout: full, stderr, isTTY: false });
    expect(code).toBe(2);
    expect(String(stderr.read())).toBe('lxmls tokenize: ENOSPC: no space left on device, write\n');
  });
});

describe('oneLine(text)', () => {
  test.each([
    ['a terminal escape code', 'bad \u001b[31mred\u001b[0m', 'bad \\u001b[31mred\\u001b[0m'],
    ['a bell and a backspace', 'a\u0007b\u0008c', 'a\\u0007b\\u0008c'],
    ['DEL and a C1 control', 'a\u007fb\u009bc', 'a\\u007fb\\u009bc'],
    ['a line separator', 'a\u2028b', 'a\\u2028b'],
    ['newlines and tabs', 'a\n\tb\r\nc\td', 'a b c\\u0009d'],
    ['plain text', 'héllo 🤗', 'héllo 🤗'],
  ])('oneLine(%s) writes control characters as \\u escapes', (_, text, line) => {
    expect(oneLine(text)).toBe(line);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(oneLine(text)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});
