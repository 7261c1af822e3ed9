// A deterministic attention fixture for the tests: L layers × H heads over the given tokens, each row a
// softmax of seeded random scores (every weight > 0), so line and cell counts are exact.

/** A seeded uniform source in (0, 1): the Park–Miller generator (s ← 16807·s mod 2³¹ − 1). */
export function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** Seeded attention `[layer][head][query][key]`, rows summing to 1, every weight above zero. */
export function fixture(layers: number, heads: number, q: number, k = q, seed = 7): number[][][][] {
  const rnd = seeded(seed);
  return Array.from({ length: layers }, () =>
    Array.from({ length: heads }, () =>
      Array.from({ length: q }, () => {
        const row = Array.from({ length: k }, () => Math.exp(3 * rnd()));
        const total = row.reduce((a, b) => a + b, 0);
        return row.map((x) => x / total);
      }),
    ),
  );
}

/** The fixture's tokens: GPT-2 style, with `Ġ` space markers. */
export const TOKENS = ['The', 'Ġcat', 'Ġsat', 'Ġon', 'Ġmat'];
