// Tests of `lxmls tokenize`, run in-process through main() with in-memory streams.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';

const SENTENCE = 'Your drawing is charmingly anachronistic.';
const KARPATHY = "Hello!! I'm Andrej Karpathy. It's 2022. w00t :D 🤗";

describe('lxmls tokenize', () => {
  test('lxmls tokenize TEXT prints the merged tokens and the ids as Python lists', async () => {
    const { code, stdout, stderr } = await runCli(['tokenize', SENTENCE]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(
      "['Your', 'Ġdrawing', 'Ġis', 'Ġcharming', 'ly', 'Ġan', 'ach', 'ron', 'istic', '.']\n" +
        '[7120, 8263, 318, 23332, 306, 281, 620, 1313, 2569, 13]\n',
    );
  });

  test('lxmls tokenize reads all of stdin when TEXT is absent, and joins several TEXT arguments', async () => {
    expect((await runCli(['tokenize'], 'hello\n')).stdout).toBe("['hello', 'Ċ']\n[31373, 198]\n");
    expect((await runCli(['tokenize', 'very', 'cool!'])).stdout).toBe(
      "['very', 'Ġcool', '!']\n[548, 3608, 0]\n",
    );
  });

  test('lxmls tokenize --json prints ids and tokens', async () => {
    const { code, stdout } = await runCli(['tokenize', '--json', SENTENCE]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      '{"ids":[7120,8263,318,23332,306,281,620,1313,2569,13],' +
        '"tokens":["Your","Ġdrawing","Ġis","Ġcharming","ly","Ġan","ach","ron","istic","."]}\n',
    );
  });

  test('lxmls tokenize --show-work prints each part as bpe.py does for the Karpathy sentence', async () => {
    const { code, stdout } = await runCli(['tokenize', '--show-work', KARPATHY]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(
      "{'token': 'Hello', 'token_bytes': b'Hello', 'token_translated': 'Hello', 'token_merged': ['Hello'], 'token_ix': [15496]}",
    );
    expect(lines[3]).toBe(
      `{'token': "'m", 'token_bytes': b"'m", 'token_translated': "'m", 'token_merged': ["'m"], 'token_ix': [1101]}`,
    );
    expect(lines[5]).toBe(
      "{'token': ' Karpathy', 'token_bytes': b' Karpathy', 'token_translated': 'ĠKarpathy', 'token_merged': ['ĠK', 'arp', 'athy'], 'token_ix': [509, 5117, 10036]}",
    );
    expect(lines[16]).toBe(
      "{'token': ' 🤗', 'token_bytes': b' \\xf0\\x9f\\xa4\\x97', 'token_translated': 'ĠðŁ¤Ĺ', 'token_merged': ['ĠðŁ', '¤', 'Ĺ'], 'token_ix': [12520, 97, 245]}",
    );
    expect(lines[18]).toBe(
      '[15496, 3228, 314, 1101, 10948, 73, 509, 5117, 10036, 13, 632, 338, 33160, 13, 266, 405, 83, 1058, 35, 12520, 97, 245]',
    );
    expect(lines).toHaveLength(20); // 17 parts, the tokens, the ids, and the final newline
  });

  test('lxmls tokenize --allowed-special all recognises <|endoftext|>', async () => {
    const { stdout } = await runCli(['tokenize', '--json', '--allowed-special', 'all', 'a<|endoftext|>b']);
    expect(stdout).toBe('{"ids":[64,50256,65],"tokens":["a","<|endoftext|>","b"]}\n');
    const plain = await runCli(['tokenize', '--json', '<|endoftext|>']);
    expect(JSON.parse(plain.stdout).ids).toEqual([27, 91, 437, 1659, 5239, 91, 29]);
  });

  test('lxmls tokenize --jsonl maps each JSON string line to the JSON array of its ids', async () => {
    const { code, stdout, stderr } = await runCli(['tokenize', '--jsonl'], '"hi"\n"very cool!"\r\n""\n');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe('[5303]\n[548,3608,0]\n[]\n');
  });

  test('lxmls tokenize --jsonl stops at a malformed line with exit code 2, keeping earlier output', async () => {
    const notJson = await runCli(['tokenize', '--jsonl'], '"hi"\nhello\n"never"\n');
    expect(notJson).toEqual({
      code: 2,
      stdout: '[5303]\n',
      stderr: 'lxmls tokenize: line 2: expected a JSON string, received invalid JSON: hello\n',
    });
    const notString = await runCli(['tokenize', '--jsonl'], '"a"\n"b"\n[1, 2]\n');
    expect(notString).toEqual({
      code: 2,
      stdout: '[64]\n[65]\n',
      stderr: 'lxmls tokenize: line 3: expected a JSON string, received an array of length 2\n',
    });
  });

  test('lxmls tokenize --jsonl streams 100,000 lines', async () => {
    const count = 100_000;
    function* lines() {
      for (let i = 0; i < count; i++) yield `${JSON.stringify(`line ${i % 100}`)}\n`;
    }
    const { code, stdout } = await runCli(['tokenize', '--jsonl'], Readable.from(lines()));
    expect(code).toBe(0);
    const out = stdout.split('\n');
    expect(out).toHaveLength(count + 1);
    expect(out[count - 1]).toBe('[1370,7388]'); // "line 99"
  });

  test.each([
    [['tokenize', '--jsn', 'x'], 'lxmls tokenize: unknown option --jsn (did you mean --json?)'],
    [
      ['tokenize', '--allowed-special'],
      'lxmls tokenize: option --allowed-special needs a value (--allowed-special LIST)',
    ],
    [['tokenize', '--json', '--jsonl'], 'lxmls tokenize: options --json and --jsonl cannot be used together'],
    [['tokenize', '--jsonl', 'x'], 'lxmls tokenize: --jsonl reads JSON lines from stdin; it takes no TEXT'],
    [
      ['tokenize', '--allowed-special', '<|x|>', 'a'],
      'lxmls tokenize: [@lxmls/bpe] Encoder.encode: unknown special token in allowedSpecial. Expected one of ["<|endoftext|>"], received string "<|x|>".',
    ],
  ])('lxmls %j fails with exit code 2 and one line', async (argv, message) => {
    expect(await runCli(argv)).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  test('lxmls tokenize --show-work --html FILE writes the BPE view and prints exactly what --show-work prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lxmls-cli-'));
    try {
      const file = join(dir, 'bpe.html');
      const plain = await runCli(['tokenize', '--show-work', KARPATHY]);
      const withHtml = await runCli(['tokenize', '--show-work', '--html', file, KARPATHY]);
      expect(withHtml).toEqual(plain);
      const html = readFileSync(file, 'utf8');
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).toContain('"ids":[509,5117,10036]');
      expect(readdirSync(dir)).toEqual(['bpe.html']); // no temporary file left
      const alone = await runCli(['tokenize', `--html=${file}`, 'hi']);
      expect(alone).toEqual({ code: 0, stdout: "['hi']\n[5303]\n", stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('lxmls tokenize --html into a missing directory exits 2 with one line and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lxmls-cli-'));
    try {
      const file = join(dir, 'missing', 'bpe.html');
      const { code, stdout, stderr } = await runCli(['tokenize', '--show-work', '--html', file, 'hi']);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toMatch(
        new RegExp(
          `^lxmls tokenize: cannot write --html file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT[^\n]*\n$`,
        ),
      );
      expect(existsSync(join(dir, 'missing'))).toBe(false);
      expect((await runCli(['tokenize', '--json', '--html', file, 'x'])).stderr).toBe(
        'lxmls tokenize: options --html and --json cannot be used together\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
