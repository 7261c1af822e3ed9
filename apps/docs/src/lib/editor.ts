/**
 * The code editor of the exercise pages: CodeMirror 6 (`codemirror`'s basic setup: line numbers, undo,
 * bracket matching, search, autocompletion of words) with TypeScript highlighting from
 * `@codemirror/lang-javascript`, bundled into the site (no CDN). Tab indents (two spaces) instead of leaving
 * the editor; Escape then Tab leaves it, as CodeMirror documents for keyboard users.
 */

import { javascript } from '@codemirror/lang-javascript';
import { basicSetup, EditorView } from 'codemirror';

/** Options of {@link createCodeEditor}. */
export interface CodeEditorOptions {
  /** The text it starts with. */
  doc: string;
  /** The accessible name of the editing area ("Your solution of Exercise 2.1"). */
  label: string;
  /** Read-only (the solution view). Default false. */
  readOnly?: boolean;
  /** Called after each change of the text (not after {@link CodeEditor.setCode}). */
  onChange?: (code: string) => void;
}

/** An editor on the page. */
export interface CodeEditor {
  /** The CodeMirror view. */
  readonly view: EditorView;
  /** The current text. */
  getCode(): string;
  /** Replaces the whole text (one undoable change). */
  setCode(code: string): void;
}

/** Colours and sizes that fit the site's stylesheet (light and dark, through its CSS variables). */
const siteTheme = EditorView.theme({
  '&': {
    border: '1px solid var(--border)',
    borderRadius: '6px',
    fontSize: '0.9rem',
    backgroundColor: '#ffffff',
    color: '#1d1f23',
  },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '1px' },
  '.cm-scroller': {
    maxHeight: '70vh',
    overflow: 'auto',
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    lineHeight: '1.45',
  },
  '.cm-gutters': { backgroundColor: '#f4f5f7', color: '#5b616e', borderRight: '1px solid #d5d8de' },
  '.cm-activeLine': { backgroundColor: '#f0f4fb' },
  '.cm-activeLineGutter': { backgroundColor: '#e3e9f5' },
  '.cm-content': { caretColor: '#1d1f23' },
});

/**
 * Mounts a CodeMirror editor for TypeScript in `parent`.
 *
 * @param parent - The element that receives the editor.
 * @param options - {@link CodeEditorOptions}.
 * @returns The {@link CodeEditor}.
 */
export function createCodeEditor(parent: HTMLElement, options: CodeEditorOptions): CodeEditor {
  const { doc, label, readOnly = false, onChange } = options;
  let external = false; // a setCode in progress: not the student's edit
  let escaped = false; // Escape was pressed: the next Tab leaves the editor
  const view = new EditorView({
    doc,
    parent,
    extensions: [
      basicSetup,
      javascript({ typescript: true }),
      siteTheme,
      EditorView.contentAttributes.of({ 'aria-label': label }),
      EditorView.editable.of(!readOnly),
      EditorView.updateListener.of((update) => {
        if (update.docChanged && !external) onChange?.(update.state.doc.toString());
      }),
      EditorView.domEventHandlers({
        keydown(event, v) {
          const wasEscaped = escaped;
          escaped = event.key === 'Escape';
          if (event.key !== 'Tab' || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) {
            return false;
          }
          if (readOnly || wasEscaped) return false;
          event.preventDefault();
          v.dispatch(v.state.replaceSelection('  '));
          return true;
        },
      }),
    ],
  });
  return {
    view,
    getCode: () => view.state.doc.toString(),
    setCode(code) {
      external = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
      } finally {
        external = false;
      }
    },
  };
}
