/**
 * Exercise 2.4, live: BERT's attention on the reader's sentence, drawn as bertviz's head view (and the model
 * view) by @lxmls/viz. Out of the box the model is @lxmls/models' `bert-mini`, a small BERT pretrained by
 * lxmls-ts with masked-language modelling, fetched from `./models/bert-mini/` (see vite.config.ts
 * `SITE_MODELS`) with its `training.json`, whose measured head patterns name the heads worth looking at (a
 * click shows that layer and head alone); the reader can load a real BERT folder (bert-base-uncased) from disk
 * with a file input: the files are read in the page, never uploaded.
 */

import '@lxmls/backend-wasm/register';
import { getBackend } from '@lxmls/tensor';
import { type HeadViewHandle, headView, type ModelViewHandle, modelView } from '@lxmls/viz';
import { type BertFromFiles, bertFromFiles, bertHeadViewData } from '../lib/bert-files.js';
import { byId, errorText, nextFrame, perFrame } from '../lib/dom.js';
import { readFolderFiles } from '../lib/folder-files.js';
import { renderNotebook } from '../lib/notebook-html.js';

renderNotebook(); // the notebook's words first: explanations, cells (Python | TypeScript), questions

const theme = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
/** The files a BERT folder may hold that the page reads. */
const WANTED = ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer.json', 'tokenizer_config.json'];
/** The default BERT's files (@lxmls/models' bert-mini), served beside the pages. */
const DEFAULT_FILES = ['config.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors'];
/** What the reader reads for each measured pattern of training.json. */
const PATTERN_WORDS: Record<string, string> = {
  previous: 'the previous token',
  next: 'the next token',
  self: 'the token itself',
  cls: '[CLS]',
  sep: '[SEP]',
  sameToken: 'the same word elsewhere in the sentence',
  sameWord: 'the other WordPieces of its word',
};

const text = byId('bert-text', HTMLInputElement);
const specials = byId('bert-specials', HTMLInputElement);
const status = byId('bert-status');
const tokensOut = byId('bert-tokens', HTMLOutputElement);
const headEl = byId('bert-head-view');
const modelEl = byId('bert-model-view');
const note = byId('model-note');
const folderInput = byId('bert-folder', HTMLInputElement);
const filesInput = byId('bert-files', HTMLInputElement);
const defaultButton = byId('bert-default', HTMLButtonElement);
const loadStatus = byId('bert-load-status');
const headsList = byId('bert-heads');

let bert: BertFromFiles | null = null;
let bertName = '';
let headHandle: HeadViewHandle | null = null;
let modelHandle: ModelViewHandle | null = null;
/** The layer and head a "heads worth looking at" button asked for (the head view then shows that head alone). */
let focus: { layer: number; head: number } | null = null;

function show(): void {
  if (bert === null) return;
  try {
    const data = bertHeadViewData(bert, text.value, { specialTokens: specials.checked });
    const layer = focus?.layer ?? headHandle?.state.layer ?? 0;
    const heads = focus === null ? {} : { heads: [focus.head] };
    focus = null;
    headHandle?.destroy();
    modelHandle?.destroy();
    headEl.replaceChildren();
    modelEl.replaceChildren();
    headHandle = headView(headEl, data, {
      theme,
      layer: Math.min(layer, data.attention.length - 1),
      ...heads,
    });
    modelHandle = modelView(modelEl, data, { theme });
    tokensOut.textContent = JSON.stringify(data.tokens);
    tokensOut.dataset.count = String(data.tokens.length); // read by the browser test
    const { numHiddenLayers, numAttentionHeads } = bert.config;
    status.className = 'muted';
    status.textContent = `${bertName}: ${data.tokens.length} tokens, ${numHiddenLayers} layers × ${numAttentionHeads} heads, on the ${getBackend().name} backend.`;
  } catch (error) {
    status.className = 'error';
    status.textContent = errorText(error);
  }
}

/** Makes `next` the model shown (the previous one is freed). */
function use(next: BertFromFiles, name: string, isDefault: boolean): void {
  bert?.model.dispose();
  bert = next;
  bertName = name;
  note.hidden = !isDefault;
  headsList.hidden = !isDefault;
  defaultButton.disabled = isDefault;
  show();
}

/** One pattern of training.json's `patterns.strongest`. */
interface StrongHead {
  pattern: string;
  layer: number;
  head: number;
  score: number;
}

/** Lists the heads worth looking at (measured when the model was trained), each a button that shows it. */
function listHeads(strongest: readonly StrongHead[]): void {
  const items = strongest.map((s) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.layer = String(s.layer);
    button.dataset.head = String(s.head);
    button.textContent = `layer ${s.layer}, head ${s.head}`;
    button.addEventListener('click', () => {
      focus = { layer: s.layer, head: s.head };
      specials.checked = true; // measured on [CLS] sentence [SEP]: show it as measured
      show();
      headEl.scrollIntoView({ block: 'nearest' });
    });
    li.append(
      button,
      `: ${PATTERN_WORDS[s.pattern] ?? s.pattern} (${Math.round(s.score * 100)}% of each token's attention on average)`,
    );
    return li;
  });
  headsList.replaceChildren(...items);
  headsList.dataset.count = String(items.length); // read by the browser test
}

async function loadDefault(): Promise<void> {
  status.textContent = 'Loading lxmls/bert-mini…';
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  const base = new URL('./models/bert-mini/', location.href);
  for (const name of DEFAULT_FILES) {
    const response = await fetch(new URL(name, base));
    if (!response.ok)
      throw new Error(
        `${response.url} could not be downloaded (HTTP ${response.status}): reload the page to try again.`,
      );
    files.set(name, new Uint8Array(await response.arrayBuffer()));
  }
  const training = await fetch(new URL('training.json', base));
  if (training.ok) {
    const json = (await training.json()) as { patterns?: { strongest?: StrongHead[] } };
    listHeads(json.patterns?.strongest ?? []);
  }
  use(bertFromFiles(files), 'lxmls/bert-mini (pretrained here, masked-language modelling)', true);
}

async function loadPicked(input: HTMLInputElement): Promise<void> {
  const picked = Array.from(input.files ?? []);
  if (picked.length === 0) return;
  const folder = picked[0]!.webkitRelativePath.split('/')[0] || 'your files';
  loadStatus.className = '';
  loadStatus.textContent = `Reading ${folder}…`;
  delete loadStatus.dataset.state;
  await nextFrame();
  try {
    const next = bertFromFiles(await readFolderFiles(picked, WANTED));
    const { numHiddenLayers, numAttentionHeads, hiddenSize } = next.config;
    use(next, folder, false);
    loadStatus.textContent = `Loaded ${folder} (${next.used.join(', ')}): ${numHiddenLayers} layers × ${numAttentionHeads} heads, hidden size ${hiddenSize}, ${next.tokenizer.vocabSize} WordPieces. The views above show it.`;
    loadStatus.dataset.state = 'loaded'; // read by the browser test
  } catch (error) {
    loadStatus.className = 'error';
    loadStatus.textContent = `Could not load ${folder}. ${errorText(error)}`;
    loadStatus.dataset.state = 'error';
  } finally {
    input.value = ''; // picking the same folder again loads it again
  }
}

text.addEventListener('input', perFrame(show));
specials.addEventListener('change', show);
folderInput.addEventListener('change', () => void loadPicked(folderInput));
filesInput.addEventListener('change', () => void loadPicked(filesInput));
defaultButton.addEventListener('click', () => {
  loadStatus.textContent = '';
  loadDefault().catch((error) => {
    status.className = 'error';
    status.textContent = errorText(error);
  });
});
loadDefault().catch((error) => {
  status.className = 'error';
  status.textContent = errorText(error);
});
