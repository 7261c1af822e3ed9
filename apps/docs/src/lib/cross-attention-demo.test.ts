import { describe, expect, test } from 'vitest';
import { crossAttentionTestA, crossAttentionTestB, TEST_A, TEST_B } from './cross-attention-demo.js';

describe('the cross-attention value tests', () => {
  test('crossAttentionTestA() gives [63.3, 66.6, 69.9] for both rows', () => {
    const out = crossAttentionTestA();
    expect(out).toHaveLength(2);
    for (const row of out) {
      for (const [j, v] of row.entries()) expect(v).toBeCloseTo(TEST_A.expected[j]!, 3);
    }
  });

  test("crossAttentionTestB(context, query) attends to ' Lisbon' (41898) from every query row", () => {
    const { contextIds, queryIds, output } = crossAttentionTestB(TEST_B.context, TEST_B.query);
    expect(contextIds).toEqual([40, 21650, 284, 41898, 287, 2901, 284, 5262, 281, 399, 19930, 3931, 1524]);
    expect(queryIds).toEqual([40, 588, 11300]);
    expect(output).toHaveLength(3);
    for (const row of output) {
      for (const [j, v] of row.entries()) expect(v / (41898 * TEST_B.WV[0]![j]!)).toBeCloseTo(1, 5);
    }
  });

  test.each([
    ['', 'I like traveling'],
    ['I travelled', ''],
  ])('crossAttentionTestB(%j, %j) gives no rows for an empty text', (context, query) => {
    expect(crossAttentionTestB(context, query).output).toEqual([]);
  });
});
