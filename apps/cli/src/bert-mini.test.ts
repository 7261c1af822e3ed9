// The BERT that @lxmls/models ships for Exercise 2.4 (lxmls/bert-mini), measured again on fixed held-out lines of
// tinyshakespeare: it has previous-token, next-token, same-word and [SEP] heads (the patterns its README and training.json
// name), well above what a uniform head puts on one position.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { attentionPatterns, type LoadedBert, loadBertFolder, strongestHeads } from '@lxmls/bert';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundledBertFolder, DEFAULT_VIZ_MODEL } from './viz-model.js';

/** Lines of the held-out 5% of tinyshakespeare (never trained on), fed as `[CLS] line [SEP]`. */
const HELD_OUT = [
  "PETRUCHIO: Prithee, Kate, let's stand aside and see the end of this controversy.",
  'TRANIO: Sir, what are you that offer to beat my servant?',
  'BAPTISTA: What, is the man lunatic?',
  'I thank my good father, I am able to maintain it.',
  'Pray, what do you think is his name?',
  'O, he hath murdered his master!',
  "Lay hold on him, I charge you, in the duke's name.",
  'Tell me, thou villain, where is my son Lucentio?',
  'Carry this mad knave to the gaol.',
  'GREMIO: Stay, officer: he shall not go to prison.',
  'GREMIO: Nay, I dare not swear it.',
  'TRANIO: Then thou wert best say that I am not Lucentio.',
  'BAPTISTA: Why, tell me, is not this my Cambio?',
  'LUCENTIO: Look not pale, Bianca; thy father will not frown.',
  'PETRUCHIO: First kiss me, Kate, and we will.',
  'KATHARINA: No, sir, God forbid; but ashamed to kiss.',
];

/**
 * The least mean attention of the best head of each pattern, measured on HELD_OUT with the shipped float16
 * weights: previous token 0.440 (layer 1, head 0), next token 0.548 (layer 1, head 1), the other WordPieces of
 * the same word 0.400 (layer 2, head 0), [SEP] 0.224 (layer 0, head 2). A uniform head puts 1/T on one position
 * of a line of T WordPieces (about 0.06 here).
 */
const AT_LEAST = { previous: 0.4, next: 0.5, sameWord: 0.35, sep: 0.18 } as const;

let mini: LoadedBert;
let training: {
  patterns: { strongest: { pattern: string; layer: number; head: number; score: number }[] };
};

beforeAll(async () => {
  const folder = bundledBertFolder(DEFAULT_VIZ_MODEL)!;
  mini = await loadBertFolder(folder);
  training = JSON.parse(await readFile(join(folder, 'training.json'), 'utf8'));
});
afterAll(() => {
  mini.model.dispose();
});

describe('lxmls/bert-mini', () => {
  test('lxmls/bert-mini has previous-token, next-token, same-word and [SEP] heads on held-out lines, those training.json names', () => {
    const patterns = attentionPatterns(mini.model, mini.tokenizer, HELD_OUT);
    const best = strongestHeads(patterns, 0);
    const previous = best.find((b) => b.pattern === 'previous')!;
    const next = best.find((b) => b.pattern === 'next')!;
    for (const [pattern, least] of Object.entries(AT_LEAST)) {
      expect(best.find((b) => b.pattern === pattern)!.score, pattern).toBeGreaterThanOrEqual(least);
    }
    expect(previous.layer * 4 + previous.head).not.toBe(next.layer * 4 + next.head); // two heads
    // the heads that the page and the README name (measured on 200 held-out sentences) are these
    const named = training.patterns.strongest;
    expect(named.find((b) => b.pattern === 'previous')).toMatchObject({
      layer: previous.layer,
      head: previous.head,
    });
    expect(named.find((b) => b.pattern === 'next')).toMatchObject({ layer: next.layer, head: next.head });
  });
});
