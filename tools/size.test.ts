// Size budgets of the published packages, measured on what `npm pack` would publish (after `tsc --build`).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
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

/** Packages whose tarball is checked file by file: declarations stay small and every source map resolves. */
const PACKED = ['bpe'];

describe('what the tarballs hold', () => {
  test.each(PACKED)('npm pack packages/%s: no declaration over 20 kB, every source map resolves', (dir) => {
    const cwd = join(root, 'packages', dir);
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [pack] = JSON.parse(out) as { files: { path: string; size: number }[] }[];
    const files = new Set(pack!.files.map((f) => f.path));
    // A declaration is types, not data (the bundled vocabulary once made a 540 kB .d.ts).
    expect(pack!.files.filter((f) => f.path.endsWith('.d.ts') && f.size > 20_000)).toEqual([]);
    const unresolved: string[] = [];
    const maps = [...files].filter((path) => path.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(cwd, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const path = posix.normalize(posix.join(posix.dirname(map), source));
        if (!files.has(path)) unresolved.push(`${map} → ${source}`);
      }
    }
    expect(unresolved).toEqual([]);
  });
});
