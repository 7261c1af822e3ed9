// The real `lxmls` bin (bin/lxmls.js → dist/main.js; it needs `tsc --build` first) in child processes under a
// memory cap (issue 17 item 7): inputs that used to exhaust memory (30 MB of prose to --show-work, a
// 100 MB --jsonl line, the largest --batch-size) end in one line on stderr and exit code 2, and an adversarial
// 1 MB word is tokenized, all within a 256 MB V8 heap.
import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';

const CAP = ['--max-old-space-size=256', 'apps/cli/bin/lxmls.js'];

/** Runs the bin under the cap with `input` on stdin; its exit code, stderr and the length of its stdout. */
function capped(
  args: string[],
  input: Buffer,
): Promise<{ code: number | null; stderr: string; out: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CAP, ...args], { cwd: new URL('../../../', import.meta.url) });
    let stderr = '';
    let out = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += String(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, out }));
    child.stdin.on('error', () => undefined); // the child may stop reading early: that is the point
    child.stdin.end(input);
  });
}

/** `bytes` of seeded random lowercase letters: one "word" without spaces. */
function letters(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let state = 7;
  for (let i = 0; i < bytes; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = 97 + ((state >>> 16) % 26);
  }
  return out;
}

describe('lxmls under a 256 MB heap', () => {
  test('lxmls tokenize --show-work on 30 MB of prose exits with 2 and one line (it used to abort V8)', async () => {
    const prose = Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(700_000));
    const { code, stderr } = await capped(['tokenize', '--show-work'], prose);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^lxmls tokenize: --show-work and --html trace at most 1 Mi characters .*\n$/);
  }, 120_000);

  test('lxmls tokenize --jsonl with a 100 MB line exits with 2 and one line (it used to crash)', async () => {
    const line = Buffer.concat([
      Buffer.from('"hi"\n"'),
      Buffer.alloc(100 * 2 ** 20, 'a'),
      Buffer.from('"\n'),
    ]);
    const { code, stderr } = await capped(['tokenize', '--jsonl'], line);
    expect(code).toBe(2);
    expect(stderr).toBe('lxmls tokenize: line 2 is longer than 64 MiB, the limit of one input line\n');
  }, 120_000);

  test('lxmls tokenize of a 1 MB word of random letters succeeds (the heap merge)', async () => {
    const { code, stderr, out } = await capped(['tokenize', '--json'], letters(2 ** 20));
    expect([code, stderr]).toEqual([0, '']);
    expect(out).toBeGreaterThan(2 ** 20);
  }, 120_000);
});
