// Input limits of the command line (issue 17 item 5): a --jsonl line longer than the limit is refused with
// one line naming it, before it is held whole (a 512 MB line used to crash with a stack trace); the lines
// before it are answered first.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { MAX_LINE_BYTES, MAX_TEXT_BYTES, mapLines, Output, readAllText } from './io.js';
import { main } from './main.js';

async function run(chunks: (string | Buffer)[], maxLineBytes: number) {
  const stream = new PassThrough();
  const out = new Output(stream);
  const error = await mapLines(Readable.from(chunks), out, (line, n) => `${n}:${line.length}`, maxLineBytes)
    .then(() => undefined)
    .catch((e: Error) => e.message);
  await out.close();
  return { output: String(stream.read() ?? ''), error };
}

describe('mapLines(input, out, transform, maxLineBytes)', () => {
  test.each([
    ['lines at the limit', ['aaaa\nbbbb\r\ncccc\rdddd'], undefined, '1:4\n2:4\n3:4\n4:4\n'],
    ['a long line in one chunk', ['aa\nbbbbbb\ncc\n'], 'line 2 is longer than', '1:2\n'],
    ['a long line across chunks', ['aa\nbb', 'bb', 'bb\ncc'], 'line 2 is longer than', '1:2\n'],
    ['a long last line without a newline', ['a\nb\n', 'ccccc'], 'line 3 is longer than', '1:1\n2:1\n'],
    ['a long first line', [Buffer.from('é'.repeat(3))], 'line 1 is longer than', ''],
  ])('mapLines with %s (limit 4 bytes)', async (_, chunks, error, output) => {
    const result = await run(chunks, 4);
    expect(result.output).toBe(output);
    if (error === undefined) expect(result.error).toBeUndefined();
    else expect(result.error).toBe(`${error} ${4 / 2 ** 20} MiB, the limit of one input line`);
  });
});

describe('lxmls tokenize --jsonl with a line over the limit', () => {
  test(`lxmls tokenize --jsonl refuses a line over ${MAX_LINE_BYTES / 2 ** 20} MiB with one line and exit code 2`, async () => {
    const mib = Buffer.alloc(2 ** 20, 'a');
    const chunks = [
      Buffer.from('"hi"\n"'),
      ...Array.from({ length: MAX_LINE_BYTES / 2 ** 20 + 1 }, () => mib),
    ];
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const code = await main(['tokenize', '--jsonl'], {
      stdin: Readable.from(chunks),
      stdout,
      stderr,
      isTTY: false,
    });
    expect(code).toBe(2);
    expect(String(stdout.read())).toBe('[5303]\n');
    expect(String(stderr.read())).toBe(
      'lxmls tokenize: line 2 is longer than 64 MiB, the limit of one input line\n',
    );
  });
});

describe('readAllText and --show-work bounds', () => {
  test('readAllText(stream, maxBytes) refuses more than maxBytes with one line', async () => {
    const error = await readAllText(Readable.from([Buffer.from('abc'), Buffer.from('de')]), 4).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toBe(
      `stdin holds more than ${4 / 2 ** 20} MiB, the limit of one text (--jsonl streams any number of lines)`,
    );
    expect(await readAllText(Readable.from([Buffer.from('abcd')]), 4)).toBe('abcd');
    expect(MAX_TEXT_BYTES).toBe(64 * 2 ** 20);
  });

  test.each([['--show-work'], ['--html']])(
    'lxmls tokenize %s on more than 1 Mi characters is refused with one line and exit code 2',
    async (option) => {
      const stderr = new PassThrough();
      const text = 'word '.repeat(2 ** 18 + 1);
      const args = option === '--html' ? ['tokenize', '--html', '/nonexistent/x.html'] : ['tokenize', option];
      const code = await main(args, {
        stdin: Readable.from([text]),
        stdout: new PassThrough(),
        stderr,
        isTTY: false,
      });
      expect(code).toBe(2);
      expect(String(stderr.read())).toBe(
        `lxmls tokenize: --show-work and --html trace at most 1 Mi characters (a teaching view), received ${text.length}: tokenize it without them\n`,
      );
    },
  );
});
