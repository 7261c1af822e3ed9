/**
 * Exercise 2 of the Transformer Day notebook (attention), cells In [13] to In [15]: the Python code of each cell
 * (and its TypeScript, from @lxmls/course's notebook) and, computed with @lxmls/attention and @lxmls/bpe, the output the notebook shows, printed as PyTorch
 * prints tensors. One more cell, marked as not the notebook's, runs the module of In [15] on a small input.
 *
 * Follows `transformer-day-notebook.txt` and docs/course-behaviour.md §6 (Ex. 2.1, test (b): the real BPE ids of
 * the two sentences as 1-dimensional token vectors, whose output is row " Lisbon" × W_V for every query) and
 * §2.3 (the exercise's CausalSelfAttention).
 */

import { CausalSelfAttention, crossAttention } from '@lxmls/attention';
import { pyRepr, torchRepr, torchSizeRepr } from '@lxmls/base';
import { getEncoder } from '@lxmls/bpe';
import { RandomGenerator, slice, tensor, tidy, transpose } from '@lxmls/tensor';
import { notebookCell } from '../notebook.js';
import type { DemoCell, DemoSection } from './section.js';

/** Not a notebook cell: the completed module of In [15] on a small input, with deterministic weights. */
const CAUSAL_DEMO_CODE = [
  "# lxmls demo, not a cell of the notebook: the completed module of In [15] (the toolkit's) on a small",
  '# input, with deterministic weights instead of random ones, and the attention weights of head 0.',
  'from lxmls.transformers.model import CausalSelfAttention',
  'from lxmls.transformers.utils import CfgNode as CN',
  '',
  'config = CN(n_embd=4, n_head=2, block_size=8, attn_pdrop=0.0, resid_pdrop=0.0)',
  'attn = CausalSelfAttention(config)',
  'x = torch.cos(torch.arange(2 * 4 * 4, dtype=torch.float)).view(2, 4, 4)  # (B, T, C)',
  'with torch.no_grad():',
  '    for p in attn.parameters():',
  '        p.copy_(torch.linspace(-1, 1, p.numel()).view_as(p))',
  '    y = attn(x)',
  '    B, T, C = x.size()',
  '    hs = C // config.n_head',
  '    q = attn.query_proj(x).view(B, T, config.n_head, hs).transpose(1, 2)',
  '    k = attn.key_proj(x).view(B, T, config.n_head, hs).transpose(1, 2)',
  '    scores = q @ k.transpose(-2, -1) / math.sqrt(hs)',
  "    scores = scores.masked_fill(attn.bias[:, :, :T, :T] == 0, float('-inf'))",
  '    weights = F.softmax(scores, dim=-1)  # (B, n_head, T, T)',
  'print(y.shape)',
  'print(weights[0, 0])',
  'print(torch.allclose(weights.sum(dim=-1), torch.ones(B, config.n_head, T)))',
  'print(torch.equal(weights, weights.tril()))',
];

/** The TypeScript of the extra cell: the same with @lxmls/attention's CausalSelfAttention. */
const CAUSAL_DEMO_TYPESCRIPT = [
  "// lxmls demo, not a cell of the notebook: the same with @lxmls/attention's CausalSelfAttention",
  "import { CausalSelfAttention } from '@lxmls/attention';",
  "import { tensor } from '@lxmls/tensor';",
  '',
  'const config = { nEmbd: 4, nHead: 2, blockSize: 8, attnPdrop: 0, residPdrop: 0 };',
  'const attn = new CausalSelfAttention(config);',
  'const x = tensor(Float32Array.from({ length: 2 * 4 * 4 }, (_, i) => Math.cos(i)), [2, 4, 4]); // (B, T, C)',
  'for (const p of attn.parameters()) p.copyFrom(linspace(-1, 1, p.size)); // torch.linspace in float32',
  '// returnWeights: the module gives its (B, n_head, T, T) weights too, no need to recompute them',
  'const { output: y, weights } = attn.forward(x, { returnWeights: true });',
  'console.log(y.shape);',
  'console.log(slice(weights, [0, 0, 0, 0], [1, 1, 4, 4]).reshape([4, 4]).toArray());',
  '// every row sums to 1; zeros above the diagonal (checked on weights.data())',
];

/** `torch.allclose(a, b)` with its default tolerances (rtol 1e-5, atol 1e-8), `b` repeated to `a`'s size. */
function allclose(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return Array.from(a).every((x, i) => {
    const y = b[i % b.length]!;
    return Math.abs(x - y) <= 1e-8 + 1e-5 * Math.abs(y);
  });
}

/**
 * The lines In [14] prints: the attended values of "I like traveling" over "I travelled to Lisbon in July to
 * attend an NLP summer school", then the verdict of the notebook's assert.
 *
 * @returns The printed lines.
 * @example
 * ```ts
 * import { crossAttentionTestLines } from '@lxmls/course';
 * console.log(crossAttentionTestLines()); // → [ 'tensor([[67036.8047, 71226.6016, 75416.3984],', '        [67036.8047, 71226.6016, 75416.3984],', '        [67036.8047, 71226.6016, 75416.3984]])', 'Test passed!' ]
 * ```
 */
export function crossAttentionTestLines(): string[] {
  const encoder = getEncoder();
  const sentence = encoder.encode('I travelled to Lisbon in July to attend an NLP summer school');
  const query = encoder.encode('I like traveling');
  return tidy(() => {
    const S1 = tensor([sentence]); // (1, 13) float32, as dtype=torch.float
    const S2 = tensor([query]); // (1, 3)
    const WQ = tensor([[0.1, 0.2, 0.3]]); // (1, 3) query weights
    const WK = tensor([[0.7, 0.8, 0.9]]); // (1, 3) key weights
    const WV = tensor([[1.6, 1.7, 1.8]]); // (1, 3) value weights
    // the notebook's function projects S1.T and S2.T: every token is a 1-dimensional vector, its id
    const attended = crossAttention(transpose(S1), transpose(S2), WQ, WK, WV); // (3, 3)
    const expected = Float32Array.of(67036.8047, 71226.6016, 75416.3984); // (1, 3), broadcast over the rows
    const verdict = allclose(attended.data(), expected)
      ? 'Test passed!'
      : 'AssertionError: Ops! You need to check your function!';
    return [...torchRepr(attended).split('\n'), verdict];
  });
}

/** `torch.linspace(start, end, steps)` in float32, computed from both ends as PyTorch's CPU kernel does. */
function linspace(start: number, end: number, steps: number): Float32Array {
  const f = Math.fround;
  const step = f(f(end - start) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  return Float32Array.from({ length: steps }, (_, i) =>
    i < halfway ? f(start + f(step * i)) : f(end - f(step * (steps - i - 1))),
  );
}

/**
 * The lines of the extra cell after In [15]: the output shape of CausalSelfAttention on `(2, 4, 4)`, the
 * attention weights of batch 0, head 0 (zeros above the diagonal: no query sees a later key), and the two checks
 * that every row of weights sums to 1 and that the weights are lower-triangular.
 *
 * @returns The printed lines.
 * @example
 * ```ts
 * import { causalSelfAttentionLines } from '@lxmls/course';
 * const lines = causalSelfAttentionLines();
 * console.log(lines[0], lines.at(-2), lines.at(-1)); // → torch.Size([2, 4, 4]) True True
 * ```
 */
export function causalSelfAttentionLines(): string[] {
  const attn = new CausalSelfAttention(
    { nEmbd: 4, nHead: 2, blockSize: 8, attnPdrop: 0, residPdrop: 0 },
    { generator: new RandomGenerator(0) }, // overwritten below: the global generator is left alone
  );
  try {
    return tidy(() => {
      for (const p of attn.parameters()) p.copyFrom(linspace(-1, 1, p.size));
      const x = tensor(
        Float32Array.from({ length: 2 * 4 * 4 }, (_, i) => Math.cos(i)),
        [2, 4, 4],
      ); // (B, T, C)
      const { output, weights } = attn.forward(x, { returnWeights: true }); // (B, T, C), (B, nh, T, T)
      const w = weights!.data() as Float32Array; // (B, nh, T, T), row-major
      const T = 4;
      const rows = w.length / T;
      const sums = Float32Array.from({ length: rows }, (_, r) =>
        w.subarray(r * T, (r + 1) * T).reduce((a, b) => a + b, 0),
      ); // (B, nh, T)
      const lowerTriangular = Array.from(w).every((v, i) => i % T <= Math.floor(i / T) % T || v === 0);
      const head0 = slice(weights!, [0, 0, 0, 0], [1, 1, T, T]).reshape([T, T]); // (T, T)
      return [
        torchSizeRepr(output.shape),
        ...torchRepr(head0).split('\n'),
        pyRepr(allclose(sums, [1])),
        pyRepr(lowerTriangular),
      ];
    });
  } finally {
    attn.dispose();
  }
}

function attentionCells(): DemoCell[] {
  return [
    { prompt: 'In [13]:', code: notebookCell(13).python, run: () => [] },
    { prompt: 'In [14]:', code: notebookCell(14).python, run: crossAttentionTestLines },
    { prompt: 'In [15]:', code: notebookCell(15).python, run: () => [] },
    {
      prompt: 'In [ ]:',
      code: CAUSAL_DEMO_CODE,
      typescript: CAUSAL_DEMO_TYPESCRIPT,
      run: causalSelfAttentionLines,
    },
  ];
}

/**
 * Exercise 2 (attention) of the notebook, cells In [13] to In [15], one cell of ours after them, then the
 * questions of Exercise 2.3.
 *
 * @example
 * ```ts
 * import { attentionDemo } from '@lxmls/course';
 * console.log(attentionDemo.id, attentionDemo.cells().map((cell) => cell.prompt)); // → attention [ 'In [13]:', 'In [14]:', 'In [15]:', 'In [ ]:' ]
 * ```
 */
export const attentionDemo: DemoSection = {
  id: 'attention',
  title: 'Exercise 2: Attention',
  source:
    'transformer-day notebook, cells In [13] to In [15] (Python code, results computed by @lxmls/attention), then a cell of ours (In [ ]) running the completed In [15]',
  notebook: ['2', '2.1', '2.2', '2.3'],
  cells: attentionCells,
};
