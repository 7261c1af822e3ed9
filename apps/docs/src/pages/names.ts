/**
 * The Python → TypeScript name table of the Transformer Day (`PYTHON_TO_TYPESCRIPT` of @lxmls/course), one table
 * per exercise in the notebook's order; `lxmls demo --names` prints the same table in a terminal.
 */

import { renderNotebook } from '../lib/notebook-html.js';

renderNotebook();
