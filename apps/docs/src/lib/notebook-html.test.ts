// Tests of the docs pages' notebook HTML (src/lib/notebook-html.ts): the notebook's words from @lxmls/course as
// static HTML, with each cell's Python and TypeScript side by side and the answers inside closed <details>.
import { NOTEBOOK, notebookCell, notebookQuestions, PYTHON_TO_TYPESCRIPT } from '@lxmls/course';
import { describe, expect, test } from 'vitest';
import {
  allNamesHtml,
  blockHtml,
  cellHtml,
  escapeHtml,
  inlineHtml,
  namesOf,
  namesTableHtml,
  notebookHtml,
} from './notebook-html.js';

describe('notebook HTML', () => {
  test.each([
    ['a < b & "c"', 'a &lt; b &amp; &quot;c&quot;'],
    ["it's", 'it&#39;s'],
  ])('escapeHtml(%j)', (text, html) => {
    expect(escapeHtml(text)).toBe(html);
  });

  test.each([
    ['a **b** c', 'a <strong>b</strong> c'],
    ['*Tokenization* is', '<em>Tokenization</em> is'],
    ['_string.split(separator, maxsplit)_ where', '<em>string.split(separator, maxsplit)</em> where'],
    ['the `split()` function', 'the <code>split()</code> function'],
    ['`<b>`', '<code>&lt;b&gt;</code>'],
    ['[here](https://x.org/a?b=1&c=2)', '<a href="https://x.org/a?b=1&amp;c=2" rel="noopener">here</a>'],
    ['Libson ~is a great~', 'Libson <s>is a great</s>'],
    ['encode_and_show_work stays', 'encode_and_show_work stays'],
  ])('inlineHtml(%j)', (text, html) => {
    expect(inlineHtml(text)).toBe(html);
  });

  test('cellHtml(In [14]) shows the Python and the TypeScript side by side, then the notebook output', () => {
    const html = cellHtml(notebookCell(14));
    expect(html).toContain(
      '<figure class="nb-cell" id="in-14" data-cell="14"><figcaption>In [14]</figcaption>',
    );
    expect(html).toContain(
      '<div class="nb-python"><p class="nb-label">Python (the notebook)</p><pre><code class="language-python">sentence = &quot;I travelled',
    );
    expect(html).toContain(
      '<div class="nb-typescript"><p class="nb-label">TypeScript (lxmls-ts)</p><pre><code class="language-ts">import { tensor } from &#39;@lxmls/tensor&#39;;',
    );
    expect(html).toContain('<pre>tensor([[67036.8047, 71226.6016, 75416.3984],\n');
    expect(html.indexOf('nb-python')).toBeLessThan(html.indexOf('nb-typescript'));
  });

  test('cellHtml folds a long output (In [3]: 113 characters) behind a click', () => {
    expect(cellHtml(notebookCell(3))).toContain(
      '<details class="nb-output"><summary>The notebook\'s output (113 lines)</summary>',
    );
  });

  test.each(notebookQuestions().map((q) => [q.id, q] as const))(
    'blockHtml(question %s): the question in a closed <details>, the answer inside',
    (_, question) => {
      const html = blockHtml({ kind: 'question', question });
      expect(html.startsWith(`<details class="nb-question" data-question="${question.id}">`)).toBe(true);
      expect(html.indexOf('</summary>')).toBeLessThan(html.indexOf('nb-answer'));
      expect(html).toContain(
        question.answerBy === 'notebook'
          ? "The notebook's answer"
          : 'Our answer (the notebook leaves this question open)',
      );
    },
  );

  test.each([
    ['1', 5],
    ['2 2.1 2.2 2.3', 3],
    ['2.4', 1],
    ['3 3.1', 0],
    ['3.2', 0],
  ])(
    'notebookHtml(%s): every section heading, cell and question of those sections (%i questions)',
    (ids, count) => {
      const sections = ids.split(' ');
      const html = notebookHtml(sections);
      expect(html.match(/<details class="nb-question"/g) ?? []).toHaveLength(count);
      for (const section of NOTEBOOK.filter((candidate) => sections.includes(candidate.id))) {
        expect(html).toContain(`<h2 id="nb-${section.id.replace('.', '-')}">Exercise ${section.id} · `);
        for (const block of section.blocks)
          if (block.kind === 'cell') expect(html).toContain(`data-cell="${block.cell.n}"`);
      }
      expect(html.match(/<tr><td>/g) ?? []).toHaveLength(namesOf(sections).length);
    },
  );

  test("notebookHtml(['2.3']) has the three questions of Exercise 2.3", () => {
    const html = notebookHtml(['2.3']);
    expect(html).toContain('What is the purpose of applying a causal mask in the attention computation?');
    expect(html).toContain('How does the number of attention heads affect the model&#39;s capacity');
    expect(html).toContain('What is the purpose of the residual dropout and attention dropout');
  });

  test('namesTableHtml and allNamesHtml: every row of the table once, in the notebook order', () => {
    expect(namesTableHtml(PYTHON_TO_TYPESCRIPT.slice(0, 1))).toContain(
      '<tr><td><code>text.split()</code></td><td><code>wordTokenize(text)</code></td><td>@lxmls/bpe</td><td></td></tr>',
    );
    const all = allNamesHtml();
    expect(all.match(/<tr><td>/g) ?? []).toHaveLength(PYTHON_TO_TYPESCRIPT.length);
    expect(all).toContain('<code>F.softmax(x, dim=-1)</code></td><td><code>softmax(x, -1)</code>');
    expect(all.indexOf('id="names-1"')).toBeLessThan(all.indexOf('id="names-2-1"'));
  });
});
