/**
 * `lxmls viz`: the attention of a GPT or a BERT on a text, drawn in the manner of bertviz (head view, model
 * view, neuron view) as one self-contained HTML page that works offline, or as a static SVG.
 *
 * Follows Exercise 2.4 of the Transformer Day notebook: `bert-base-uncased` on "I will go for a run and will
 * jump into a lake.", `outputs = model(input_ids, attention_mask=…, output_attentions=True)`, then
 * `head_view(outputs.attentions, tokens=tokens)`; the same view works for the course's GPTs.
 */

import { headPatterns, NOTEBOOK_SENTENCE, strongestHeads } from '@lxmls/bert';
import { toHtml, toSvg } from '@lxmls/viz';
import { COMMON_OPTIONS } from '../args.js';
import { chooseBackend } from '../backends.js';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { asCliError } from '../load-model.js';
import { BACKEND_OR_ONNX_OPTION, isOnnxBackend, onnxAttention } from '../onnx-backend.js';
import {
  DEFAULT_VIZ_MODEL,
  disposeVizModel,
  loadVizModel,
  type ModelAttention,
  modelAttention,
  modelSize,
  type VizModel,
} from '../viz-model.js';
import { writeFileAtomic } from '../write-file.js';

/** The page written when neither `--output` nor `--svg` is given, in the current folder. */
export const DEFAULT_HTML = 'attention.html';

const VIEWS = ['head', 'model', 'neuron'] as const;
const THEMES = ['light', 'dark', 'auto'] as const;
type View = (typeof VIEWS)[number];

/**
 * `lxmls viz`: see its help (`lxmls help viz`).
 *
 * @example
 * ```ts
 * import { vizCommand } from './commands/viz.js';
 * console.log(vizCommand.name, vizCommand.optionNames.join(' ')); // → viz model text view layer head theme output svg no-special-tokens special-tokens backend refresh json
 * ```
 */
export const vizCommand = defineCommand({
  name: 'viz',
  summary: 'Draw the attention of a GPT or BERT on a text (head, model, neuron view) as HTML or SVG',
  usage: `lxmls viz [--model SOURCE] [--text TEXT] [--view head|model|neuron] [--layer L] [--head H]
                 [--theme light|dark|auto] [-o FILE | --svg FILE]
                 [--special-tokens | --no-special-tokens] [--backend B] [--json]`,
  description: `Draws a model's attention on TEXT in the manner of bertviz, as Exercise 2.4 of the notebook does with
head_view(outputs.attentions, tokens=tokens): one self-contained HTML page that works offline from disk
(no network, no Jupyter) with a layer selector, heads to switch on and off, and a token to hover to see
its weights. --svg writes a static picture of one layer instead. Prints the file written, and on stderr
the shape of the attentions (1, layers, heads, T, T): the notebook's outputs.attentions[0].shape is one
layer's (1, heads, T, T).

With no option at all it is Exercise 2.4 as the notebook runs it, offline: ${DEFAULT_VIZ_MODEL} (a small
BERT pretrained by lxmls with masked-language modelling, with bert-base-uncased's vocabulary; 4 layers ×
4 heads) on the notebook's sentence "${NOTEBOOK_SENTENCE}", fed as its 13
WordPieces alone, without [CLS]/[SEP], as the notebook feeds them: attentions (1, 4, 4, 13, 13). Look
at layer 1: head 0 looks at the previous token (0.52 of each token's attention on this sentence, 0.40 on
average over held-out sentences) and head 1 at the next token (0.66; 0.52). --json gives every head's
patterns on the text; the README of its folder in @lxmls/models has every head's measured patterns.

SOURCE is ${DEFAULT_VIZ_MODEL} (the default), any GPT lxmls generate takes (a folder with config.json and
model.safetensors, an http(s) URL of such a folder, a hub id: gpt2, gpt2-medium, gpt2-large, gpt2-xl, or a
model of @lxmls/models: lxmls/weather-nano, lxmls/shakespeare-char, lxmls/gpt2-shakespeare), or a BERT
folder in Hugging Face's layout (config.json with "model_type": "bert", model.safetensors, and vocab.txt or
tokenizer.json), such as a download of bert-base-uncased. A folder whose config.json says BERT is read
as BERT; anything else as a GPT.

A GPT reads TEXT with the tokenizer that travels with it, as lxmls generate does: a folder's tokenizer.json
(lxmls train text --out DIR, lxmls/shakespeare-char: its characters or BPE tokens); for the weather task's
8 tokens (gpt-nano of Exercise 3.1), space-separated words of its vocabulary: clean read shop tennis walk
rainy snowy sunny; else GPT-2's BPE tokens (drawn with ␣ for the Ġ space marker). A BERT sees its
WordPieces between [CLS] and [SEP], drawn as bertviz draws them. A text longer than the model takes (its
block size; BERT: max_position_embeddings) is cropped to its first tokens, with a note on stderr.`,
  options: {
    model: { type: 'string', value: 'SOURCE', default: DEFAULT_VIZ_MODEL, empty: true, help: 'The model.' },
    text: {
      type: 'string',
      value: 'TEXT',
      empty: true,
      help: "The text, not empty (default: the notebook's sentence).",
    },
    view: {
      type: 'choice',
      value: 'VIEW',
      choices: VIEWS,
      default: 'head',
      showDefault: false,
      help: `head (default): bertviz's head view: one layer, a line from each token to each
  token it attends to, as opaque as the weight, one colour per head.
model: every layer × head as a small picture; click one to open it.
neuron: one head's query vector q of the selected token, every key vector k,
  q × k, the scores q · k / √(head size) and their softmax; select another query
  token in the page. It starts on the last token for a GPT (it attends to all
  the others), on the first for a BERT.`,
    },
    layer: {
      type: 'integer',
      value: 'L',
      min: 0,
      help: 'The layer shown first (default 0, up to the number of layers - 1); with --svg, the layer drawn. Not with --view model, which shows every layer.',
    },
    head: {
      type: 'integer',
      value: 'H',
      min: 0,
      help: 'head view: show head H alone at first (the others can be switched on in the page; default: all heads). neuron view: the head shown (default 0). Not with --view model.',
    },
    theme: {
      type: 'choice',
      value: 'THEME',
      choices: THEMES,
      default: 'auto',
      showDefault: false,
      help: "auto follows the system's setting (light in an SVG).",
    },
    output: {
      type: 'string',
      value: 'FILE',
      short: 'o',
      help: `Where the HTML page goes (default ${DEFAULT_HTML} in the current folder). The file is written whole or not at all (a temporary file, then renamed).`,
    },
    svg: {
      type: 'string',
      value: 'FILE',
      help: 'Write a static SVG of the view instead: the head view of --layer with the heads of --head, the model view, or the neuron view of --layer and --head.',
    },
    'no-special-tokens': {
      type: 'flag',
      help: 'BERT only: leave out [CLS] and [SEP] and feed the WordPieces alone, exactly as the notebook does (13 tokens for its sentence, attention (1, 12, 13, 13)). The default without --text; with --text, [CLS] and [SEP] are added.',
    },
    'special-tokens': {
      type: 'flag',
      help: 'BERT only: add [CLS] and [SEP] (the default with --text), as BERT was trained.',
    },
    backend: BACKEND_OR_ONNX_OPTION,
    refresh: COMMON_OPTIONS.refresh,
    json: {
      type: 'flag',
      help: `Print one JSON line instead of the sentence (and no note on stderr):
{"file":"a.html","view":"head","model":"bert","tokens":[...],"layers":12,"heads":12,
 "attentionShape":[1,12,12,13,13]}
  file    the file written
  view    head, model or neuron
  model   gpt or bert
  tokens  the tokens the model saw, as its tokenizer writes them ("Ġcat", "##ing",
          "[CLS]"), after any cropping
  layers  the model's layers; heads: its heads per layer
  attentionShape  (batch, layers, heads, query, key) of the attentions drawn
  patterns  per layer and head, the mean attention of a token in this text on the
          previous token, the next, itself, [CLS], [SEP], the same token elsewhere, the
          other WordPieces of its word (null where the text has none)
  strongestHeads  the best head of each pattern, best first: {pattern,layer,head,score}`,
    },
  },
  exclusive: [
    ['output', 'svg'],
    ['special-tokens', 'no-special-tokens'],
  ],
  notes: `Exit code 2 with one line on stderr for: an empty --text, an unknown --view or --theme, a --layer
or --head out of range, --output with --svg, --special-tokens or --no-special-tokens with a GPT, both of
them, a file that cannot be
written, and every model problem lxmls generate reports (a missing folder or file, a corrupt checkpoint,
a text whose token ids a GPT's vocabulary does not have, a word outside the weather vocabulary).`,
  examples: [
    'lxmls viz',
    'lxmls viz --model lxmls/bert-mini --view model --text "The king is dead; long live the king."',
    'lxmls viz --model ./bert-base-uncased --text "I will go for a run and will jump into a lake."',
    'lxmls viz --model ./bert-base-uncased --no-special-tokens -o exercise-2.4.html \\\n            --text "I will go for a run and will jump into a lake."',
    'lxmls viz --model gpt2 --text "I will go for a run and will jump into a lake." --view model -o gpt2.html',
    'lxmls viz --model gpt2 --text "The cat sat on the mat because it was tired." --view neuron --layer 5',
    'lxmls viz --model ./gpt-nano --text "read walk walk walk tennis shop snowy sunny sunny sunny sunny" \\\n            --layer 2 --svg layer-2.svg',
  ],
  run: async (o, positionals, { io, out }) => {
    if (positionals.length > 0)
      throw new CliError(
        `unexpected argument ${JSON.stringify(positionals[0])}: give the text with --text TEXT`,
      );
    const source = o.model;
    if (source === '')
      throw new CliError(
        `--model is empty: give ${DEFAULT_VIZ_MODEL}, a GPT-2 folder, URL or hub id (gpt2), or a BERT folder`,
      );
    const text = o.text ?? NOTEBOOK_SENTENCE;
    if (text.trim() === '') throw new CliError('--text is empty: give the text whose attention to draw');
    const { view, theme, layer, head, svg } = o;
    if (view === 'model' && (layer !== undefined || head !== undefined)) {
      const given = layer !== undefined ? 'layer' : 'head';
      throw new CliError(
        `option --${given} does not apply to --view model, which shows every layer and head`,
      );
    }
    const file = svg ?? o.output ?? DEFAULT_HTML;
    const specialOption = o['special-tokens'] || o['no-special-tokens'];
    // the notebook's cell without --text (its 13 WordPieces alone); BERT as trained with a text of one's own
    const specialTokens = o['special-tokens'] || (!o['no-special-tokens'] && o.text !== undefined);

    const onnxBackend = isOnnxBackend(o.backend) ? o.backend : null; // ONNX Runtime, else a tensor backend
    await chooseBackend(onnxBackend === null ? o.backend : undefined);
    const model = await loadVizModel(source, io.stderr, { refresh: o.refresh });
    try {
      if (specialOption && model.kind === 'gpt') {
        const given = o['special-tokens'] ? 'special-tokens' : 'no-special-tokens';
        throw new CliError(`--${given} applies to a BERT only (GPT-2 adds no special tokens)`);
      }
      const { layers, heads } = modelSize(model);
      checkRange('layer', layer, layers, 'layers');
      checkRange('head', head, heads, 'heads per layer');
      const queriesKeys = view === 'neuron';
      const data =
        onnxBackend === null
          ? modelAttention(model, text, { specialTokens, queriesKeys })
          : await onnxAttention(model, onnxBackend, text, { queriesKeys });
      if (data.croppedFrom !== undefined) {
        io.stderr.write(
          `lxmls viz: note: the text has ${data.croppedFrom} tokens and the model takes at most ${data.tokens.length}: the view shows the first ${data.tokens.length}\n`,
        );
      }
      const title = `${model.kind === 'gpt' ? 'GPT' : 'BERT'} ${view} view: ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
      const document = render(view, data, model, { layer, head, theme, title, svg: svg !== undefined });
      await writeFileAtomic(file, document, svg === undefined ? '--output' : '--svg');
      const T = data.tokens.length;
      const attentionShape = [1, layers, heads, T, T];
      if (o.json) {
        // every head's mean attention on the previous / next token, [CLS], [SEP]… in this text (NaN → null)
        const patterns = headPatterns(data.attention, data.tokens);
        const record = {
          ...{ file, view, model: model.kind, tokens: data.tokens, layers, heads, attentionShape },
          patterns: patterns.heads,
          strongestHeads: strongestHeads(patterns, 0),
        };
        await out.write(`${JSON.stringify(record)}\n`);
      } else {
        io.stderr.write(
          `lxmls viz: note: attentions (${attentionShape.join(', ')}) = (batch, layers, heads, query, key); outputs.attentions[0].shape = (1, ${heads}, ${T}, ${T})\n`,
        );
        const kind = svg === undefined ? 'page' : 'SVG';
        await out.write(
          `wrote ${file}: the ${view} view (${kind}) of ${data.tokens.length} tokens, ${layers} layers × ${heads} heads\n`,
        );
      }
    } catch (error) {
      throw asCliError(error, source);
    } finally {
      disposeVizModel(model);
    }
    return 0;
  },
});

/** What {@link render} needs besides the data. */
interface RenderOptions {
  layer: number | undefined;
  head: number | undefined;
  theme: (typeof THEMES)[number];
  title: string;
  svg: boolean;
}

/** The HTML page or the SVG of one view. */
function render(view: View, data: ModelAttention, model: VizModel, o: RenderOptions): string {
  // bertviz shows BERT's WordPieces as they are; GPT-2's byte stand-ins are made readable (Ġ → ␣)
  const prettify = model.kind === 'gpt';
  const page = { pageTitle: o.title };
  const common = { theme: o.theme, title: o.title, prettify };
  if (view === 'neuron') {
    const neuron = { tokens: data.tokens, queries: data.queries!, keys: data.keys! };
    const options = {
      ...common,
      layer: o.layer ?? 0,
      head: o.head ?? 0,
      causal: model.kind === 'gpt',
      query: model.kind === 'gpt' ? data.tokens.length - 1 : 0,
    };
    return o.svg ? toSvg('neuron', neuron, options) : toHtml('neuron', neuron, { ...options, ...page });
  }
  const attention = { tokens: data.tokens, attention: data.attention };
  if (view === 'model') {
    return o.svg ? toSvg('model', attention, common) : toHtml('model', attention, { ...common, ...page });
  }
  const options = { ...common, layer: o.layer ?? 0, ...(o.head === undefined ? {} : { heads: [o.head] }) };
  return o.svg ? toSvg('head', attention, options) : toHtml('head', attention, { ...options, ...page });
}

/** Fails when `--name n` is not below the model's `count`. */
function checkRange(name: string, n: number | undefined, count: number, what: string): void {
  if (n === undefined || n < count) return;
  throw new CliError(`--${name} ${n} is out of range: the model has ${count} ${what} (0 to ${count - 1})`);
}
