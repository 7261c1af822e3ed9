// Tests of exerciseProgress: a student's file against its exercise's skeleton and solution.
import { describe, expect, test } from 'vitest';
import { EXERCISES, exerciseProgress } from './index.js';

describe('exerciseProgress', () => {
  test.each(EXERCISES.flatMap((e) => (['ts', 'js'] as const).map((lang) => [e.id, lang, e] as const)))(
    'exerciseProgress(%s, skeleton and solution in %s) are skeleton with every hole, solution with none',
    (_, lang, e) => {
      const holes = e.holes.map((h) => h.id);
      expect(exerciseProgress(e, e.skeleton[lang], lang)).toEqual({ status: 'skeleton', holesLeft: holes });
      expect(exerciseProgress(e, e.solution[lang], lang)).toEqual({ status: 'solution', holesLeft: [] });
      // line ends and trailing white space do not count
      const crlf = `${e.skeleton[lang].replace(/\n/g, '\r\n')}\n\n`;
      expect(exerciseProgress(e, crlf, lang).status).toBe('skeleton');
    },
  );

  test('exerciseProgress(edited file) lists the holes left, each once', () => {
    const e = EXERCISES.find((x) => x.holes.length >= 2)!;
    const [first, second] = e.holes.map((h) => h.id);
    const marker = `NotImplementedError('Complete Exercise ${first}')`;
    const edited = e.skeleton.ts.replace(marker, "Error('filled')");
    expect(edited).not.toBe(e.skeleton.ts);
    const again = `${edited}\n// throw new NotImplementedError('Complete Exercise ${second}');\n`;
    const progress = exerciseProgress(e, again, 'ts');
    expect(progress.status).toBe('edited');
    expect(progress.holesLeft).not.toContain(first);
    expect(progress.holesLeft.filter((h) => h === second)).toHaveLength(1);
  });
});
