import { readdirSync, readFileSync } from 'node:fs';
import { transform } from 'sucrase';
import { describe, expect, test } from 'vitest';
import { EXERCISES } from './exercises.js';
import { EXERCISE_SOURCES } from './generated/exercise-sources.js';

const dir = new URL('./exercises/', import.meta.url);
const files = readdirSync(dir).filter((f) => /\.(skeleton|solution)\.(ts|js)$/.test(f));

describe('EXERCISE_SOURCES (src/generated/exercise-sources.ts)', () => {
  test.each(files)(
    'EXERCISE_SOURCES[%s] equals the file (run scripts/generate-sources.mjs after an edit)',
    (f) => {
      expect(EXERCISE_SOURCES[f]).toBe(readFileSync(new URL(f, dir), 'utf8'));
    },
  );

  test('EXERCISE_SOURCES has exactly the files of src/exercises', () => {
    expect(Object.keys(EXERCISE_SOURCES).sort()).toEqual(files.sort());
  });

  test.each(files.filter((f) => f.endsWith('.ts')))(
    'the JavaScript twin of %s is its TypeScript without the types',
    (f) => {
      const js = readFileSync(new URL(f.replace(/\.ts$/, '.js'), dir), 'utf8');
      const stripped = transform(readFileSync(new URL(f, dir), 'utf8'), {
        transforms: ['typescript'],
        disableESTransforms: true,
        keepUnusedImports: true,
      }).code.replace(/^import \{ \} from .*$/gm, '');
      // the same statements, whatever the formatting: compare the code with comments and blanks removed
      const words = (text: string) =>
        text
          .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
          .replace(/\s+/g, '')
          .replace(/,([)\]}])/g, '$1');
      expect(words(js)).toBe(words(stripped));
    },
  );

  test.each(files.filter((f) => f.endsWith('.ts')))(
    'the JavaScript twin of %s has every comment of the TypeScript (the header, the holes, the shapes)',
    (f) => {
      // each comment, whitespace collapsed, with the commands' `.ts` file names read as `.js`
      const comments = (text: string) =>
        (text.match(/\/\*[\s\S]*?\*\/|\/\/.*$/gm) ?? []).map((c) =>
          c.replace(/\s+/g, ' ').replace(/([\w-]+)\.ts\b/g, '$1.js'),
        );
      const ts = comments(readFileSync(new URL(f, dir), 'utf8'));
      const js = comments(readFileSync(new URL(f.replace(/\.ts$/, '.js'), dir), 'utf8'));
      expect(ts.length).toBeGreaterThan(5);
      expect(ts.filter((c) => !js.includes(c))).toEqual([]);
      expect(js[0]).toBe(ts[0]);
    },
  );

  test.each(EXERCISES.map((e) => [e.id, e] as const))(
    'EXERCISES %s: the skeleton throws at every hole, the solution at none',
    (_, e) => {
      for (const hole of e.holes) {
        const line = `throw new NotImplementedError('Complete Exercise ${hole.id}');`;
        expect(e.skeleton.ts).toContain(line);
        expect(e.skeleton.js).toContain(line);
      }
      expect(e.solution.ts).not.toContain('NotImplementedError');
      expect(e.solution.js).not.toContain('NotImplementedError');
    },
  );
});
