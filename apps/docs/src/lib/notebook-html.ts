/**
 * The notebook's words on the docs pages: `@lxmls/course`'s notebook sections (explanations, each cell's Python
 * and TypeScript side by side with the notebook's output, questions whose answers open on a click) and its
 * Python → TypeScript name table, as static HTML (no script needed to read them, no CDN: `<details>` hides the
 * answers). A page marks where they go and calls {@link renderNotebook}:
 *
 * ```html
 * <section data-notebook="2 2.1 2.2 2.3"></section>   <!-- those sections, then their names -->
 * <div data-names="all"></div>                       <!-- the whole name table -->
 * ```
 *
 * Follows `transformer-day-notebook.txt` through `NOTEBOOK` (the same words `lxmls demo` prints).
 */

import {
  type NameEntry,
  NOTEBOOK,
  type NotebookBlock,
  type NotebookCell,
  type NotebookSection,
  notebookSection,
  PYTHON_TO_TYPESCRIPT,
  parseInline,
} from '@lxmls/course';

/** Outputs longer than this many lines are folded (`<details>`), the others shown. */
const FOLD_OUTPUT_LINES = 14;

/** Text escaped for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One line of the notebook's inline markup as HTML (`**b**`, `*i*`, `` `c` ``, `[t](u)`, `~struck~`). */
export function inlineHtml(text: string): string {
  return parseInline(text)
    .map((span) => {
      const t = escapeHtml(span.text);
      switch (span.kind) {
        case 'bold':
          return `<strong>${t}</strong>`;
        case 'italic':
          return `<em>${t}</em>`;
        case 'code':
          return `<code>${t}</code>`;
        case 'struck':
          return `<s>${t}</s>`;
        case 'link':
          return `<a href="${escapeHtml(span.href)}" rel="noopener">${t}</a>`;
        default:
          return t;
      }
    })
    .join('');
}

/** A cell: its Python and TypeScript side by side (stacked on a narrow screen), then the notebook's output. */
export function cellHtml(cell: NotebookCell): string {
  const code = (lines: readonly string[], language: string) =>
    `<pre><code class="language-${language}">${escapeHtml(lines.join('\n'))}</code></pre>`;
  const output = cell.output.join('\n');
  const outputHtml =
    cell.output.length === 0
      ? ''
      : cell.output.length > FOLD_OUTPUT_LINES
        ? `<details class="nb-output"><summary>The notebook's output (${cell.output.length} lines)</summary><pre>${escapeHtml(output)}</pre></details>`
        : `<div class="nb-output"><p class="nb-label">The notebook's output</p><pre>${escapeHtml(output)}</pre></div>`;
  return [
    `<figure class="nb-cell" id="in-${cell.n}" data-cell="${cell.n}">`,
    `<figcaption>In [${cell.n}]</figcaption>`,
    '<div class="nb-code">',
    `<div class="nb-python"><p class="nb-label">Python (the notebook)</p>${code(cell.python, 'python')}</div>`,
    `<div class="nb-typescript"><p class="nb-label">TypeScript (lxmls-ts)</p>${code(cell.typescript, 'ts')}</div>`,
    '</div>',
    outputHtml,
    '</figure>',
  ].join('');
}

/** One block of a notebook section as HTML. */
export function blockHtml(block: NotebookBlock): string {
  switch (block.kind) {
    case 'heading': {
      const level = block.level; // the notebook's ### is an h3 under the section's h2 (the page's h1 is its title)
      return `<h${level}>${inlineHtml(block.text)}</h${level}>`;
    }
    case 'text':
      return `<p>${inlineHtml(block.text)}</p>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      return `<${tag}>${block.items.map((item) => `<li>${inlineHtml(item)}</li>`).join('')}</${tag}>`;
    }
    case 'math':
      return `<p class="nb-math"><code>${escapeHtml(block.text)}</code></p>`;
    case 'figure':
      return `<p class="note nb-figure">${inlineHtml(block.text)}</p>`;
    case 'cell':
      return cellHtml(block.cell);
    case 'question': {
      const { id, question, answer, answerBy } = block.question;
      const by =
        answerBy === 'notebook'
          ? "The notebook's answer"
          : 'Our answer (the notebook leaves this question open)';
      return [
        `<details class="nb-question" data-question="${escapeHtml(id)}">`,
        `<summary><strong>Question</strong> ${inlineHtml(question)} <span class="nb-reveal">Show the answer</span></summary>`,
        `<div class="nb-answer"><p class="nb-label">${by}</p>`,
        answer.map((paragraph) => `<p>${inlineHtml(paragraph)}</p>`).join(''),
        '</div></details>',
      ].join('');
    }
  }
}

/** A notebook section: its heading (`Exercise 2.1 · …`) and its blocks. */
export function sectionHtml(section: NotebookSection): string {
  return [
    `<h2 id="nb-${section.id.replace('.', '-')}">Exercise ${escapeHtml(section.id)} · ${inlineHtml(section.title)}</h2>`,
    ...section.blocks.map(blockHtml),
  ].join('\n');
}

/** Rows of the name table as an HTML table: Python, TypeScript, package, note. */
export function namesTableHtml(entries: readonly NameEntry[]): string {
  const rows = entries.map(
    (entry) =>
      `<tr><td><code>${escapeHtml(entry.python)}</code></td><td><code>${escapeHtml(entry.typescript)}</code></td><td>${escapeHtml(entry.module)}</td><td>${escapeHtml(entry.note ?? '')}</td></tr>`,
  );
  return [
    '<table class="nb-names">',
    '<thead><tr><th scope="col">Python (the notebook)</th><th scope="col">TypeScript (lxmls-ts)</th><th scope="col">Package</th><th scope="col">Note</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody>`,
    '</table>',
  ].join('');
}

/** The rows of the name table used by any of these sections. */
export function namesOf(sectionIds: readonly string[]): NameEntry[] {
  return PYTHON_TO_TYPESCRIPT.filter((entry) => entry.exercises.some((id) => sectionIds.includes(id)));
}

/**
 * The HTML of `data-notebook="2 2.1 2.2 2.3"`: those sections in order, then the names they use.
 *
 * @param sectionIds - The notebook's numbers.
 * @returns The HTML.
 */
export function notebookHtml(sectionIds: readonly string[]): string {
  const names = namesOf(sectionIds);
  const table =
    names.length === 0
      ? ''
      : `<h3>Python → TypeScript: the names of ${sectionIds.length === 1 ? 'this exercise' : 'these exercises'}</h3><p class="muted">All of them: <a href="./names.html">the name table</a>.</p>${namesTableHtml(names)}`;
  return `${sectionIds.map((id) => sectionHtml(notebookSection(id))).join('\n')}\n${table}`;
}

/**
 * The whole name table, one table per exercise in the notebook's order.
 *
 * @returns The HTML.
 */
export function allNamesHtml(): string {
  return NOTEBOOK.map((section) => {
    const names = PYTHON_TO_TYPESCRIPT.filter((entry) => entry.exercises[0] === section.id);
    return names.length === 0
      ? ''
      : `<h2 id="names-${section.id.replace('.', '-')}">Exercise ${escapeHtml(section.id)} · ${inlineHtml(section.title)}</h2>${namesTableHtml(names)}`;
  }).join('\n');
}

/**
 * Fills every `[data-notebook]` element under `root` with its notebook sections and every `[data-names]`
 * element with the whole name table.
 *
 * @param root - The document, or a part of it.
 */
export function renderNotebook(root: ParentNode = document): void {
  root.querySelectorAll<HTMLElement>('[data-notebook]').forEach((element) => {
    const ids = (element.dataset.notebook ?? '').split(/\s+/).filter((id) => id !== '');
    element.innerHTML = notebookHtml(ids);
  });
  root.querySelectorAll<HTMLElement>('[data-names]').forEach((element) => {
    element.innerHTML = allNamesHtml();
  });
}
