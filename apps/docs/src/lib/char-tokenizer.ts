/**
 * The character-level tokenizer of a text model folder (`tokenizer.json` in Hugging Face format, `model.type`
 * "WordLevel" over single characters, as `lxmls train text` writes it for lxmls/shakespeare-char): one id per
 * character, and decoding joins the characters (its `Fuse` decoder).
 */

/** Text ↔ ids for a character-level model. */
export interface CharTokenizer {
  /** The characters, one per id. */
  readonly chars: readonly string[];
  /** Text to ids. Throws for a character the vocabulary lacks, naming it. */
  encode(text: string): number[];
  /** Ids to text. */
  decode(ids: readonly number[]): string;
  /** The id an empty prompt starts from: a newline's, else 0 (as `lxmls generate`). */
  readonly startId: number;
}

/**
 * Reads a character-level `tokenizer.json`.
 *
 * @param json - The file's text or its parsed value.
 * @returns The tokenizer.
 * @throws Error when it is not a WordLevel vocabulary mapping single characters to the ids 0..n-1.
 * @example
 * ```ts
 * import { charTokenizerFromJson } from './char-tokenizer.js';
 * const t = charTokenizerFromJson({ model: { type: 'WordLevel', vocab: { '\n': 0, a: 1, b: 2 } } });
 * console.log(t.encode('ab\n'), t.decode([2, 1]), t.startId); // → [ 1, 2, 0 ] ba 0
 * ```
 */
export function charTokenizerFromJson(json: string | object): CharTokenizer {
  const fn = '[lxmls-docs] charTokenizerFromJson';
  const root = (typeof json === 'string' ? JSON.parse(json) : json) as {
    model?: { type?: unknown; vocab?: unknown };
  };
  const model = root?.model;
  if (model?.type !== 'WordLevel' || typeof model.vocab !== 'object' || model.vocab === null) {
    throw new Error(
      `${fn}: not a character-level tokenizer. Expected model.type "WordLevel" with a vocab, received ${JSON.stringify(model?.type)}.`,
    );
  }
  const entries = Object.entries(model.vocab as Record<string, unknown>);
  const chars: string[] = [];
  for (const [c, id] of entries) {
    if (
      Array.from(c).length !== 1 ||
      !Number.isInteger(id) ||
      (id as number) < 0 ||
      (id as number) >= entries.length
    ) {
      throw new Error(
        `${fn}: the vocabulary must map single characters to ids 0..${entries.length - 1}. Expected one character and an id, received ${JSON.stringify(c)}: ${JSON.stringify(id)}.`,
      );
    }
    chars[id as number] = c;
  }
  const ids = new Map(chars.map((c, i) => [c, i]));
  return {
    chars,
    encode: (text) =>
      Array.from(text, (c) => {
        const id = ids.get(c);
        if (id === undefined) {
          throw new Error(
            `[lxmls-docs] CharTokenizer.encode: ${JSON.stringify(c)} is not in the model's vocabulary. Expected one of ${JSON.stringify(chars.join(''))}, received ${JSON.stringify(c)}.`,
          );
        }
        return id;
      }),
    decode: (list) => list.map((id) => chars[id] ?? '').join(''),
    startId: ids.get('\n') ?? 0,
  };
}
