/**
 * Exercise 2, live: the two value tests of cross-attention (2.1), and the head and model views of a GPT's
 * causal self-attention on the reader's text (2.2): an untrained gpt-nano with GPT-2's vocabulary built in
 * the page, or GPT-2 itself after an optional download or from a folder the reader picks (the model of Exercise 3.2).
 * The views' weights come from the tensor path (`attentionForViz`) or, when the reader picks ONNX Runtime, from
 * the `attentions.N` outputs of the model exported in the page (lib/onnx-runtime.ts, @lxmls/onnx's `attentionForVizOnnx`).
 */

import '@lxmls/backend-wasm/register';
import { getEncoder } from '@lxmls/bpe';
import { attentionForViz, type DownloadProgress, GPT } from '@lxmls/gpt';
import { attentionForVizOnnx } from '@lxmls/onnx';
import { getBackend } from '@lxmls/tensor';
import { type HeadViewHandle, headView, type ModelViewHandle, modelView } from '@lxmls/viz';
import { crossAttentionTestA, crossAttentionTestB, TEST_A, TEST_B } from '../lib/cross-attention-demo.js';
import { byId, errorText, nextFrame, perFrame } from '../lib/dom.js';
import { filesFetch, PICKED_FILES_URL, readFolderFiles } from '../lib/folder-files.js';
import { formatIds } from '../lib/ids.js';
import { renderNotebook } from '../lib/notebook-html.js';
import { onnxSession, type PageBackend, releaseSessions, webgpuAvailable } from '../lib/onnx-runtime.js';

renderNotebook(); // the notebook's words first: explanations, cells (Python | TypeScript), questions

const theme = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
const fmt = (v: number) => (Math.abs(v) >= 1000 ? v.toFixed(1) : Number(v.toFixed(4)).toString());

/** A small table for a matrix, with a caption. */
function matrixTable(caption: string, rows: readonly (readonly number[])[]): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'matrix';
  table.createCaption().textContent = caption;
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const v of row) tr.insertCell().textContent = fmt(v);
  }
  return table;
}

// 2.1 (a): the course's matrices and the output computed now
function showTestA(): void {
  const inputs = byId('test-a-inputs');
  inputs.replaceChildren(
    matrixTable('S1 (4 × 3)', TEST_A.S1),
    matrixTable('S2 (2 × 2)', TEST_A.S2),
    matrixTable('W_Q (2 × 3)', TEST_A.WQ),
    matrixTable('W_K (3 × 3)', TEST_A.WK),
    matrixTable('W_V (3 × 3)', TEST_A.WV),
  );
  const output = crossAttentionTestA();
  byId('test-a-output').replaceChildren(matrixTable('crossAttention(S1, S2, W_Q, W_K, W_V)', output));
  const ok = output.every((row) =>
    row.every((v, j) => Math.abs(v - TEST_A.expected[j]!) < 1e-3 * TEST_A.expected[j]!),
  );
  const check = byId('test-a-check');
  check.textContent = ok
    ? `✓ Both rows equal the expected [${TEST_A.expected.join(', ')}].`
    : `✗ Expected both rows to be [${TEST_A.expected.join(', ')}].`;
  check.className = ok ? 'ok' : 'error';
}

// 2.1 (b): any two sentences, through their GPT-2 ids
const context = byId('context', HTMLInputElement);
const query = byId('query', HTMLInputElement);
const testB = byId('test-b', HTMLOutputElement);
function showTestB(): void {
  const { contextIds, queryIds, output } = crossAttentionTestB(context.value, query.value);
  const lines = [`S1 ids: ${formatIds(contextIds)}`, `S2 ids: ${formatIds(queryIds)}`];
  if (output.length === 0) lines.push('Type a sentence in both boxes.');
  else for (const [i, row] of output.entries()) lines.push(`row ${i}: [${row.map(fmt).join(', ')}]`);
  testB.textContent = lines.join('\n');
  testB.style.whiteSpace = 'pre-wrap';
}

// 2.2: a GPT's self-attention on the reader's text
const encoder = getEncoder();
const gptText = byId('gpt-text', HTMLInputElement);
const gptStatus = byId('gpt-status');
let model: GPT | null = null;
let modelName = '';
let headHandle: HeadViewHandle | null = null;
let modelHandle: ModelViewHandle | null = null;

/** gpt-nano with GPT-2's vocabulary and a block of 64, with the course's deterministic weights. */
function nanoModel(): GPT {
  const config = GPT.getDefaultConfig();
  config.modelType = 'gpt-nano';
  config.vocabSize = 50257;
  config.blockSize = 64;
  return new GPT(config, { init: 'lcg' }).eval();
}

const backendSelect = byId('gpt-backend', HTMLSelectElement);
const ONNX_LABELS: Record<string, string> = {
  'onnx-wasm': 'ONNX Runtime Web (wasm)',
  'onnx-webgpu': 'ONNX Runtime Web (WebGPU)',
};
let shown = 0; // the latest showAttention call; an older one that finishes later draws nothing

async function showAttention(): Promise<void> {
  if (model === null) {
    model = nanoModel();
    modelName = 'gpt-nano (untrained, deterministic weights)';
  }
  const call = ++shown;
  const backend = backendSelect.value as PageBackend;
  const current = model;
  const blockSize = current.config.blockSize;
  let ids = encoder.encode(gptText.value);
  const cut = ids.length > blockSize;
  if (cut) ids = ids.slice(0, blockSize);
  if (ids.length === 0) {
    gptStatus.textContent = 'Type some text above.';
    return;
  }
  const tokens = ids.map((id) => encoder.idToToken(id));
  const data =
    backend === 'tensor'
      ? attentionForViz(current, ids, { tokens })
      : { tokens, attention: await attentionForVizOnnx(await onnxSession(current, backend, true), ids) };
  if (call !== shown || current !== model) return;
  const layer = headHandle?.state.layer ?? 0;
  headHandle?.destroy();
  modelHandle?.destroy();
  const headEl = byId('head-view');
  const modelEl = byId('model-view');
  headEl.replaceChildren();
  modelEl.replaceChildren();
  headHandle = headView(headEl, data, { theme, layer: Math.min(layer, data.attention.length - 1) });
  modelHandle = modelView(modelEl, data, { theme });
  // the last layer's first head, rounded, for the browser tests to compare the backends
  headEl.dataset.weights = JSON.stringify(Array.from(data.attention.at(-1)?.[0] ?? [], (v) => +v.toFixed(5)));
  const nh = data.attention[0]?.length ?? 0;
  gptStatus.textContent =
    `${modelName}: ${ids.length} tokens, ${data.attention.length} layers × ${nh} heads, on ${backend === 'tensor' ? `the ${getBackend().name} backend` : ONNX_LABELS[backend]}.` +
    (cut ? ` Only the first ${blockSize} tokens fit the model's block.` : '');
}

function safely(fn: () => void, out: HTMLElement): () => void {
  return () => {
    try {
      fn();
    } catch (error) {
      out.textContent = errorText(error);
      out.classList.add('error');
    }
  };
}

// GPT-2 from the hub (or from `?hub=<url>`, a mirror in the same layout)
const loadButton = byId('load-gpt2', HTMLButtonElement);
const progress = byId('gpt2-progress', HTMLProgressElement);
const gpt2Status = byId('gpt2-status');
const hubUrl = new URLSearchParams(location.search).get('hub') ?? undefined;

async function loadGpt2(): Promise<void> {
  loadButton.disabled = true;
  progress.hidden = false;
  progress.removeAttribute('value'); // indeterminate until the size is known
  gpt2Status.className = '';
  gpt2Status.textContent = 'Downloading GPT-2…';
  const onProgress = (p: DownloadProgress) => {
    if (p.total) {
      progress.max = p.total;
      progress.value = p.loaded;
    }
    const mb = (n: number) => (n / 1e6).toFixed(1);
    gpt2Status.textContent = p.fromCache
      ? `${p.file}: from the browser's cache.`
      : `${p.file}: ${mb(p.loaded)}${p.total ? ` of ${mb(p.total)}` : ''} MB.`;
  };
  try {
    const gpt2 = await GPT.fromPretrained('gpt2', { onProgress, ...(hubUrl ? { hubUrl } : {}) });
    gpt2.eval();
    if (model) releaseSessions(model);
    model?.dispose();
    model = gpt2;
    modelName = 'GPT-2 (124M, pretrained)';
    gpt2Status.textContent = 'GPT-2 is loaded: the views above now show its attention.';
    await nextFrame();
    attentionSafe();
    gptText.scrollIntoView({ behavior: 'smooth', block: 'center' });
  } catch (error) {
    gpt2Status.className = 'error';
    gpt2Status.setAttribute('role', 'alert');
    gpt2Status.textContent = `Could not load GPT-2. ${errorText(error)} The rest of this page works offline; try again when you are online.`;
    loadButton.disabled = false;
  } finally {
    progress.hidden = true;
  }
}

// offline: a GPT-2 folder picked on disk, served to fromPretrained by a fetch that reads the files
const folderStatus = byId('gpt2-folder-status');

async function loadGpt2Folder(input: HTMLInputElement): Promise<void> {
  const picked = Array.from(input.files ?? []);
  if (picked.length === 0) return;
  const folder = picked[0]!.webkitRelativePath.split('/')[0] || 'your files';
  folderStatus.className = '';
  folderStatus.textContent = `Reading ${folder}…`;
  delete folderStatus.dataset.state;
  try {
    const files = await readFolderFiles(picked, ['config.json', 'model.safetensors']);
    const loaded = await GPT.fromPretrained(PICKED_FILES_URL, { fetch: filesFetch(files), cache: false });
    loaded.eval();
    if (model) releaseSessions(model);
    model?.dispose();
    model = loaded;
    const { nLayer, nHead, nEmbd } = loaded.config;
    modelName = `${folder} (${nLayer} layers × ${nHead} heads, ${nEmbd} channels)`;
    folderStatus.textContent = `Loaded ${folder}: the views above now show its attention.`;
    folderStatus.dataset.state = 'loaded'; // read by the browser test
    await nextFrame();
    attentionSafe();
  } catch (error) {
    folderStatus.className = 'error';
    folderStatus.textContent = `Could not load ${folder}. ${errorText(error)}`;
    folderStatus.dataset.state = 'error';
  } finally {
    input.value = '';
  }
}

for (const id of ['gpt2-folder', 'gpt2-files']) {
  const input = byId(id, HTMLInputElement);
  input.addEventListener('change', () => void loadGpt2Folder(input));
}

context.value = TEST_B.context;
query.value = TEST_B.query;
safely(showTestA, byId('test-a-check'))();
const testBSafe = safely(showTestB, testB);
context.addEventListener('input', perFrame(testBSafe));
query.addEventListener('input', perFrame(testBSafe));
testBSafe();
const attentionSafe = () => {
  gptStatus.classList.remove('error');
  showAttention().catch((error: unknown) => {
    gptStatus.textContent = errorText(error);
    gptStatus.classList.add('error');
  });
};
gptText.addEventListener('input', perFrame(attentionSafe));
backendSelect.addEventListener('change', attentionSafe);
void webgpuAvailable().then((ok) => {
  const option = backendSelect.querySelector<HTMLOptionElement>('option[value="onnx-webgpu"]')!;
  option.disabled = !ok;
  option.textContent = `ONNX Runtime Web, WebGPU${ok ? '' : ' (not available in this browser)'}`;
});
loadButton.addEventListener('click', () => void loadGpt2());
attentionSafe();
