/**
 * `prettifyTokens`: readable labels for subword tokens, as bertviz's `prettify_tokens` option does for
 * GPT-2's `Ġ`, extended to GPT-2's other byte stand-ins and to BERT's WordPiece `##` continuations.
 *
 * GPT-2's byte-level BPE (`lxmls/transformers/bpe.py`, `bytes_to_unicode`) writes every byte as a printable
 * character: a space is `Ġ` (U+0120), a newline `Ċ` (U+010A), a tab `ĉ` (U+0109), and the bytes of an emoji
 * become runs such as `ðŁ¤Ĺ`. This module turns them back into text where they form whole UTF-8 characters.
 */

/** Options of {@link prettifyTokens}. */
export interface PrettifyOptions {
  /** What a leading or inner space becomes. @defaultValue `'␣'` (U+2423, the visible-space sign) */
  space?: string;
  /** What a newline becomes. @defaultValue `'↵'` */
  newline?: string;
  /** What a tab becomes. @defaultValue `'⇥'` */
  tab?: string;
  /** What the `##` of a WordPiece continuation becomes. @defaultValue `'·'` */
  continuation?: string;
}

let byteOf: Map<string, number> | undefined;

/** GPT-2's `bytes_to_unicode` inverted: printable stand-in → byte. */
function standInBytes(): Map<string, number> {
  if (byteOf) return byteOf;
  byteOf = new Map();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    byteOf.set(String.fromCodePoint(printable ? b : 256 + n++), b);
  }
  return byteOf;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Readable labels for tokens: GPT-2's `Ġ` becomes a visible space sign, `Ċ` a newline sign, other byte
 * stand-ins the characters they encode (`ĠðŁ¤Ĺ` → `␣🤗`), and BERT's `##ing` becomes `·ing`. A token whose
 * stand-ins do not form whole UTF-8 characters (one piece of an emoji) is kept as it is. Other tokens
 * (`[CLS]`, `<|endoftext|>`, plain words) are unchanged.
 *
 * @param tokens - Token strings, as a vocabulary writes them.
 * @param options - The replacement signs.
 * @returns New labels, one per token.
 * @example
 * ```ts
 * import { prettifyTokens } from '@lxmls/viz';
 * console.log(prettifyTokens(['Hello', 'Ġworld', 'Ċ', 'ĠðŁ¤Ĺ', 'play', '##ing', '[SEP]']));
 * // → [ 'Hello', '␣world', '↵', '␣🤗', 'play', '·ing', '[SEP]' ]
 * console.log(prettifyTokens(['Ġworld'], { space: ' ' })); // → [ ' world' ]
 * ```
 */
export function prettifyTokens(tokens: readonly string[], options: PrettifyOptions = {}): string[] {
  const { space = '␣', newline = '↵', tab = '⇥', continuation = '·' } = options;
  const table = standInBytes();
  return tokens.map((token) => {
    if (token.length > 2 && token.startsWith('##')) return continuation + token.slice(2);
    if (!/[\u00a1-\u0143]/.test(token)) return token; // no byte stand-in: a plain word, [CLS], <|endoftext|>
    const bytes: number[] = [];
    for (const ch of token) {
      const b = table.get(ch);
      if (b === undefined) return token; // not a GPT-2 byte-level token
      bytes.push(b);
    }
    let text: string;
    try {
      text = utf8.decode(new Uint8Array(bytes));
    } catch {
      // A piece of a multi-byte character: keep the stand-ins, but still show spaces and newlines.
      return token.replace(/Ġ/g, space).replace(/Ċ/g, newline).replace(/ĉ/g, tab);
    }
    return text.replace(/ /g, space).replace(/\n/g, newline).replace(/\t/g, tab);
  });
}
