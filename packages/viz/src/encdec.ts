/**
 * Encoder–decoder attention, as bertviz's `head_view(encoder_attention=…, decoder_attention=…,
 * cross_attention=…, encoder_tokens=…, decoder_tokens=…)` takes it: up to three attention arrays of one
 * model, which the head and model views show one at a time, chosen with an "Attention: Encoder / Decoder /
 * Cross" selector.
 *
 * - encoder self-attention: encoder tokens as queries (left) and keys (right);
 * - decoder self-attention: decoder tokens on both sides;
 * - cross-attention: decoder tokens as queries (left), encoder tokens as keys (right).
 *
 * Every array is checked against its token lists here, with errors naming the argument; the result is the
 * model of the first type given (encoder, decoder, cross: bertviz's order) with all of them in `types`.
 */

import type { Attention, AttentionData } from './data.js';
import { checkTokens, fail, normalizeAttention, normalizeWeights } from './data.js';
import { describe } from './errors.js';
import { prettifyTokens } from './prettify.js';
import type { AttentionModel, AttentionType, AttentionTypes } from './runtime/types.js';

export type { AttentionType } from './runtime/types.js';

/**
 * Encoder–decoder attention (bertviz's encoder-decoder mode): give any of the three arrays, with the token
 * lists they need. Versus `keyTokens`: `{ tokens: decoderTokens, keyTokens: encoderTokens, attention:
 * crossAttention }` draws the same picture as `{ decoderTokens, encoderTokens, crossAttention }`, without a
 * selector; these fields add the selector to switch between a model's encoder, decoder and cross-attention.
 */
export interface EncoderDecoderData {
  /** The encoder's (source) tokens: needed by `encoderAttention` and `crossAttention`. */
  encoderTokens?: readonly string[];
  /** The decoder's (target) tokens: needed by `decoderAttention` and `crossAttention`. */
  decoderTokens?: readonly string[];
  /** Encoder self-attention, `[layer][head][encoder token][encoder token]`. */
  encoderAttention?: Attention;
  /** Decoder self-attention, `[layer][head][decoder token][decoder token]`. */
  decoderAttention?: Attention;
  /** Cross-attention, `[layer][head][decoder token][encoder token]`: decoder queries, encoder keys. */
  crossAttention?: Attention;
}

/** What the head and model views take: self- or cross-attention, or a model's encoder–decoder attention. */
export type HeadViewData = AttentionData | EncoderDecoderData;

/** The three types, in bertviz's order (the first one given is shown first). @internal */
export const ATTENTION_TYPES: readonly AttentionType[] = ['encoder', 'decoder', 'cross'];

const ENCDEC_FIELDS = [
  'encoderTokens',
  'decoderTokens',
  'encoderAttention',
  'decoderAttention',
  'crossAttention',
];
const SELF_FIELDS = ['tokens', 'attention', 'keyTokens'];

/**
 * Checks head- or model-view data: `{ tokens, attention, keyTokens? }`, or encoder–decoder data.
 *
 * @internal
 */
export function normalizeHeadData(fn: string, data: unknown, prettify: boolean): AttentionModel {
  if (typeof data !== 'object' || data === null) {
    fail(fn, 'INVALID_ARGUMENT')(
      'data must be an object',
      'data',
      '{ tokens, attention } or { encoderTokens, decoderTokens, encoderAttention, decoderAttention, crossAttention }',
      describe(data),
    );
  }
  const d = data as Record<string, unknown>;
  const given = (fields: string[]) => fields.filter((f) => d[f] !== undefined);
  const encdec = given(ENCDEC_FIELDS);
  if (encdec.length === 0) return normalizeAttention(fn, data, prettify);
  const self = given(SELF_FIELDS);
  if (self.length > 0) {
    fail(fn, 'INVALID_ARGUMENT')(
      'data mixes self-attention fields with encoder-decoder fields',
      'data',
      'either { tokens, attention, keyTokens? } or the encoder-decoder fields, not both',
      `${[...self, ...encdec].join(', ')}`,
    );
  }
  return normalizeEncoderDecoder(fn, d as EncoderDecoderData, prettify);
}

function normalizeEncoderDecoder(fn: string, d: EncoderDecoderData, prettify: boolean): AttentionModel {
  if (
    d.encoderAttention === undefined &&
    d.decoderAttention === undefined &&
    d.crossAttention === undefined
  ) {
    fail(fn, 'INVALID_ARGUMENT')(
      'data has no attention',
      'data',
      'at least one of encoderAttention, decoderAttention and crossAttention',
      `only ${ENCDEC_FIELDS.filter((f) => (d as Record<string, unknown>)[f] !== undefined).join(', ')}`,
    );
  }
  const tokensFor = (name: 'encoderTokens' | 'decoderTokens', by: string, shape: string) => {
    if (d[name] === undefined) {
      fail(fn, 'INVALID_ARGUMENT')(
        `${name} is missing`,
        name,
        `the ${name === 'encoderTokens' ? 'encoder' : 'decoder'} tokens, as ${by} is ${shape}`,
        'undefined',
      );
    }
    const list = checkTokens(fn, d[name], name);
    return prettify ? prettifyTokens(list) : [...list];
  };
  const types: AttentionTypes = {};
  const make = (
    type: AttentionType,
    name: string,
    attention: unknown,
    tokens: string[],
    keyTokens: string[],
    row: string,
    col: string,
  ): AttentionModel => {
    const axes = `[${row}][${col}]`;
    const w = normalizeWeights(fn, attention, name, {
      q: tokens.length,
      k: keyTokens.length,
      row,
      col,
      axes,
    });
    return { tokens, keyTokens, ...w, cross: type === 'cross' };
  };
  // each type's queries and keys: encoder and decoder attention within one side, cross from decoder to encoder
  const sides = {
    encoder: ['encoder', 'encoder'],
    decoder: ['decoder', 'decoder'],
    cross: ['decoder', 'encoder'],
  } as const;
  for (const type of ATTENTION_TYPES) {
    const name = `${type}Attention` as const;
    if (d[name] === undefined) continue;
    const [querySide, keySide] = sides[type];
    const shape = `[layer][head][${querySide} token][${keySide} token]`;
    const q = tokensFor(`${querySide}Tokens`, name, shape);
    const k = keySide === querySide ? q : tokensFor(`${keySide}Tokens`, name, shape);
    types[type] = make(type, name, d[name], q, k, `${querySide} token`, `${keySide} token`);
  }
  const first = ATTENTION_TYPES.find((t) => types[t] !== undefined)!;
  return { ...types[first]!, types };
}

/**
 * The model of one attention type (`undefined`: the first given), or the model itself without types.
 *
 * @internal
 */
export function attentionOf(model: AttentionModel, type: AttentionType | undefined): AttentionModel {
  const types = model.types;
  if (!types) return model;
  return types[type ?? ATTENTION_TYPES.find((t) => types[t] !== undefined)!] ?? model;
}
