/**
 * The notebook's words as plain text (what `lxmls demo` prints): `@lxmls/course`'s notebook blocks (explanations, lists, questions) and
 * its Python → TypeScript name table as plain text lines for `lxmls demo`, wrapped at a fixed width so the
 * output is the same on every terminal and in a pipe.
 *
 * Follows the notebook's layout (`transformer-day-notebook.txt`): Markdown headings as `##`, bullet lists as
 * `-`; the markup of its text is read by `parseInline`. An answer is printed only when asked
 * (`lxmls demo --answers`); otherwise a line says how to see it.
 */

import type { NameEntry } from '../names.js';
import { type NotebookBlock, type NotebookSection, parseInline } from '../notebook.js';

/** The width the text is wrapped to (code lines are never wrapped). */
const TEXT_WIDTH = 100;

/**
 * A line of the notebook's text without its markup: bold and italic markers dropped, `code` kept in
 * backquotes, a link as `text (url)`, masked (struck) words as `~words~`.
 *
 * @param text - The text, in the notebook's inline markup.
 * @returns The plain text.
 * @example
 * ```ts
 * import { plainText } from '@lxmls/course';
 * console.log(plainText('a **bold** `x` [docs](https://x.org)')); // → a bold `x` docs (https://x.org)
 * ```
 */
export function plainText(text: string): string {
  return parseInline(text)
    .map((span) => {
      if (span.kind === 'code') return `\`${span.text}\``;
      if (span.kind === 'struck') return `~${span.text}~`;
      if (span.kind === 'link') return span.text === span.href ? span.href : `${span.text} (${span.href})`;
      return span.text;
    })
    .join('');
}

/**
 * Wraps text at word boundaries.
 *
 * @param text - One paragraph.
 * @param width - The widest line.
 * @param first - Put before the first line.
 * @param rest - Put before every other line.
 * @returns The lines.
 * @example
 * ```ts
 * import { wrapText } from '@lxmls/course';
 * console.log(wrapText('one two three', 9, '- ', '  ')); // → [ '- one two', '  three' ]
 * ```
 */
export function wrapText(text: string, width: number = TEXT_WIDTH, first = '', rest = first): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > width) {
      out.push(line);
      line = rest;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  if (!empty || out.length === 0) out.push(line.trimEnd());
  return out;
}

/** What {@link blockLines} needs to know. */
export interface BlockLinesOptions {
  /** Print the answers of the questions (`--answers`). */
  answers: boolean;
  /** The command that shows them, named in the line that hides them. */
  answersCommand: string;
}

/**
 * The lines of one notebook block other than a cell (the demo prints cells itself).
 *
 * @param block - A heading, text, list, equation, figure note or question.
 * @param options - Whether answers are shown.
 * @returns The lines, without a trailing blank line.
 * @example
 * ```ts
 * import { blockLines } from '@lxmls/course';
 * const question = { id: 'q', question: 'Why?', answer: ['Because.'], answerBy: 'notebook' as const };
 * console.log(blockLines({ kind: 'question', question }, { answers: true, answersCommand: '' })); // → [ 'Question: Why?', "Answer (the notebook's): Because." ]
 * ```
 */
export function blockLines(block: NotebookBlock, options: BlockLinesOptions): string[] {
  switch (block.kind) {
    case 'heading':
      return [`${'#'.repeat(block.level)} ${plainText(block.text)}`];
    case 'text':
      return wrapText(plainText(block.text));
    case 'list':
      return block.items.flatMap((item, i) =>
        block.ordered
          ? wrapText(plainText(item), TEXT_WIDTH, `${i + 1}. `, '   ')
          : wrapText(plainText(item), TEXT_WIDTH, '- ', '  '),
      );
    case 'math':
      return [`    ${block.text}`];
    case 'figure':
      return wrapText(`[Figure] ${plainText(block.text)}`);
    case 'question': {
      const { question, answer, answerBy } = block.question;
      const lines = wrapText(plainText(question), TEXT_WIDTH, 'Question: ', '  ');
      if (!options.answers) return [...lines, `Answer: hidden; \`${options.answersCommand}\` shows it.`];
      const label =
        answerBy === 'notebook'
          ? "Answer (the notebook's): "
          : 'Answer (lxmls-ts; the notebook gives none): ';
      return [
        ...lines,
        ...answer.flatMap((paragraph, i) =>
          i === 0
            ? wrapText(plainText(paragraph), TEXT_WIDTH, label, '  ')
            : wrapText(plainText(paragraph), TEXT_WIDTH, '  '),
        ),
      ];
    }
    case 'cell':
      return [];
  }
}

/**
 * The heading of a notebook section: `## Exercise 2.1: Building a Simple Cross-Attention Function`.
 *
 * @param section - The section.
 * @returns The line.
 * @example
 * ```ts
 * import { NOTEBOOK, sectionHeading } from '@lxmls/course';
 * console.log(sectionHeading(NOTEBOOK[0]!)); // → ## Exercise 1: Tokenization
 * ```
 */
export function sectionHeading(section: NotebookSection): string {
  return `## Exercise ${section.id}: ${section.title}`;
}

/**
 * The name table as aligned lines: the Python, an arrow, the TypeScript and the package (and a note).
 *
 * @param entries - Rows of `PYTHON_TO_TYPESCRIPT`.
 * @returns One line per row.
 * @example
 * ```ts
 * import { nameLines, namesFor } from '@lxmls/course';
 * console.log(nameLines(namesFor('2.1')).find((line) => line.startsWith('F.softmax'))); // → F.softmax(x, dim=-1)                          → softmax(x, -1)  (@lxmls/tensor)
 * ```
 */
export function nameLines(entries: readonly NameEntry[]): string[] {
  const width = Math.min(45, Math.max(...entries.map((entry) => entry.python.length)));
  return entries.map((entry) => {
    const note = entry.note === undefined ? '' : `; ${entry.note}`;
    return `${entry.python.padEnd(width)} → ${entry.typescript}  (${entry.module}${note})`;
  });
}
