// Tests of encoder–decoder data (bertviz's encoder_attention / decoder_attention / cross_attention): the
// checks of every array against its token lists, the prepared model of each attention type, and what toSvg
// and toHtml draw and embed for each type.
import { thrownError } from '@lxmls/base';
import { describe, expect, test } from 'vitest';
import { fixture } from './__fixtures__/attention.js';
import { normalizeHeadData } from './encdec.js';
import { LxmlsVizError, toHtml, toSvg } from './index.js';
import { prepare } from './prepare.js';

const encoderTokens = ['Le', 'Ġchat', 'Ġdort', '.'];
const decoderTokens = ['The', 'Ġcat', 'Ġsleeps'];
/** 2 encoder layers × 3 heads, 1 decoder layer × 2 heads, cross 1 layer × 2 heads (decoder × encoder). */
const data = {
  encoderTokens,
  decoderTokens,
  encoderAttention: fixture(2, 3, 4),
  decoderAttention: fixture(1, 2, 3, 3, 8),
  crossAttention: fixture(1, 2, 3, 4, 9),
};

const count = (svg: string, pattern: RegExp) => svg.match(pattern)?.length ?? 0;

const error = (run: () => unknown): LxmlsVizError => thrownError(LxmlsVizError, run);

describe('normalizeHeadData (encoder–decoder)', () => {
  test('normalizeHeadData keeps each type with its own tokens, layers and heads; the first given is shown', () => {
    const model = normalizeHeadData('toSvg', data, true);
    expect(Object.keys(model.types!)).toEqual(['encoder', 'decoder', 'cross']);
    const { encoder, decoder, cross } = model.types!;
    expect([encoder!.tokens, encoder!.keyTokens]).toEqual([
      ['Le', '␣chat', '␣dort', '.'],
      ['Le', '␣chat', '␣dort', '.'],
    ]);
    expect([decoder!.tokens, decoder!.keyTokens]).toEqual([
      ['The', '␣cat', '␣sleeps'],
      ['The', '␣cat', '␣sleeps'],
    ]);
    expect([cross!.tokens, cross!.keyTokens]).toEqual([
      ['The', '␣cat', '␣sleeps'],
      ['Le', '␣chat', '␣dort', '.'],
    ]);
    expect([encoder!.layers, encoder!.heads, decoder!.layers, decoder!.heads]).toEqual([2, 3, 1, 2]);
    expect(cross!.cross).toBe(true);
    expect(encoder!.cross).toBe(false);
    expect(cross!.weights[1]![1 * 4 + 3]).toBeCloseTo(data.crossAttention[0]![1]![1]![3]!, 6);
    expect(model.tokens).toEqual(encoder!.tokens); // the encoder is shown first
    expect(model.weights).toBe(encoder!.weights);
  });

  test('normalizeHeadData with only crossAttention shows cross first; self-attention data has no types', () => {
    const only = normalizeHeadData(
      'toSvg',
      { encoderTokens, decoderTokens, crossAttention: data.crossAttention },
      false,
    );
    expect(Object.keys(only.types!)).toEqual(['cross']);
    expect(only.keyTokens).toEqual(encoderTokens);
    expect(normalizeHeadData('toSvg', { tokens: ['a'], attention: [[[[1]]]] }, true).types).toBeUndefined();
  });

  test('prepare resolves options.attentionType to the first type given, and checks layer and heads against the type shown', () => {
    const p = prepare('toSvg', 'head', { ...data, encoderAttention: undefined }, {});
    expect(p.options).toMatchObject({ attentionType: 'decoder', heads: [0, 1] });
    const q = prepare('toSvg', 'head', data, { attentionType: 'encoder', layer: 1, heads: [2] });
    expect(q.options).toMatchObject({ attentionType: 'encoder', layer: 1, heads: [2] });
    expect(error(() => prepare('toSvg', 'head', data, { attentionType: 'cross', layer: 1 })).message).toBe(
      '[@lxmls/viz] toSvg: options.layer is out of range. Expected an integer in [0, 1), received number 1.',
    );
  });
});

describe('encoder–decoder validation', () => {
  const bad = (patch: Record<string, unknown>) => ({ ...data, ...patch });
  test.each([
    [
      'self-attention fields mixed in',
      { ...data, tokens: ['x'] },
      'INVALID_ARGUMENT',
      '[@lxmls/viz] toSvg: data mixes self-attention fields with encoder-decoder fields. Expected either { tokens, attention, keyTokens? } or the encoder-decoder fields, not both, received tokens, encoderTokens, decoderTokens, encoderAttention, decoderAttention, crossAttention.',
    ],
    [
      'tokens but no attention',
      { encoderTokens, decoderTokens },
      'INVALID_ARGUMENT',
      '[@lxmls/viz] toSvg: data has no attention. Expected at least one of encoderAttention, decoderAttention and crossAttention, received only encoderTokens, decoderTokens.',
    ],
    [
      'encoderAttention without encoderTokens',
      { encoderAttention: data.encoderAttention },
      'INVALID_ARGUMENT',
      '[@lxmls/viz] toSvg: encoderTokens is missing. Expected the encoder tokens, as encoderAttention is [layer][head][encoder token][encoder token], received undefined.',
    ],
    [
      'crossAttention without decoderTokens',
      { encoderTokens, crossAttention: data.crossAttention },
      'INVALID_ARGUMENT',
      '[@lxmls/viz] toSvg: decoderTokens is missing. Expected the decoder tokens, as crossAttention is [layer][head][decoder token][encoder token], received undefined.',
    ],
    [
      'empty decoder tokens',
      bad({ decoderTokens: [] }),
      'EMPTY_INPUT',
      '[@lxmls/viz] toSvg: decoderTokens is empty. Expected at least one token, received an empty array.',
    ],
    [
      'an encoder head with a missing row',
      bad({
        encoderAttention: [
          data.encoderAttention[0],
          [...data.encoderAttention[1]!.slice(0, 2), fixture(1, 1, 3, 4)[0]![0]],
        ],
      }),
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: encoderAttention[1][2] has 3 rows. Expected 4 rows (one per encoder token), received 3.',
    ],
    [
      'decoder self-attention over the encoder tokens',
      bad({ decoderAttention: fixture(1, 2, 3, 4) }),
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: decoderAttention[0][0][0] has 4 weights. Expected 3 weights (one per decoder token), received 4.',
    ],
    [
      'cross-attention with encoder rows (transposed)',
      bad({ crossAttention: fixture(1, 2, 4, 3) }),
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: crossAttention[0][0] has 4 rows. Expected 3 rows (one per decoder token), received 4.',
    ],
    [
      'cross-attention rows one weight short',
      bad({ crossAttention: fixture(1, 2, 3, 3) }),
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: crossAttention[0][0][0] has 3 weights. Expected 4 weights (one per encoder token), received 3.',
    ],
    [
      'a flat cross head of the wrong length',
      bad({ crossAttention: [[new Float32Array(9), new Float32Array(12)]] }),
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: crossAttention[0][0] is a flat array of 9 weights. Expected 3 × 4 = 12 weights (query × key, row-major), received 9.',
    ],
    [
      'a cross layer with fewer heads',
      bad({ crossAttention: [...fixture(1, 2, 3, 4), fixture(1, 1, 3, 4)[0]] }),
      'SHAPE_MISMATCH',
      '[@lxmls/viz] toSvg: crossAttention[1] has 1 head, but crossAttention[0] has 2. Expected 2 heads in every layer, received 1.',
    ],
    [
      'crossAttention not an array',
      bad({ crossAttention: 'weights' }),
      'INVALID_ARGUMENT',
      '[@lxmls/viz] toSvg: crossAttention must be an array indexed [layer][head][decoder token][encoder token]. Expected an array of layers, received string "weights".',
    ],
    [
      'a NaN in the decoder attention',
      bad({
        decoderAttention: [
          [
            [
              [1, 0, 0],
              [0.5, Number.NaN, 0.5],
              [0, 0, 1],
            ],
            fixture(1, 1, 3)[0]![0],
          ],
        ],
      }),
      'NON_FINITE',
      '[@lxmls/viz] toSvg: decoderAttention[0][0][1][1] is not a finite number. Expected a finite weight, received number NaN.',
    ],
  ])('toSvg(head, %s) throws a clear error', (_, input, code, message) => {
    const e = error(() => toSvg('head', input as never));
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
  });

  test.each([
    [
      'a type not given',
      {
        encoderTokens,
        decoderTokens,
        encoderAttention: data.encoderAttention,
        crossAttention: data.crossAttention,
      },
      { attentionType: 'decoder' },
      "[@lxmls/viz] toSvg: options.attentionType is out of range. Expected one of the types given: 'encoder', 'cross', received string \"decoder\".",
    ],
    [
      'attentionType with self-attention data',
      { tokens: ['a'], attention: [[[[1]]]] },
      { attentionType: 'encoder' },
      '[@lxmls/viz] toSvg: options.attentionType is out of range. Expected no attentionType without encoder-decoder data (encoderAttention, decoderAttention, crossAttention), received string "encoder".',
    ],
    [
      'sentenceBStart',
      data,
      { sentenceBStart: 2 },
      '[@lxmls/viz] toSvg: options.sentenceBStart is out of range. Expected no sentenceBStart with encoder-decoder data, received number 2.',
    ],
    [
      'a head of the encoder that the cross-attention lacks',
      data,
      { attentionType: 'cross', heads: [2] },
      '[@lxmls/viz] toSvg: options.heads[0] is out of range. Expected an integer in [0, 2), received number 2.',
    ],
  ])('toSvg(head, …, %s) names the option', (_, input, options, message) => {
    expect(error(() => toSvg('head', input as never, options as never)).message).toBe(message);
  });
});

describe('toSvg and toHtml with encoder–decoder data', () => {
  test.each([
    ['encoder', 4, 4, 3 * 4 * 4],
    ['decoder', 3, 3, 2 * 3 * 3],
    ['cross', 3, 4, 2 * 3 * 4],
  ] as const)(
    "toSvg('head', …, { attentionType: '%s' }) draws %i query and %i key labels and their lines",
    (type, q, k, lines) => {
      const svg = toSvg('head', data, { attentionType: type });
      expect(count(svg, /data-side="q"/g)).toBe(q);
      expect(count(svg, /data-side="k"/g)).toBe(k);
      expect(count(svg, /class="lx-line"/g)).toBe(lines);
      expect(svg).toContain(`${type} attention · layer 0 · heads`);
    },
  );

  test("toSvg('head', cross) draws the same lines as keyTokens with the same matrix", () => {
    const viaTypes = toSvg('head', data, { attentionType: 'cross', prettify: false });
    const viaKeys = toSvg(
      'head',
      { tokens: decoderTokens, keyTokens: encoderTokens, attention: data.crossAttention },
      { prettify: false },
    );
    const lines = (svg: string) => svg.match(/<line [^>]+>/g);
    expect(lines(viaTypes)).toEqual(lines(viaKeys));
  });

  test.each([
    ['encoder', 2 * 3, 'Encoder attention'],
    ['decoder', 1 * 2, 'Decoder attention'],
    ['cross', 1 * 2, 'Cross attention'],
  ] as const)("toSvg('model', …, { attentionType: '%s' }) draws %i thumbnails", (type, thumbs, label) => {
    const svg = toSvg('model', data, { attentionType: type });
    expect(count(svg, /class="lx-thumb"/g)).toBe(thumbs);
    expect(svg).toContain(label);
  });

  test('toHtml embeds every type in the same precision and no URL', () => {
    const html = toHtml('model', data, { attentionType: 'cross' });
    expect(html).not.toMatch(/https?:\/\//);
    const payload = JSON.parse(html.match(/id="lx-data">([^<]*)<\/script>/)![1]!);
    expect(Object.keys(payload.data.types)).toEqual(['encoder', 'decoder', 'cross']);
    expect(payload.options.attentionType).toBe('cross');
    const cross = payload.data.types.cross;
    expect([cross.tokens.length, cross.keyTokens.length, cross.encoding]).toEqual([3, 4, 'float32']);
    const bytes = Buffer.from(cross.weights, 'base64');
    const w = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    expect(w.length).toBe(2 * 3 * 4);
    expect(w[12 + 2 * 4 + 1]).toBeCloseTo(data.crossAttention[0]![1]![2]![1]!, 6); // head 1, query 2, key 1
    const small = JSON.parse(
      toHtml('head', data, { precision: 'uint8' }).match(/id="lx-data">([^<]*)<\/script>/)![1]!,
    );
    expect(Buffer.from(small.data.types.encoder.weights, 'base64').length).toBe(2 * 3 * 16);
  });
});
