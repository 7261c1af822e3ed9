// The embedding kernels of the `wasm` Backend of @lxmls/backend-wasm: gather and its backward,
// scatter-add (src/wasm/embedding.ts; the `js` reference is packages/tensor/src/backends/js/embedding.ts).

// ---------------------------------------------------------------------------------------------- embedding

/** out[i, :] = table[ids[i], :] (ids checked by the caller), dim floats per row. */
export function gather(table: usize, ids: usize, out: usize, numIds: i32, dim: i32): void {
  const row: usize = <usize>dim << 2;
  for (let i = 0; i < numIds; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    memory.copy(out + <usize>i * row, table + <usize>id * row, row);
  }
}

/** dtable[ids[i], :] += dy[i, :] (ids checked by the caller). */
export function scatterAdd(dy: usize, ids: usize, dtable: usize, numIds: i32, dim: i32): void {
  const row: usize = <usize>dim << 2;
  for (let i = 0; i < numIds; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    const src = dy + <usize>i * row;
    const dst = dtable + <usize>id * row;
    let j = 0;
    for (; j + 4 <= dim; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
    for (; j < dim; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
    }
  }
}
