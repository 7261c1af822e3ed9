/**
 * The @lxmls/tensor kernels on TensorFlow.js: {@link TfjsBackend}, one class for the four tfjs engines
 * (`tfjs-cpu`, `tfjs-wasm`, `tfjs-webgl`, `tfjs-webgpu`).
 *
 * Follows the kernel definitions of `@lxmls/tensor`'s `js` backend (`backends/js.ts`), written with tfjs ops.
 * tfjs tensors are immutable, so a storage handle is a small {@link TfStorage} box holding a 1-D `tf.Tensor`:
 * "writing into `out`" computes a new tensor inside `tf.tidy` (which frees every intermediate), disposes the
 * box's old tensor and stores the new one. Random kernels take their uniform numbers from `uniformAt` on the
 * CPU, so dropout masks and multinomial samples are exactly those of the `js` backend.
 *
 * Over 500 lines on purpose: one backend in one file found by its name (as tinygrad keeps its backends), each
 * kernel a few tfjs ops in the order of `CoreBackend`, so it can be compared with the `js` reference side by side.
 */

// the kernels' named inputs and attributes: K.MatmulInputs<S>, K.MatmulAttrs, …
import type * as K from '@lxmls/tensor';
import type { AttentionView, Backend, BackendCapabilities, DType, TypedArray } from '@lxmls/tensor';
import { checkIds, checkTargets, createJsBackend, uniformAt } from '@lxmls/tensor';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { TfjsEngine, TfModule } from './load.js';

/** The `js` reference backend, for the kernels that run on the CPU anyway. */
const REFERENCE = createJsBackend();

const GELU_C = Math.sqrt(2 / Math.PI); // sqrt(2/π) of NewGELU

/**
 * The storage handle of {@link TfjsBackend}: a box around a 1-D `tf.Tensor` of `size` elements, so a kernel
 * can replace the tensor it holds (tfjs tensors are immutable).
 *
 * @example
 * ```ts
 * import { createTfjsBackend } from '@lxmls/backend-tfjs';
 * const tfjs = await createTfjsBackend({ backend: 'cpu' });
 * const s = tfjs.alloc(4, 'int32');
 * console.log(s.size, s.dtype, s.tensor.shape); // → 4 int32 [ 4 ]
 * tfjs.free(s);
 * ```
 */
export class TfStorage {
  /** The current value, a 1-D tensor of `size` elements. Replaced (and the old one disposed) by every write. */
  tensor: Tensor;
  /** Number of elements. */
  readonly size: number;
  /** Element type. */
  readonly dtype: DType;
  /**
   * For int32 storage last set by `write` (ids, targets, masks uploaded from the CPU): a host copy, so index
   * checks need no GPU read. `null` once a kernel overwrote the tensor.
   */
  host: Int32Array | null;

  constructor(tensor: Tensor, size: number, dtype: DType, host: Int32Array | null) {
    this.tensor = tensor;
    this.size = size;
    this.dtype = dtype;
    this.host = host;
  }
}

/** Options of {@link TfjsBackend}. */
export interface TfjsBackendOptions {
  /**
   * Check ids (gather, scatterAdd) and targets (crossEntropy) and throw on a bad one, as `js` does.
   * Defaults to true. The check reads the indices on the CPU: free when they were uploaded with `write`
   * (the usual case: a batch of token ids), one synchronous GPU read otherwise.
   */
  checkIndices?: boolean;
}

/**
 * The kernels of `@lxmls/tensor` on one TensorFlow.js engine. Create it with `createTfjsBackend`, which
 * loads and initialises the engine; the constructor expects the engine to be ready in `tf`.
 *
 * Capabilities: gradients and the fused attention kernels (written with tfjs ops); `async` is true on
 * `webgl` / `webgpu`, where kernels are queued on the GPU and `read` (tfjs `dataSync`) stalls until they
 * finish: prefer `readAsync` (tfjs `data()`), i.e. `tensor.dataAsync()`.
 *
 * @example
 * ```ts
 * import { createTfjsBackend } from '@lxmls/backend-tfjs';
 * const tfjs = await createTfjsBackend({ backend: 'cpu' });
 * const x = tfjs.alloc(3, 'float32');
 * tfjs.write(x, new Float32Array([1, 2, 3]));
 * const y = tfjs.alloc(3, 'float32');
 * tfjs.softmax({ x, out: y }, { rows: 1, cols: 3 });
 * console.log(tfjs.name, Array.from(tfjs.read(y), (p) => p.toFixed(4))); // → tfjs-cpu [ '0.0900', '0.2447', '0.6652' ]
 * tfjs.free(x);
 * tfjs.free(y);
 * ```
 */
export class TfjsBackend implements Backend<TfStorage> {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /** The tfjs-core module the kernels run on. */
  readonly tf: TfModule;
  /** The tfjs engine name (`cpu`, `wasm`, `webgl`, `webgpu`). */
  readonly engine: TfjsEngine;
  private readonly checkIndices: boolean;

  constructor(tf: TfModule, engine: TfjsEngine, options: TfjsBackendOptions = {}) {
    this.tf = tf;
    this.engine = engine;
    this.name = `tfjs-${engine}`;
    this.checkIndices = options.checkIndices ?? true;
    this.capabilities = {
      gradients: true,
      float16: false,
      async: engine === 'webgl' || engine === 'webgpu',
      fusedAttention: true,
    };
  }

  // ---- plumbing -----------------------------------------------------------------------------------------

  /** Makes this engine tfjs's current one (synchronous once initialised), so several can coexist. */
  private use(): TfModule {
    const tf = this.tf;
    if (tf.getBackend() !== this.engine) void tf.setBackend(this.engine);
    return tf;
  }

  /** Replaces the value of `out` with `value` (1-D, right dtype), disposing the old tensor. */
  private assign(out: TfStorage, value: Tensor): void {
    const old = out.tensor;
    out.tensor = value;
    out.host = null;
    if (old !== value) old.dispose();
  }

  /** Runs `f` in `tf.tidy` and stores its results, flattened and cast to each output's dtype, into `outs`. */
  private run(outs: TfStorage[], f: (tf: TfModule) => Tensor[]): void {
    const tf = this.use();
    const values = tf.tidy(() =>
      f(tf).map((v, i) => {
        const out = outs[i]!;
        const flat = tf.reshape(v, [out.size]);
        return flat.dtype === out.dtype ? flat : tf.cast(flat, out.dtype);
      }),
    );
    values.forEach((v, i) => {
      this.assign(outs[i]!, v);
    });
  }

  /** One output. */
  private run1(out: TfStorage, f: (tf: TfModule) => Tensor): void {
    this.run([out], (tf) => [f(tf)]);
  }

  /** The int32 values of `s` on the CPU: the host copy when there is one, else a (synchronous) read. */
  private hostInts(s: TfStorage): Int32Array {
    if (s.host) return s.host;
    const values = this.read(s);
    return values instanceof Int32Array ? values : Int32Array.from(values);
  }

  // ---- memory -------------------------------------------------------------------------------------------

  alloc(size: number, dtype: DType): TfStorage {
    const tf = this.use();
    const t = tf.keep(tf.zeros([size], dtype));
    return new TfStorage(t, size, dtype, dtype === 'int32' ? new Int32Array(size) : null);
  }

  free(storage: TfStorage): void {
    storage.tensor.dispose();
    storage.host = null;
  }

  read(storage: TfStorage): TypedArray {
    this.use();
    return toTyped(storage.tensor.dataSync(), storage.dtype);
  }

  async readAsync(storage: TfStorage): Promise<TypedArray> {
    this.use();
    return toTyped(await storage.tensor.data(), storage.dtype);
  }

  write(storage: TfStorage, data: TypedArray): void {
    const tf = this.use();
    // tfjs may keep the array it is given: hand it a copy the caller cannot mutate.
    const copy = storage.dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
    this.assign(storage, tf.keep(tf.tensor1d(copy, storage.dtype)));
    if (copy instanceof Int32Array) storage.host = copy;
  }

  copy({ x, out }: K.UnaryInputs<TfStorage>, { size }: K.SizeAttrs): void {
    this.run1(out, (tf) => (x.size === size ? tf.clone(x.tensor) : tf.slice(x.tensor, 0, size)));
  }

  cast({ x, out }: K.UnaryInputs<TfStorage>, { size, to }: K.CastAttrs): void {
    // tfjs's cast to int32 truncates toward zero on every engine, as the js backend's Int32Array does.
    this.run1(out, (tf) => tf.cast(x.size === size ? x.tensor : tf.slice(x.tensor, 0, size), to));
  }

  // ---- elementwise --------------------------------------------------------------------------------------

  binary({ a, b, out }: K.BinaryInputs<TfStorage>, { op, aShape, bShape, outShape }: K.BinaryAttrs): void {
    this.run1(out, (tf) => {
      // div and pow on int32 would be floor division / integer pow in tfjs: compute them in float32 and let
      // the cast to the output dtype truncate toward zero, as the js backend's Int32Array does.
      const float = op === 'div' || op === 'pow' || a.dtype !== b.dtype;
      const x = float ? tf.cast(a.tensor, 'float32') : a.tensor;
      const y = float ? tf.cast(b.tensor, 'float32') : b.tensor;
      const xa = tf.reshape(x, [...aShape]); // broadcasts to outShape
      const yb = tf.reshape(y, [...bShape]);
      let r: Tensor;
      switch (op) {
        case 'add':
          r = tf.add(xa, yb);
          break;
        case 'sub':
          r = tf.sub(xa, yb);
          break;
        case 'mul':
          r = tf.mul(xa, yb);
          break;
        case 'div':
          r = tf.div(xa, yb);
          break;
        case 'pow':
          r = tf.pow(xa, yb);
          break;
        case 'maximum':
          r = tf.maximum(xa, yb);
          break;
        case 'eq':
          r = tf.equal(xa, yb);
          break;
        case 'gt':
          r = tf.greater(xa, yb);
          break;
      }
      return r.size === out.size ? r : tf.broadcastTo(r, [...outShape]); // both operands had a 1 there
    });
  }

  unary({ x, out }: K.UnaryInputs<TfStorage>, { op, size }: K.UnaryAttrs): void {
    this.run1(out, (tf) => {
      const v = x.size === size ? x.tensor : tf.slice(x.tensor, 0, size);
      switch (op) {
        case 'neg':
          return tf.neg(v);
        case 'exp':
          return tf.exp(v);
        case 'log':
          return tf.log(v);
        case 'tanh':
          return tf.tanh(v);
        case 'sqrt':
          return tf.sqrt(v);
        case 'relu':
          return tf.relu(v);
      }
    });
  }

  // ---- linear algebra -----------------------------------------------------------------------------------

  matmul({ a, b, out }: K.MatmulInputs<TfStorage>, attrs: K.MatmulAttrs): void {
    const { batchA, batchB, m, k, n, transA, transB } = attrs;
    this.run1(out, (tf) => {
      const a3 = tf.reshape(a.tensor, transA ? [batchA, k, m] : [batchA, m, k]);
      const b3 = tf.reshape(b.tensor, transB ? [batchB, n, k] : [batchB, k, n]);
      return tf.matMul(a3, b3, transA, transB); // (max(batchA, batchB), M, N); a batch of 1 broadcasts
    });
  }

  // ---- reductions ---------------------------------------------------------------------------------------

  reduce({ x, out }: K.UnaryInputs<TfStorage>, { op, shape, axes }: K.ReduceAttrs): void {
    this.run1(out, (tf) => {
      const v = tf.reshape(x.tensor, [...shape]);
      if (axes.length === 0) return tf.clone(v);
      return op === 'sum' ? tf.sum(v, [...axes], true) : tf.max(v, [...axes], true);
    });
  }

  argmax({ x, out }: K.ArgmaxInputs<TfStorage>, { outer, n, inner }: K.ArgmaxAttrs): void {
    this.run1(out, (tf) => tf.argMax(tf.reshape(x.tensor, [outer, n, inner]), 1)); // (outer, inner)
  }

  topk({ x, values, indices }: K.TopkInputs<TfStorage>, { rows, cols, k }: K.TopkAttrs): void {
    this.run([values, indices], (tf) => {
      const r = tf.topk(tf.reshape(x.tensor, [rows, cols]), k, true); // sorted descending
      return [r.values, r.indices];
    });
  }

  // ---- softmax family -----------------------------------------------------------------------------------

  /** Row log-sum-exp of `(rows, cols)`, stable: `max + log Σ exp(x - max)`, kept as `(rows, 1)`. */
  private logSumExp(tf: TfModule, x2: Tensor): Tensor {
    const max = tf.max(x2, -1, true); // (rows, 1)
    return tf.add(max, tf.log(tf.sum(tf.exp(tf.sub(x2, max)), -1, true)));
  }

  softmax({ x, out }: K.UnaryInputs<TfStorage>, { rows, cols }: K.SoftmaxAttrs): void {
    this.run1(out, (tf) => {
      const x2 = tf.reshape(x.tensor, [rows, cols]);
      const e = tf.exp(tf.sub(x2, tf.max(x2, -1, true))); // (rows, cols)
      return tf.div(e, tf.sum(e, -1, true));
    });
  }

  logSoftmax({ x, out }: K.UnaryInputs<TfStorage>, { rows, cols }: K.SoftmaxAttrs): void {
    this.run1(out, (tf) => {
      const x2 = tf.reshape(x.tensor, [rows, cols]);
      return tf.sub(x2, this.logSumExp(tf, x2));
    });
  }

  softmaxBackward({ y, dy, dx }: K.SoftmaxBackwardInputs<TfStorage>, { rows, cols }: K.SoftmaxAttrs): void {
    this.run1(dx, (tf) => {
      const y2 = tf.reshape(y.tensor, [rows, cols]);
      const g2 = tf.reshape(dy.tensor, [rows, cols]);
      const dot = tf.sum(tf.mul(g2, y2), -1, true); // (rows, 1): Σ_j dy_j y_j
      return tf.mul(y2, tf.sub(g2, dot));
    });
  }

  logSoftmaxBackward(
    { y, dy, dx }: K.SoftmaxBackwardInputs<TfStorage>,
    { rows, cols }: K.SoftmaxAttrs,
  ): void {
    this.run1(dx, (tf) => {
      const y2 = tf.reshape(y.tensor, [rows, cols]);
      const g2 = tf.reshape(dy.tensor, [rows, cols]);
      return tf.sub(g2, tf.mul(tf.exp(y2), tf.sum(g2, -1, true)));
    });
  }

  /** Throws as the js backend does when a target is neither a class index nor the ignore index. */
  private checkTargets(targets: TfStorage, n: number, c: number, ignoreIndex: number): void {
    if (!this.checkIndices) return;
    checkTargets(this.hostInts(targets), n, c, ignoreIndex);
  }

  /** For `(n)` int32 targets: the kept-row mask `(n, 1)` as float, and the one-hot `(n, c)` of kept targets. */
  private targetMasks(tf: TfModule, targets: TfStorage, n: number, c: number, ignoreIndex: number) {
    const t = targets.tensor; // (n)
    const keptBool = tf.notEqual(t, tf.scalar(ignoreIndex, 'int32'));
    const kept = tf.reshape(tf.cast(keptBool, 'float32'), [n, 1]); // (n, 1)
    const safe = tf.where(keptBool, t, tf.zerosLike(t)); // ignored rows point at class 0 ...
    // one-hot by comparison with 0…c-1 (tfjs-backend-wasm's oneHot gives wrong float32 values)
    const classes = tf.reshape(tf.range(0, c, 1, 'int32'), [1, c]); // (1, c)
    const hit = tf.cast(tf.equal(tf.reshape(safe, [n, 1]), classes), 'float32'); // (n, c)
    const onehot = tf.mul(hit, kept); // (n, c) ... and get no one-hot
    return { kept, onehot, count: tf.sum(kept) };
  }

  crossEntropy({ logits, targets, out }: K.CrossEntropyInputs<TfStorage>, attrs: K.CrossEntropyAttrs): void {
    const { n, c, ignoreIndex } = attrs;
    this.checkTargets(targets, n, c, ignoreIndex);
    this.run1(out, (tf) => {
      const x2 = tf.reshape(logits.tensor, [n, c]);
      const { kept, onehot, count } = this.targetMasks(tf, targets, n, c, ignoreIndex);
      const picked = tf.sum(tf.mul(x2, onehot), -1, true); // (n, 1): x[r, t_r]
      const loss = tf.mul(tf.sub(this.logSumExp(tf, x2), picked), kept); // (n, 1): -log softmax, 0 if ignored
      const total = tf.sum(loss);
      // NaN when nothing is kept, as in PyTorch (explicitly: WebGL's division gives 1 for 0/0)
      return tf.where(tf.equal(count, 0), tf.scalar(Number.NaN), tf.div(total, count));
    });
  }

  crossEntropyBackward(
    { logits, targets, dloss, dlogits }: K.CrossEntropyBackwardInputs<TfStorage>,
    { n, c, ignoreIndex }: K.CrossEntropyAttrs,
  ): void {
    this.checkTargets(targets, n, c, ignoreIndex);
    this.run1(dlogits, (tf) => {
      const x2 = tf.reshape(logits.tensor, [n, c]);
      const { kept, onehot, count } = this.targetMasks(tf, targets, n, c, ignoreIndex);
      const g = tf.div(tf.reshape(dloss.tensor, [1, 1]), count); // dloss / #kept
      const p = tf.exp(tf.sub(x2, this.logSumExp(tf, x2))); // (n, c) softmax
      return tf.mul(tf.mul(tf.sub(p, onehot), kept), g);
    });
  }

  // ---- normalisation and activations --------------------------------------------------------------------

  layerNorm(
    { x, weight, bias, out, mean, rstd }: K.LayerNormInputs<TfStorage>,
    { rows, cols, eps }: K.LayerNormAttrs,
  ): void {
    this.run([out, mean, rstd], (tf) => {
      const x2 = tf.reshape(x.tensor, [rows, cols]);
      const mu = tf.mean(x2, -1, true); // (rows, 1)
      const xc = tf.sub(x2, mu);
      const rs = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps)); // biased variance, as PyTorch
      let y = tf.mul(xc, rs); // x̂
      if (weight) y = tf.mul(y, weight.tensor);
      if (bias) y = tf.add(y, bias.tensor);
      return [y, mu, rs];
    });
  }

  layerNormBackward(
    { dy, x, weight, mean, rstd, dx, dweight, dbias }: K.LayerNormBackwardInputs<TfStorage>,
    { rows, cols }: K.LayerNormAttrs,
  ): void {
    const outs = [dx, ...(dweight ? [dweight] : []), ...(dbias ? [dbias] : [])];
    this.run(outs, (tf) => {
      const g2 = tf.reshape(dy.tensor, [rows, cols]);
      const rs = tf.reshape(rstd.tensor, [rows, 1]);
      const xhat = tf.mul(tf.sub(tf.reshape(x.tensor, [rows, cols]), tf.reshape(mean.tensor, [rows, 1])), rs);
      const g = weight ? tf.mul(g2, weight.tensor) : g2; // dy · weight
      const meanG = tf.mean(g, -1, true); // (rows, 1)
      const meanGX = tf.mean(tf.mul(g, xhat), -1, true); // (rows, 1)
      const results = [tf.mul(rs, tf.sub(tf.sub(g, meanG), tf.mul(xhat, meanGX)))]; // (rows, cols)
      if (dweight) results.push(tf.sum(tf.mul(g2, xhat), 0)); // (cols)
      if (dbias) results.push(tf.sum(g2, 0)); // (cols)
      return results;
    });
  }

  /** `t = tanh(sqrt(2/π)(x + 0.044715x³))`. */
  private geluTanh(tf: TfModule, v: Tensor): Tensor {
    return tf.tanh(tf.mul(tf.add(v, tf.mul(tf.pow(v, 3), 0.044715)), GELU_C));
  }

  gelu({ x, out }: K.UnaryInputs<TfStorage>, { size }: K.SizeAttrs): void {
    this.run1(out, (tf) => {
      const v = x.size === size ? x.tensor : tf.slice(x.tensor, 0, size);
      return tf.mul(tf.mul(v, 0.5), tf.add(this.geluTanh(tf, v), 1));
    });
  }

  geluBackward({ x, dy, dx }: K.GeluBackwardInputs<TfStorage>, { size }: K.SizeAttrs): void {
    this.run1(dx, (tf) => {
      const v = x.tensor;
      const t = this.geluTanh(tf, v);
      const du = tf.mul(tf.add(tf.mul(tf.square(v), 3 * 0.044715), 1), GELU_C); // du/dx
      const left = tf.mul(tf.add(t, 1), 0.5); // 0.5(1 + t)
      const right = tf.mul(tf.mul(tf.mul(v, 0.5), tf.sub(1, tf.square(t))), du); // 0.5x(1 - t²)du
      return tf.slice(tf.mul(dy.tensor, tf.add(left, right)), 0, size);
    });
  }

  // ---- indexing -----------------------------------------------------------------------------------------

  private checkIds(ids: TfStorage, numIds: number, numRows: number): void {
    if (!this.checkIndices) return;
    checkIds(this.hostInts(ids), numIds, numRows);
  }

  gather({ table, ids, out }: K.GatherInputs<TfStorage>, { numIds, numRows, dim }: K.GatherAttrs): void {
    this.checkIds(ids, numIds, numRows);
    this.run1(out, (tf) =>
      tf.gather(tf.reshape(table.tensor, [numRows, dim]), tf.slice(ids.tensor, 0, numIds), 0),
    );
  }

  scatterAdd(
    { dy, ids, dtable }: K.ScatterAddInputs<TfStorage>,
    { numIds, numRows, dim }: K.GatherAttrs,
  ): void {
    this.checkIds(ids, numIds, numRows);
    this.run1(dtable, (tf) => {
      // scatterND sums repeated indices (tfjs-backend-wasm has no unsortedSegmentSum; every engine has this)
      const indices = tf.reshape(tf.slice(ids.tensor, 0, numIds), [numIds, 1]); // (numIds, 1)
      const updates = tf.reshape(dy.tensor, [numIds, dim]);
      const summed = tf.scatterND(indices, updates, [numRows, dim]); // (numRows, dim)
      return tf.add(dtable.tensor, tf.reshape(summed, [numRows * dim]));
    });
  }

  maskedFill(
    { x, mask, out }: K.MaskedFillInputs<TfStorage>,
    { shape, maskShape, value }: K.MaskedFillAttrs,
  ): void {
    this.run1(out, (tf) => {
      const m = tf.reshape(mask.tensor, [...maskShape]);
      const cond = tf.broadcastTo(tf.notEqual(m, tf.zerosLike(m)), [...shape]);
      const v = tf.reshape(x.tensor, [...shape]);
      return tf.where(cond, tf.fill([...shape], value, x.dtype), v);
    });
  }

  permute({ x, out }: K.UnaryInputs<TfStorage>, { shape, perm }: K.PermuteAttrs): void {
    this.run1(out, (tf) => tf.transpose(tf.reshape(x.tensor, [...shape]), [...perm]));
  }

  slice({ x, out }: K.UnaryInputs<TfStorage>, { shape, begin, sizes }: K.SliceAttrs): void {
    this.run1(out, (tf) => tf.slice(tf.reshape(x.tensor, [...shape]), [...begin], [...sizes]));
  }

  sliceAssign({ src, out }: K.SliceAssignInputs<TfStorage>, { shape, begin, sizes }: K.SliceAttrs): void {
    this.run1(out, (tf) => {
      // Pad the block (and a block of ones) to the full shape, then pick the block where the ones are.
      const padding = shape.map((d, ax) => [begin[ax]!, d - begin[ax]! - sizes[ax]!] as [number, number]);
      const block = tf.pad(tf.reshape(src.tensor, [...sizes]), padding);
      const inside = tf.cast(tf.pad(tf.ones([...sizes], 'int32'), padding), 'bool');
      return tf.where(inside, block, tf.reshape(out.tensor, [...shape]));
    });
  }

  // ---- randomness ---------------------------------------------------------------------------------------

  dropout({ x, out }: K.UnaryInputs<TfStorage>, { size, p, seed }: K.DropoutAttrs): void {
    // The mask comes from uniformAt on the CPU (float64 compare, as js), uploaded as 0 or 1/(1-p).
    const scale = p < 1 ? 1 / (1 - p) : 0;
    const keep = new Float32Array(size);
    for (let i = 0; i < size; i++) keep[i] = uniformAt(seed, i) >= p ? scale : 0;
    this.run1(out, (tf) =>
      tf.mul(x.size === size ? x.tensor : tf.slice(x.tensor, 0, size), tf.tensor1d(keep)),
    );
  }

  multinomial({ probs, out }: K.MultinomialInputs<TfStorage>, attrs: K.MultinomialAttrs): void {
    const { rows, numSamples } = attrs;
    // Sampling needs the weights on the CPU anyway (a sample is an index the caller reads): read them and
    // run the js definition itself, float64 cumulative sums included, so the samples are identical to js's.
    const picks = new Int32Array(rows * numSamples);
    REFERENCE.multinomial({ probs: this.read(probs) as Float32Array, out: picks }, attrs);
    this.write(out, picks);
  }

  // ---- optimiser ----------------------------------------------------------------------------------------

  adamw({ param, grad, m, v }: K.AdamWInputs<TfStorage>, attrs: K.AdamWAttrs): void {
    const { size, lr, beta1, beta2, eps, weightDecay, step } = attrs;
    const stepSize = lr / (1 - beta1 ** step); // bias corrections, on the CPU in float64
    const sqrtBc2 = Math.sqrt(1 - beta2 ** step);
    this.run([param, m, v], (tf) => {
      const g = grad.size === size ? grad.tensor : tf.slice(grad.tensor, 0, size);
      const p = tf.mul(param.tensor, 1 - lr * weightDecay); // decoupled weight decay
      const mi = tf.add(tf.mul(m.tensor, beta1), tf.mul(g, 1 - beta1));
      const vi = tf.add(tf.mul(v.tensor, beta2), tf.mul(tf.square(g), 1 - beta2));
      const denom = tf.add(tf.div(tf.sqrt(vi), sqrtBc2), eps);
      return [tf.sub(p, tf.div(tf.mul(mi, stepSize), denom)), mi, vi];
    });
  }

  // ---- fused attention ----------------------------------------------------------------------------------

  /**
   * The operand seen through `view` as `(batch·heads, rows, d)`: a reshape for the plain contiguous layout,
   * else a gather of its elements by flat index (the packed and split layouts).
   */
  private heads(tf: TfModule, view: AttentionView<TfStorage>, attrs: K.AttentionAttrs, rows: number): Tensor {
    const { batch, heads, headSize: d } = attrs;
    const shape = [batch * heads, rows, d];
    if (isWhole(view, attrs, rows)) return tf.reshape(view.storage.tensor, shape);
    const index = tf.tensor1d(viewIndices(view, attrs, rows), 'int32');
    return tf.reshape(tf.gather(view.storage.tensor, index), shape);
  }

  /**
   * Runs `compute`, which returns one `(batch·heads, rows, d)` value per target view and then one value per
   * storage of `plain`, and writes them: each storage behind the views gets one new tensor, the values
   * scattered to their flat indices (the rest of the storage kept) unless one view is the whole storage.
   */
  private writeViews(
    targets: { view: AttentionView<TfStorage>; rows: number }[],
    plain: TfStorage[],
    attrs: K.AttentionAttrs,
    compute: (tf: TfModule) => Tensor[],
  ): void {
    const storages = [...new Set(targets.map((t) => t.view.storage))];
    this.run([...storages, ...plain], (tf) => {
      const values = compute(tf);
      const merged = storages.map((storage) => {
        const mine = targets.flatMap((t, i) =>
          t.view.storage === storage ? [{ ...t, value: values[i]! }] : [],
        );
        const first = mine[0]!;
        if (mine.length === 1 && isWhole(first.view, attrs, first.rows)) return first.value;
        const flat = Int32Array.from(mine.flatMap((t) => Array.from(viewIndices(t.view, attrs, t.rows))));
        const update = tf.concat(mine.map((t) => tf.reshape(t.value, [-1])));
        const scattered = tf.scatterND(tf.tensor2d(flat, [flat.length, 1], 'int32'), update, [storage.size]);
        if (flat.length === storage.size) return scattered; // the views cover the storage (they never overlap)
        const written = new Int32Array(storage.size);
        for (const i of flat) written[i] = 1;
        return tf.where(tf.cast(tf.tensor1d(written, 'int32'), 'bool'), scattered, storage.tensor);
      });
      return [...merged, ...values.slice(targets.length)];
    });
  }

  /** Scores `(bh, tq, tk)` = `q @ kᵀ · scale`, with `-∞` where the causal rule hides a key. */
  private scores(tf: TfModule, q: Tensor, k: Tensor, attrs: K.AttentionAttrs): Tensor {
    const { batch, heads, tq, tk, scale, causal } = attrs;
    const bh = batch * heads;
    const s = tf.mul(tf.matMul(q, k, false, true), scale); // (bh, tq, tk)
    if (!causal) return s;
    // query i sees keys j ≤ i + (tk - tq): a (tq, tk) mask built on the CPU, broadcast over heads
    const allowed = new Int32Array(tq * tk);
    for (let i = 0; i < tq; i++) for (let j = 0; j < tk; j++) allowed[i * tk + j] = j <= i + tk - tq ? 1 : 0;
    const cond = tf.broadcastTo(tf.cast(tf.tensor2d(allowed, [tq, tk], 'int32'), 'bool'), [bh, tq, tk]);
    return tf.where(cond, s, tf.fill([bh, tq, tk], Number.NEGATIVE_INFINITY));
  }

  /**
   * The weights `exp(s − lse)` `(bh, tq, tk)` from the scores and the row log-sum-exps `(bh, tq, 1)`; a row
   * that sees no key (lse −∞) gets zeros, not NaN.
   */
  private weights(tf: TfModule, s: Tensor, lse: Tensor): Tensor {
    const seen = tf.isFinite(lse); // (bh, tq, 1)
    const p = tf.exp(tf.sub(s, tf.where(seen, lse, tf.zerosLike(lse))));
    return tf.where(tf.broadcastTo(seen, s.shape), p, tf.zerosLike(s));
  }

  attention(inputs: K.AttentionInputs<TfStorage>, attrs: K.AttentionAttrs): void {
    const { tq, tk } = attrs;
    this.writeViews([{ view: inputs.out, rows: tq }], [inputs.lse], attrs, (tf) => {
      const q = this.heads(tf, inputs.q, attrs, tq);
      const s = this.scores(tf, q, this.heads(tf, inputs.k, attrs, tk), attrs); // (bh, tq, tk)
      const max = tf.max(s, -1, true); // (bh, tq, 1), −∞ for a row without a visible key
      const shifted = tf.exp(tf.sub(s, tf.where(tf.isFinite(max), max, tf.zerosLike(max))));
      const lse = tf.add(max, tf.log(tf.sum(shifted, -1, true))); // (bh, tq, 1)
      const out = tf.matMul(this.weights(tf, s, lse), this.heads(tf, inputs.v, attrs, tk)); // (bh, tq, d)
      return [out, lse];
    });
  }

  attentionBackward(inputs: K.AttentionBackwardInputs<TfStorage>, attrs: K.AttentionAttrs): void {
    // p = exp(s - lse); dv = pᵀ do; dp = do vᵀ; D = Σ_c do·out; ds = p (dp - D); dq = scale ds k; dk = scale dsᵀ q
    const { batch, heads, tq, tk, scale } = attrs;
    const targets = [
      { view: inputs.dq, rows: tq },
      { view: inputs.dk, rows: tk },
      { view: inputs.dv, rows: tk },
    ];
    this.writeViews(targets, [], attrs, (tf) => {
      const q = this.heads(tf, inputs.q, attrs, tq); // (bh, tq, d)
      const k = this.heads(tf, inputs.k, attrs, tk); // (bh, tk, d)
      const v = this.heads(tf, inputs.v, attrs, tk); // (bh, tk, d)
      const dout = this.heads(tf, inputs.dout, attrs, tq); // (bh, tq, d)
      const lse = tf.reshape(inputs.lse.tensor, [batch * heads, tq, 1]);
      const p = this.weights(tf, this.scores(tf, q, k, attrs), lse); // (bh, tq, tk)
      const dv = tf.matMul(p, dout, true, false); // (bh, tk, d)
      const dp = tf.matMul(dout, v, false, true); // (bh, tq, tk)
      const bigD = tf.sum(tf.mul(dout, this.heads(tf, inputs.out, attrs, tq)), -1, true); // (bh, tq, 1)
      const ds = tf.mul(p, tf.sub(dp, bigD)); // (bh, tq, tk)
      const dq = tf.mul(tf.matMul(ds, k), scale); // (bh, tq, d)
      const dk = tf.mul(tf.matMul(ds, q, true, false), scale); // (bh, tk, d)
      return [dq, dk, dv];
    });
  }

  /** Nothing to release: every tensor belongs to a storage the core frees. */
  dispose(): void {}
}

/** True when `view` is its whole storage in the plain `(batch·heads, rows, d)` layout. */
function isWhole(view: AttentionView<TfStorage>, attrs: K.AttentionAttrs, rows: number): boolean {
  const { batch, heads, headSize: d } = attrs;
  return (
    view.offset === 0 &&
    view.rowStride === d &&
    (heads === 1 || view.headStride === rows * d) &&
    (batch === 1 || view.batchStride === heads * rows * d) &&
    view.storage.size === batch * heads * rows * d
  );
}

/** The flat index of every element of `view`, in `(batch, heads, rows, d)` order. */
function viewIndices(view: AttentionView<TfStorage>, attrs: K.AttentionAttrs, rows: number): Int32Array {
  const { batch, heads, headSize: d } = attrs;
  const index = new Int32Array(batch * heads * rows * d);
  let n = 0;
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < rows; i++) {
        const o = view.offset + b * view.batchStride + h * view.headStride + i * view.rowStride;
        for (let c = 0; c < d; c++) index[n++] = o + c;
      }
  return index;
}

/** tfjs hands back its own arrays (and webgl may give float32 for int32): a fresh array of the right type. */
function toTyped(values: ArrayLike<number> | Uint8Array, dtype: DType): TypedArray {
  return dtype === 'int32'
    ? Int32Array.from(values as ArrayLike<number>)
    : Float32Array.from(values as ArrayLike<number>);
}
