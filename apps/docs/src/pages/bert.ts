/**
 * Exercise 2.4, live: BERT's attention on the reader's sentence, drawn as bertviz's head view (and the model
 * view) by @lxmls/viz. Out of the box the model is @lxmls/bert's tiny randomly initialised test BERT, fetched
 * from `./models/tiny-bert/` (see vite.config.ts `SITE_MODELS`); the reader can load a real BERT folder
 * (bert-base-uncased) from disk with a file input: the files are read in the page, never uploaded.
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
/** The tiny test BERT's files, served beside the pages. */
const TINY_FILES = ['config.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors'];

const text = byId('bert-text', HTMLInputElement);
const specials = byId('bert-specials', HTMLInputElement);
const status = byId('bert-status');
const tokensOut = byId('bert-tokens', HTMLOutputElement);
const headEl = byId('bert-head-view');
const modelEl = byId('bert-model-view');
const note = byId('model-note');
const folderInput = byId('bert-folder', HTMLInputElement);
const filesInput = byId('bert-files', HTMLInputElement);
const tinyButton = byId('bert-tiny', HTMLButtonElement);
const loadStatus = byId('bert-load-status');

let bert: BertFromFiles | null = null;
let bertName = '';
let headHandle: HeadViewHandle | null = null;
let modelHandle: ModelViewHandle | null = null;

function show(): void {
  if (bert === null) return;
  try {
    const data = bertHeadViewData(bert, text.value, { specialTokens: specials.checked });
    const layer = headHandle?.state.layer ?? 0;
    headHandle?.destroy();
    modelHandle?.destroy();
    headEl.replaceChildren();
    modelEl.replaceChildren();
    headHandle = headView(headEl, data, { theme, layer: Math.min(layer, data.attention.length - 1) });
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
function use(next: BertFromFiles, name: string, tiny: boolean): void {
  bert?.model.dispose();
  bert = next;
  bertName = name;
  note.hidden = !tiny;
  tinyButton.disabled = tiny;
  show();
}

async function loadTiny(): Promise<void> {
  status.textContent = 'Loading the tiny test BERT…';
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const name of TINY_FILES) {
    const response = await fetch(new URL(`./models/tiny-bert/${name}`, location.href));
    if (!response.ok) throw new Error(`[lxmls-docs] bert page: HTTP ${response.status} for ${response.url}.`);
    files.set(name, new Uint8Array(await response.arrayBuffer()));
  }
  use(bertFromFiles(files), 'tiny test BERT (random weights)', true);
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
tinyButton.addEventListener('click', () => {
  loadStatus.textContent = '';
  loadTiny().catch((error) => {
    status.className = 'error';
    status.textContent = errorText(error);
  });
});
loadTiny().catch((error) => {
  status.className = 'error';
  status.textContent = errorText(error);
});
