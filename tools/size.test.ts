// Size budgets of the published packages, measured on what `npm pack` would publish (after `tsc --build`).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Unpacked-size budgets in bytes (issue: @lxmls/bpe ≤ 1.5 MB with the vocabulary). */
const BUDGETS: Record<string, number> = { bpe: 1.5e6 };

describe('package size budgets', () => {
  test.each(Object.entries(BUDGETS))(
    'npm pack packages/%s stays within budget, without tests or fixtures',
    (dir, budget) => {
      const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: join(root, 'packages', dir),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const [pack] = JSON.parse(out) as { unpackedSize: number; files: { path: string }[] }[];
      expect(pack!.unpackedSize).toBeLessThanOrEqual(budget);
      expect(pack!.files.some((f) => f.path === 'dist/index.js')).toBe(true);
      expect(pack!.files.filter((f) => /\.test\.|__fixtures__/.test(f.path))).toEqual([]);
    },
  );
});
