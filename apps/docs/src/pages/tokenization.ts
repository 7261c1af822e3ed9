/**
 * Exercise 1, live: the text box is encoded with GPT-2's BPE on every change (`encodeAndShowWork`), drawn
 * by @lxmls/viz's BPE view, with the ids, the merged tokens, the word and character tokenizers for
 * comparison, and a decode box. Follows notebook cells In[4]–In[11].
 */

import { BPETokenizer, charTokenize, wordTokenize } from '@lxmls/bpe';
import { bpeView, type ViewHandle } from '@lxmls/viz';
import { byId, errorText, perFrame } from '../lib/dom.js';
import { formatIds, parseIds } from '../lib/ids.js';
import { renderNotebook } from '../lib/notebook-html.js';

renderNotebook(); // the notebook's words first: explanations, cells (Python | TypeScript), questions

const tokenizer = new BPETokenizer();
const text = byId('text', HTMLTextAreaElement);
const viewElement = byId('bpe-view');
const idsOut = byId('ids', HTMLOutputElement);
const mergedOut = byId('merged', HTMLOutputElement);
const counts = byId('counts');
const compare = byId('compare', HTMLOutputElement);
const decodeInput = byId('decode-input', HTMLInputElement);
const decoded = byId('decoded', HTMLOutputElement);

let view: ViewHandle<Parameters<typeof bpeView>[1], Parameters<typeof bpeView>[2]> | null = null;
const theme = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';

function showTokens(): void {
  const value = text.value;
  const work = tokenizer.encoder.encodeAndShowWork(value);
  const ids = work.bpeIdx;
  const merged = work.parts.flatMap((part) => part.tokenMerged);
  if (work.parts.length === 0) {
    view?.destroy();
    view = null;
    viewElement.textContent = 'Type some text above.';
  } else {
    const width = Math.max(320, Math.min(viewElement.clientWidth || 800, 960));
    if (view === null) {
      viewElement.textContent = '';
      view = bpeView(viewElement, work, { width, theme });
    } else {
      view.update(work, { width });
    }
  }
  idsOut.textContent = formatIds(ids);
  idsOut.dataset.ids = JSON.stringify(ids); // read by the browser test
  mergedOut.textContent = JSON.stringify(merged);
  const bytes = new TextEncoder().encode(value).length;
  counts.textContent = `${ids.length} tokens for ${[...value].length} characters (${bytes} UTF-8 bytes).`;
  const words = wordTokenize(value);
  const chars = charTokenize(value);
  compare.textContent = [
    `words (${words.length}):      ${JSON.stringify(words)}`,
    `characters (${chars.length}): ${JSON.stringify(chars)}`,
    `BPE tokens (${merged.length}): ${JSON.stringify(merged)}`,
  ].join('\n');
  compare.style.whiteSpace = 'pre-wrap';
}

function showDecoded(): void {
  try {
    const ids = parseIds(decodeInput.value);
    decoded.textContent = tokenizer.decode(ids);
    decoded.classList.remove('error');
  } catch (error) {
    decoded.textContent = errorText(error);
    decoded.classList.add('error');
  }
}

const scheduleTokens = perFrame(showTokens);
text.addEventListener('input', scheduleTokens);
decodeInput.addEventListener('input', perFrame(showDecoded));
document.querySelectorAll<HTMLButtonElement>('button[data-example]').forEach((button) => {
  button.addEventListener('click', () => {
    text.value = button.dataset.example ?? '';
    showTokens();
    text.focus();
  });
});
showTokens();
showDecoded();
