// Runs the real `lxmls` bin (bin/lxmls.js → dist/main.js) in a child process; it needs `tsc --build` first.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const built = existsSync(new URL('../dist/main.js', import.meta.url));

describe('bin/lxmls.js', () => {
  test('node apps/cli/bin/lxmls.js tokenize hello prints the tokens and ids', async () => {
    expect(built, 'apps/cli/dist/main.js is missing: run `npx tsc --build` first').toBe(true);
    const { stdout } = await promisify(execFile)('node', ['apps/cli/bin/lxmls.js', 'tokenize', 'hello'], {
      cwd: root,
    });
    expect(stdout).toBe("['hello']\n[31373]\n");
  });

  test('node apps/cli/bin/lxmls.js decode 99999 exits with code 2 and one line on stderr', async () => {
    const error = await promisify(execFile)('node', ['apps/cli/bin/lxmls.js', 'decode', '99999'], {
      cwd: root,
    }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toBe(
      'lxmls decode: [@lxmls/bpe] Encoder.decode: ids[0] is not a token id. Expected an integer in [0, 50257), received number 99999.\n',
    );
  });
});
