// Tests of `lxmls decode`, run in-process through main() with in-memory streams.
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';
import { parseIds } from './decode.js';

describe('lxmls decode', () => {
  test('lxmls decode ID... prints the text', async () => {
    expect(await runCli(['decode', '15496', '11', '616', '1438', '318'])).toEqual({
      code: 0,
      stdout: 'Hello, my name is\n',
      stderr: '',
    });
  });

  test.each([
    [['15496,11,616'], 'Hello, my\n'],
    [['15496 11 616'], 'Hello, my\n'],
    [['[15496, 11, 616]'], 'Hello, my\n'],
    [['[]'], '\n'],
    [['12520'], ' \ufffd\n'],
    [['15496', '[11]', '616,1438'], 'Hello, my name\n'],
  ])('lxmls decode %j accepts lists and JSON arrays', async (ids, text) => {
    expect(await runCli(['decode', ...ids])).toEqual({ code: 0, stdout: text, stderr: '' });
  });

  test.each([
    [
      ['15496', '99999'],
      'lxmls decode: [@lxmls/bpe] Encoder.decode: ids[1] is not a token id. Expected an integer in [0, 50257), received number 99999.',
    ],
    [
      ['-5'],
      'lxmls decode: [@lxmls/bpe] Encoder.decode: ids[0] is not a token id. Expected an integer in [0, 50257), received number -5.',
    ],
    [
      ['1.5'],
      'lxmls decode: [@lxmls/bpe] Encoder.decode: ids[0] is not a token id. Expected an integer in [0, 50257), received number 1.5.',
    ],
    [['abc'], 'lxmls decode: "abc" is not a token id. Expected integers in [0, 50257), such as 15496 11 616'],
    [['[1,'], 'lxmls decode: argument "[1," is not a valid JSON array of ids'],
    [[], 'lxmls decode: missing ID: for example, lxmls decode 15496 11 616'],
    [['--json', '1'], 'lxmls decode: unknown option --json (did you mean --jsonl?)'],
  ])('lxmls decode %j fails with exit code 2 and one line', async (argv, message) => {
    expect(await runCli(['decode', ...argv])).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  test('lxmls decode --jsonl maps each JSON array line to the JSON string of its text', async () => {
    const { code, stdout, stderr } = await runCli(['decode', '--jsonl'], '[5303]\n[198, 197]\n[]\n[12520]');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe('"hi"\n"\\n\\t"\n""\n" \uFFFD"\n');
  });

  test('lxmls decode --jsonl stops at a bad line with exit code 2, keeping earlier output', async () => {
    expect(await runCli(['decode', '--jsonl'], '[5303]\n[1, 99999]\n[5303]\n')).toEqual({
      code: 2,
      stdout: '"hi"\n',
      stderr:
        'lxmls decode: line 2: [@lxmls/bpe] Encoder.decode: ids[1] is not a token id. Expected an integer in [0, 50257), received number 99999.\n',
    });
    expect(await runCli(['decode', '--jsonl'], '[5303]\n"hi"\n')).toEqual({
      code: 2,
      stdout: '"hi"\n',
      stderr: 'lxmls decode: line 2: expected a JSON array of token ids, received string "hi"\n',
    });
  });

  test('parseIds reads separate ids, comma or space separated lists and JSON arrays', () => {
    expect(parseIds(['1', '2,3', ' 4  5 ', '[6,7]', ','])).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
