// Reductions of the `wasm` Backend of @lxmls/backend-wasm: sums and maxima over the last axis and column
// sums (src/wasm/reduce.ts; the `js` reference is packages/tensor/src/backends/js/reduce.ts).

// ---------------------------------------------------------------------------------------------- reductions

/** out[r] = Σ_j x[r, j] (op 0) or max_j x[r, j] (op 1, NaN propagates) over rows × cols. */
export function rowReduce(x: usize, out: usize, rows: i32, cols: i32, op: i32): void {
  const ld: usize = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * ld;
    let j = 0;
    let t: f32;
    if (op == 0) {
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      for (; j + 8 <= cols; j += 8) {
        const o = <usize>j << 2;
        s0 = f32x4.add(s0, v128.load(xr + o));
        s1 = f32x4.add(s1, v128.load(xr + o, 16));
      }
      s0 = f32x4.add(s0, s1);
      t = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
      for (; j < cols; j++) t += load<f32>(xr + (<usize>j << 2));
    } else {
      t = -Infinity;
      for (; j < cols; j++) t = max(t, load<f32>(xr + (<usize>j << 2)));
    }
    store<f32>(out + (<usize>r << 2), t);
  }
}

/** out[j] (+)= Σ_r x[r, j] (the bias gradient). accumulate = 0 overwrites out. */
export function colSum(x: usize, out: usize, rows: i32, cols: i32, accumulate: i32): void {
  colSumColumns(x, out, rows, cols, 0, cols, accumulate);
}

/** {@link colSum} of columns j0 … j1 − 1 only (j0 a multiple of 4): the part of one thread (assembly/parts.ts). */
export function colSumColumns(x: usize, out: usize, rows: i32, cols: i32, j0: i32, j1: i32, accumulate: i32): void {
  if (accumulate == 0) memory.fill(out + (<usize>j0 << 2), 0, <usize>(j1 - j0) << 2);
  const ld: usize = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * ld;
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(xr + o)));
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(xr + o));
    }
  }
}
