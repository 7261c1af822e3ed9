// Tests of `lxmls eval weather` on the bundled model lxmls/weather-nano (trained by `lxmls train weather`, the
// course's settings): it loads offline and sits near the Bayes-optimal loss.
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';

describe('lxmls eval', () => {
  test('lxmls eval weather --model lxmls/weather-nano --json: held-out loss ≤ 1.04 × 0.2502 on 2000 sequences', async () => {
    const { code, stdout, stderr } = await runCli([
      'eval',
      'weather',
      '--model',
      'lxmls/weather-nano',
      '--eval-samples',
      '2000',
      '--json',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(stdout);
    // The 2000 test sequences are fixed (seed 1), so this is one deterministic number (0.2511 on all 10,000
    // with the shipped weights). The bound is the target: 1.04 × the course's floor 0.2502. The test
    // split's own floor is lower (0.2445), and no model can go below it beyond sampling noise (the standard
    // error of a mean over 12,000 labels is about 0.005 nats).
    expect(result.evalLoss).toBeLessThanOrEqual(1.04 * 0.2502);
    expect(result.evalLoss).toBeGreaterThan(result.bayesLoss - 0.02);
    expect(result.labelAccuracy).toBeGreaterThan(0.82);
    expect(result.bayesLossAll).toBeCloseTo(0.250169, 6);
  }, 60_000);

  test('lxmls eval weather --model lxmls/weather-nano prints the parameter count and the table', async () => {
    const { code, stdout } = await runCli([
      'eval',
      'weather',
      '--model',
      'lxmls/weather-nano',
      '--eval-samples',
      '500',
    ]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('number of parameters: 0.09M; lxmls/weather-nano');
    expect(lines[1]).toBe(
      'held-out evaluation: 500 test sequences, greedy decoding (model.generate(x[:, :6], 6))',
    );
    expect(lines[3]).toMatch(/^loss \(nats per label\) +0\.2\d{3} +0\.2445 +0\.2502$/);
  }, 60_000);
  test('lxmls generate --model lxmls/shakespeare-char reads the prompt with the bundled tokenizer.json', async () => {
    const argv = 'generate --model lxmls/shakespeare-char --prompt ROMEO: --max-new-tokens 20 --json';
    const { code, stdout, stderr } = await runCli(argv.split(' '));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const { promptIds, samples } = JSON.parse(stdout);
    expect(promptIds).toHaveLength(6); // one id per character
    expect(samples[0].ids.every((id: number) => id >= 0 && id < 65)).toBe(true);
    expect(samples[0].text).toHaveLength(26);
    expect(samples[0].text.startsWith('ROMEO:')).toBe(true);
  }, 60_000);
});
