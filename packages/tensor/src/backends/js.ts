/**
 * The `js` reference backend: plain TypeScript loops over Float32Array / Int32Array.
 *
 * This file is the DEFINITION of every kernel of the {@link Backend} interface (as tinygrad's `ops_python.py`
 * is the definition of its uops): it favours clarity over speed, accumulates sums in float64 (JavaScript
 * numbers), and the conformance suite compares every other backend with it. Semantics follow PyTorch.
 */

import type {
  AdamWAttrs,
  AdamWInputs,
  ArgmaxAttrs,
  AttentionAttrs,
  AttentionBackwardInputs,
  AttentionInputs,
  Backend,
  BackendCapabilities,
  BinaryOp,
  CrossEntropyAttrs,
  DType,
  GatherAttrs,
  LayerNormAttrs,
  LayerNormBackwardInputs,
  LayerNormInputs,
  MatmulAttrs,
  MatmulInputs,
  MultinomialAttrs,
  ReduceOp,
  TopkAttrs,
  TypedArray,
  UnaryOp,
} from '../backend.js';
import { uniformAt } from '../backend.js';
import { LxmlsTensorError } from '../errors.js';
import { broadcastIndex, sizeOf, stridesOf } from '../shape.js';
import { attentionBackwardReference, attentionReference } from './js/attention.js';

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: Math.max, // NaN propagates, as in torch.maximum
  eq: (a, b) => (a === b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
};

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sqrt: Math.sqrt,
  relu: (x) => Math.max(x, 0),
};

const GELU_C = Math.sqrt(2 / Math.PI); // sqrt(2/π) of NewGELU

/**
 * The `js` reference backend: every kernel of {@link Backend} as plain loops over Float32Array/Int32Array.
 * Storage handles are the typed arrays themselves. Capabilities: gradients and fused attention.
 *
 * @example
 * ```ts
 * import { JsBackend } from '@lxmls/tensor';
 * const js = new JsBackend();
 * const out = js.alloc(2, 'float32');
 * js.binary('add', new Float32Array([1, 2]), [2], new Float32Array([10]), [1], out, [2]);
 * console.log(js.read(out)); // → Float32Array(2) [ 11, 12 ]
 * ```
 */
export class JsBackend implements Backend<TypedArray> {
  readonly name: string = 'js';
  readonly capabilities: BackendCapabilities = {
    gradients: true,
    float16: false,
    async: false,
    fusedAttention: true,
    fusedAttentionDropout: true,
  };

  alloc(size: number, dtype: DType): TypedArray {
    return dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  }
  free(_storage: TypedArray): void {
    // garbage collected
  }
  read(storage: TypedArray): TypedArray {
    return storage.slice();
  }
  write(storage: TypedArray, data: TypedArray): void {
    storage.set(data);
  }
  copy(x: TypedArray, out: TypedArray, size: number): void {
    for (let i = 0; i < size; i++) out[i] = x[i]!;
  }
  cast(x: TypedArray, out: TypedArray, size: number, _to: DType): void {
    for (let i = 0; i < size; i++) out[i] = x[i]!; // Int32Array assignment truncates toward zero
  }

  binary(
    op: BinaryOp,
    a: TypedArray,
    aShape: readonly number[],
    b: TypedArray,
    bShape: readonly number[],
    out: TypedArray,
    outShape: readonly number[],
  ): void {
    const f = BINARY[op];
    const n = out.length;
    if (a.length === n && b.length === n) {
      for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
      return;
    }
    const ia = broadcastIndex(aShape, outShape);
    const ib = broadcastIndex(bShape, outShape);
    for (let i = 0; i < n; i++) out[i] = f(a[ia[i]!]!, b[ib[i]!]!);
  }

  unary(op: UnaryOp, x: TypedArray, out: TypedArray, size: number): void {
    const f = UNARY[op];
    for (let i = 0; i < size; i++) out[i] = f(x[i]!);
  }

  matmul({ a, b, out }: MatmulInputs<Float32Array>, attrs: MatmulAttrs): void {
    const { batchA, batchB, m, k, n, transA, transB } = attrs;
    const batch = Math.max(batchA, batchB);
    // Copy op(A) as rows (M, K) and op(B)ᵀ as rows (N, K), so every output element is a dot product of two
    // contiguous rows: out[i, j] = Σ_p A[i, p] · B[p, j], accumulated in float64 (a JavaScript number).
    const aRows = new Float32Array(m * k);
    const bRows = new Float32Array(n * k);
    for (let bt = 0; bt < batch; bt++) {
      const aOff = (batchA === 1 ? 0 : bt) * m * k;
      const bOff = (batchB === 1 ? 0 : bt) * k * n;
      if (bt === 0 || batchA !== 1) {
        for (let i = 0; i < m; i++)
          for (let p = 0; p < k; p++) aRows[i * k + p] = a[aOff + (transA ? p * m + i : i * k + p)]!;
      }
      if (bt === 0 || batchB !== 1) {
        for (let j = 0; j < n; j++)
          for (let p = 0; p < k; p++) bRows[j * k + p] = b[bOff + (transB ? j * k + p : p * n + j)]!;
      }
      const oOff = bt * m * n;
      for (let i = 0; i < m; i++) {
        const ai = i * k;
        for (let j = 0; j < n; j++) {
          const bj = j * k;
          let dot = 0;
          for (let p = 0; p < k; p++) dot += aRows[ai + p]! * bRows[bj + p]!;
          out[oOff + i * n + j] = dot;
        }
      }
    }
  }

  reduce(
    op: ReduceOp,
    x: Float32Array,
    shape: readonly number[],
    axes: readonly number[],
    out: Float32Array,
  ): void {
    const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const index = broadcastIndex(outShape, shape); // input element i → output element index[i]
    const acc = new Float64Array(out.length).fill(op === 'sum' ? 0 : Number.NEGATIVE_INFINITY);
    for (let i = 0; i < x.length; i++) {
      const o = index[i]!;
      const v = x[i]!;
      if (op === 'sum') acc[o]! += v;
      else if (v > acc[o]! || Number.isNaN(v)) acc[o] = v; // max, NaN wins
    }
    for (let o = 0; o < out.length; o++) out[o] = acc[o]!;
  }

  argmax({ x, out }: { x: Float32Array; out: Int32Array }, { outer, n, inner }: ArgmaxAttrs): void {
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let best = 0;
        let bestValue = x[o * n * inner + j]!;
        for (let i = 1; i < n; i++) {
          const v = x[(o * n + i) * inner + j]!;
          if (v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) {
            best = i;
            bestValue = v;
          }
        }
        out[o * inner + j] = best;
      }
    }
  }

  topk(
    { x, values, indices }: { x: Float32Array; values: Float32Array; indices: Int32Array },
    { rows, cols, k }: TopkAttrs,
  ): void {
    // a selection, not a sort: keep the k best seen so far in order (descending; NaN counts as the largest,
    // as in PyTorch; ties keep the lower index first), and insert a value only when it beats the k-th
    const beats = (a: number, b: number) => a > b || (Number.isNaN(a) && !Number.isNaN(b));
    if (k > 256) {
      // a large k: insertion costs up to cols·k moves, so sort the whole row instead (same order)
      const order = Array.from({ length: cols }, (_, j) => j);
      for (let r = 0; r < rows; r++) {
        const row = x.subarray(r * cols, (r + 1) * cols);
        order.sort((i, j) => (beats(row[i]!, row[j]!) ? -1 : beats(row[j]!, row[i]!) ? 1 : i - j));
        for (let t = 0; t < k; t++) {
          values[r * k + t] = row[order[t]!]!;
          indices[r * k + t] = order[t]!;
        }
        for (let j = 0; j < cols; j++) order[j] = j;
      }
      return;
    }
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const vals = values.subarray(r * k, (r + 1) * k);
      const idx = indices.subarray(r * k, (r + 1) * k);
      let n = 0;
      for (let j = 0; j < cols; j++) {
        const v = x[o + j]!;
        if (n === k && !beats(v, vals[k - 1]!)) continue;
        let p = n < k ? n++ : k - 1; // the slot freed at the end
        for (; p > 0 && beats(v, vals[p - 1]!); p--) {
          vals[p] = vals[p - 1]!;
          idx[p] = idx[p - 1]!;
        }
        vals[p] = v;
        idx[p] = j;
      }
    }
  }

  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]!);
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += Math.exp(x[o + j]! - max);
      for (let j = 0; j < cols; j++) out[o + j] = Math.exp(x[o + j]! - max) / sum;
    }
  }

  logSoftmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]!);
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += Math.exp(x[o + j]! - max);
      const lse = max + Math.log(sum);
      for (let j = 0; j < cols; j++) out[o + j] = x[o + j]! - lse;
    }
  }

  softmaxBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let dot = 0; // Σ_j dy_j y_j
      for (let j = 0; j < cols; j++) dot += dy[o + j]! * y[o + j]!;
      for (let j = 0; j < cols; j++) dx[o + j] = y[o + j]! * (dy[o + j]! - dot);
    }
  }

  logSoftmaxBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let sum = 0; // Σ_j dy_j
      for (let j = 0; j < cols; j++) sum += dy[o + j]!;
      for (let j = 0; j < cols; j++) dx[o + j] = dy[o + j]! - Math.exp(y[o + j]!) * sum;
    }
  }

  /** Row `r`'s log-sum-exp, computed stably. */
  private logSumExp(x: Float32Array, o: number, cols: number): number {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]!);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(x[o + j]! - max);
    return max + Math.log(sum);
  }

  private checkTarget(t: number, c: number, ignoreIndex: number, r: number): boolean {
    if (t === ignoreIndex) return false;
    if (t < 0 || t >= c) {
      throw new LxmlsTensorError('INVALID_ARGUMENT', `targets[${r}] is not a class index`, {
        fn: 'crossEntropy',
        argument: 'targets',
        expected: `an integer in [0, ${c}) or the ignore index ${ignoreIndex}`,
        received: String(t),
      });
    }
    return true;
  }

  crossEntropy(
    { logits, targets, out }: { logits: Float32Array; targets: Int32Array; out: Float32Array },
    { n, c, ignoreIndex }: CrossEntropyAttrs,
  ): void {
    let total = 0;
    let kept = 0;
    for (let r = 0; r < n; r++) {
      const t = targets[r]!;
      if (!this.checkTarget(t, c, ignoreIndex, r)) continue;
      total += this.logSumExp(logits, r * c, c) - logits[r * c + t]!; // -log softmax(x_r)[t]
      kept++;
    }
    out[0] = total / kept; // 0/0 = NaN when every target is ignored, as in PyTorch
  }

  crossEntropyBackward(
    {
      logits,
      targets,
      dloss,
      dlogits,
    }: { logits: Float32Array; targets: Int32Array; dloss: Float32Array; dlogits: Float32Array },
    { n, c, ignoreIndex }: CrossEntropyAttrs,
  ): void {
    let kept = 0;
    for (let r = 0; r < n; r++) if (this.checkTarget(targets[r]!, c, ignoreIndex, r)) kept++;
    const g = dloss[0]! / kept;
    for (let r = 0; r < n; r++) {
      const t = targets[r]!;
      const o = r * c;
      if (t === ignoreIndex) {
        for (let j = 0; j < c; j++) dlogits[o + j] = 0;
        continue;
      }
      const lse = this.logSumExp(logits, o, c);
      for (let j = 0; j < c; j++) dlogits[o + j] = g * (Math.exp(logits[o + j]! - lse) - (j === t ? 1 : 0));
    }
  }

  layerNorm(
    { x, weight, bias, out, mean, rstd }: LayerNormInputs<Float32Array>,
    { rows, cols, eps }: LayerNormAttrs,
  ): void {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += x[o + j]!;
      const mu = sum / cols;
      let sq = 0;
      for (let j = 0; j < cols; j++) sq += (x[o + j]! - mu) ** 2;
      const rs = 1 / Math.sqrt(sq / cols + eps); // biased variance, as PyTorch
      mean[r] = mu;
      rstd[r] = rs;
      for (let j = 0; j < cols; j++) {
        const xhat = (x[o + j]! - mu) * rs;
        out[o + j] = xhat * (weight ? weight[j]! : 1) + (bias ? bias[j]! : 0);
      }
    }
  }

  layerNormBackward(
    { dy, x, weight, mean, rstd, dx, dweight, dbias }: LayerNormBackwardInputs<Float32Array>,
    { rows, cols }: LayerNormAttrs,
  ): void {
    const dw = new Float64Array(cols);
    const db = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const mu = mean[r]!;
      const rs = rstd[r]!;
      let meanG = 0; // mean_j(g), g = dy · weight
      let meanGX = 0; // mean_j(g · x̂)
      for (let j = 0; j < cols; j++) {
        const xhat = (x[o + j]! - mu) * rs;
        const g = dy[o + j]! * (weight ? weight[j]! : 1);
        meanG += g;
        meanGX += g * xhat;
        dw[j]! += dy[o + j]! * xhat;
        db[j]! += dy[o + j]!;
      }
      meanG /= cols;
      meanGX /= cols;
      for (let j = 0; j < cols; j++) {
        const xhat = (x[o + j]! - mu) * rs;
        const g = dy[o + j]! * (weight ? weight[j]! : 1);
        dx[o + j] = rs * (g - meanG - xhat * meanGX);
      }
    }
    if (dweight) for (let j = 0; j < cols; j++) dweight[j] = dw[j]!;
    if (dbias) for (let j = 0; j < cols; j++) dbias[j] = db[j]!;
  }

  gelu(x: Float32Array, out: Float32Array, size: number): void {
    for (let i = 0; i < size; i++) {
      const v = x[i]!;
      out[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v)));
    }
  }

  geluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, size: number): void {
    for (let i = 0; i < size; i++) {
      const v = x[i]!;
      const t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
      const du = GELU_C * (1 + 3 * 0.044715 * v * v); // du/dx
      dx[i] = dy[i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
    }
  }

  private checkId(id: number, numRows: number, i: number, fn: string): void {
    if (id < 0 || id >= numRows) {
      throw new LxmlsTensorError('INVALID_ARGUMENT', `ids[${i}] is out of range`, {
        fn,
        argument: 'ids',
        expected: `an integer in [0, ${numRows})`,
        received: String(id),
      });
    }
  }

  gather(
    { table, ids, out }: { table: Float32Array; ids: Int32Array; out: Float32Array },
    { numIds, numRows, dim }: GatherAttrs,
  ): void {
    for (let i = 0; i < numIds; i++) {
      const id = ids[i]!;
      this.checkId(id, numRows, i, 'gather');
      for (let j = 0; j < dim; j++) out[i * dim + j] = table[id * dim + j]!;
    }
  }

  scatterAdd(
    { dy, ids, dtable }: { dy: Float32Array; ids: Int32Array; dtable: Float32Array },
    { numIds, numRows, dim }: GatherAttrs,
  ): void {
    const acc = new Float64Array(numRows * dim);
    for (let i = 0; i < numIds; i++) {
      const id = ids[i]!;
      this.checkId(id, numRows, i, 'gather');
      for (let j = 0; j < dim; j++) acc[id * dim + j]! += dy[i * dim + j]!;
    }
    for (let i = 0; i < acc.length; i++) dtable[i] = dtable[i]! + acc[i]!;
  }

  maskedFill(
    x: TypedArray,
    shape: readonly number[],
    mask: TypedArray,
    maskShape: readonly number[],
    value: number,
    out: TypedArray,
  ): void {
    const im = broadcastIndex(maskShape, shape);
    for (let i = 0; i < out.length; i++) out[i] = mask[im[i]!] !== 0 ? value : x[i]!;
  }

  permute(x: TypedArray, shape: readonly number[], perm: readonly number[], out: TypedArray): void {
    const inStrides = stridesOf(shape);
    const outShape = perm.map((p) => shape[p]!);
    const strides = perm.map((p) => inStrides[p]!); // input stride of each output axis
    const n = sizeOf(outShape);
    const rank = outShape.length;
    const counter = new Array<number>(rank).fill(0);
    let offset = 0;
    for (let i = 0; i < n; i++) {
      out[i] = x[offset]!;
      for (let ax = rank - 1; ax >= 0; ax--) {
        counter[ax]!++;
        offset += strides[ax]!;
        if (counter[ax]! < outShape[ax]!) break;
        offset -= strides[ax]! * counter[ax]!;
        counter[ax] = 0;
      }
    }
  }

  /** Visits the block `[begin, begin + sizes)` of a tensor of shape `shape`: `visit(blockIndex, fullIndex)`. */
  private walkBlock(
    shape: readonly number[],
    begin: readonly number[],
    sizes: readonly number[],
    visit: (blockIndex: number, fullIndex: number) => void,
  ): void {
    const strides = stridesOf(shape);
    const rank = shape.length;
    const n = sizeOf(sizes);
    const counter = new Array<number>(rank).fill(0);
    let offset = begin.reduce((s, b, ax) => s + b * strides[ax]!, 0);
    for (let i = 0; i < n; i++) {
      visit(i, offset);
      for (let ax = rank - 1; ax >= 0; ax--) {
        counter[ax]!++;
        offset += strides[ax]!;
        if (counter[ax]! < sizes[ax]!) break;
        offset -= strides[ax]! * counter[ax]!;
        counter[ax] = 0;
      }
    }
  }

  slice(
    x: TypedArray,
    shape: readonly number[],
    begin: readonly number[],
    sizes: readonly number[],
    out: TypedArray,
  ): void {
    this.walkBlock(shape, begin, sizes, (i, full) => {
      out[i] = x[full]!;
    });
  }

  sliceAssign(
    src: TypedArray,
    sizes: readonly number[],
    out: TypedArray,
    shape: readonly number[],
    begin: readonly number[],
  ): void {
    this.walkBlock(shape, begin, sizes, (i, full) => {
      out[full] = src[i]!;
    });
  }

  dropout(x: Float32Array, out: Float32Array, size: number, p: number, seed: number): void {
    const scale = p < 1 ? 1 / (1 - p) : 0;
    for (let i = 0; i < size; i++) out[i] = uniformAt(seed, i) >= p ? x[i]! * scale : 0;
  }

  multinomial(
    { probs, out }: { probs: Float32Array; out: Int32Array },
    { rows, cols, numSamples, seed }: MultinomialAttrs,
  ): void {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let total = 0;
      for (let j = 0; j < cols; j++) total += probs[o + j]!;
      for (let s = 0; s < numSamples; s++) {
        const u = uniformAt(seed, r * numSamples + s) * total;
        let cum = 0;
        let pick = cols - 1;
        for (let j = 0; j < cols; j++) {
          cum += probs[o + j]!;
          if (cum > u && probs[o + j]! > 0) {
            pick = j;
            break;
          }
        }
        while (pick > 0 && !(probs[o + pick]! > 0)) pick--; // rounding at the end: last non-zero weight
        out[r * numSamples + s] = pick;
      }
    }
  }

  adamw({ param, grad, m, v }: AdamWInputs<Float32Array>, attrs: AdamWAttrs): void {
    const { size, lr, beta1, beta2, eps, weightDecay, step } = attrs;
    const bc1 = 1 - beta1 ** step; // bias corrections
    const bc2 = 1 - beta2 ** step;
    const stepSize = lr / bc1;
    const sqrtBc2 = Math.sqrt(bc2);
    for (let i = 0; i < size; i++) {
      const g = grad[i]!;
      const p = param[i]! * (1 - lr * weightDecay); // decoupled weight decay
      const mi = beta1 * m[i]! + (1 - beta1) * g;
      const vi = beta2 * v[i]! + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      param[i] = p - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
    }
  }

  attention(inputs: AttentionInputs<Float32Array>, attrs: AttentionAttrs): void {
    attentionReference(inputs, attrs);
  }

  attentionBackward(inputs: AttentionBackwardInputs<Float32Array>, attrs: AttentionAttrs): void {
    attentionBackwardReference(inputs, attrs);
  }
}

/**
 * Creates the `js` reference backend (registered by default under the name `js`).
 *
 * @returns A new {@link JsBackend}.
 * @example
 * ```ts
 * import { createJsBackend } from '@lxmls/tensor';
 * const js = createJsBackend();
 * const out = js.alloc(3, 'float32');
 * js.softmax(new Float32Array([1, 2, 3]), out, 1, 3);
 * console.log(Array.from(js.read(out), (p) => p.toFixed(4))); // → [ '0.0900', '0.2447', '0.6652' ]
 * ```
 */
export function createJsBackend(): JsBackend {
  return new JsBackend();
}
