import { fileURLToPath } from 'node:url';
import { GPT } from '@lxmls/gpt';
import { modelUrl } from '@lxmls/models';
import { FIXED_PROBA, OBSERVATIONS, STATES, trueConditionals } from '@lxmls/weather-data';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { greedyWeek, hmmNextState, modelNextProbabilities, nextDay, parseNames } from './weather-demo.js';

const OBS = [0, 4, 2, 4, 4, 2]; // clean walk shop walk walk shop
const STATES_OF_OBS = [5, 5, 6, 7, 5, 5];

describe('weather-demo', () => {
  let model: GPT;
  beforeAll(async () => {
    model = (await GPT.fromPretrained(fileURLToPath(modelUrl('lxmls/weather-nano')))).eval();
  });
  afterAll(() => model.dispose());

  test.each([
    ['walk tennis, SHOP', 0, [4, 3, 2]],
    ['  ', 0, []],
    ['sunny rainy snowy', 5, [7, 5, 6]],
  ])('parseNames(%j, names, %i) is %j', (text, offset, ids) => {
    expect(parseNames(text, offset === 0 ? OBSERVATIONS : STATES, offset)).toEqual(ids);
  });

  test('parseNames names an unknown word', () => {
    expect(() => parseNames('walk swim', OBSERVATIONS, 0)).toThrow(
      /"swim" is not known\. Expected one of clean, read, shop, tennis, walk/,
    );
  });

  test('hmmNextState(obs, states[0..k]) is row k of trueConditionals for every k', () => {
    const rows = trueConditionals(FIXED_PROBA, OBS, STATES_OF_OBS);
    for (let k = 0; k < 6; k++) expect(hmmNextState(OBS, STATES_OF_OBS.slice(0, k))).toEqual(rows[k]);
  });

  test('hmmNextState throws IMPOSSIBLE_SEQUENCE for weathers the activities rule out', () => {
    expect(() => hmmNextState(OBS, [7])).toThrow(expect.objectContaining({ code: 'IMPOSSIBLE_SEQUENCE' })); // clean on a sunny day
  });

  test('modelNextProbabilities sums to 1 and nextDay is close to the HMM on a likely week', () => {
    const probs = modelNextProbabilities(model, OBS, [5, 5]);
    expect(probs).toHaveLength(8);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    for (let k = 0; k < 6; k++) {
      const day = nextDay(model, OBS, STATES_OF_OBS.slice(0, k));
      expect(day.activity).toBe(OBSERVATIONS[OBS[k]!]);
      expect(day.model.reduce((a, b) => a + b, 0) + day.other).toBeCloseTo(1, 5);
      expect(day.other).toBeLessThan(0.01);
      for (const [i, p] of day.model.entries()) expect(Math.abs(p - day.truth![i]!)).toBeLessThan(0.15); // trained: its loss is 0.2511 against the floor's 0.2445
    }
  });

  test('nextDay gives truth null after impossible weathers, and checks its lengths', () => {
    expect(nextDay(model, OBS, [7]).truth).toBeNull();
    expect(() => nextDay(model, OBS.slice(0, 5), [])).toThrow(
      'The model reads a week of 6 activities: type 6 (there are 5).',
    );
    expect(() => nextDay(model, OBS, STATES_OF_OBS)).toThrow(
      'There is no day left to predict after 6 weathers: type at most 5 (or none).',
    );
  });

  test('greedyWeek decodes six weathers with the model and with the HMM', () => {
    const week = greedyWeek(model, OBS);
    expect(week.model).toHaveLength(6);
    expect(week.model.every((w) => (STATES as readonly string[]).includes(w))).toBe(true);
    expect(week.hmm).toEqual(['rainy', 'rainy', 'snowy', 'sunny', 'rainy', 'snowy']);
  });
});
