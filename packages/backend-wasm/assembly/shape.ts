// Strided copies of the `wasm` Backend of @lxmls/backend-wasm: permute, slice, sliceAssign and
// broadcasts as one 4-axis strided copy (src/wasm/shape.ts; the `js` reference is
// packages/tensor/src/backends/js/shape.ts).

// ---------------------------------------------------------------------------------------------- copies

/**
 * dst[i0, i1, i2, i3] = src[i0, i1, i2, i3] for 4-byte elements (f32 or i32), with element strides ss* for
 * src and ds* for dst. Covers permute (strided src), slice (strided src), sliceAssign (strided dst) and
 * broadcasting copies (stride 0).
 */
export function strided4(
  src: usize,
  dst: usize,
  n0: i32,
  n1: i32,
  n2: i32,
  n3: i32,
  ss0: i32,
  ss1: i32,
  ss2: i32,
  ss3: i32,
  ds0: i32,
  ds1: i32,
  ds2: i32,
  ds3: i32,
): void {
  const contiguous = ss3 == 1 && ds3 == 1;
  const run: usize = <usize>n3 << 2;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      let ps = src + ((<usize>(i0 * ss0) + <usize>(i1 * ss1)) << 2);
      let pd = dst + ((<usize>(i0 * ds0) + <usize>(i1 * ds1)) << 2);
      const ps2: usize = <usize>ss2 << 2;
      const pd2: usize = <usize>ds2 << 2;
      if (contiguous) {
        for (let i2 = 0; i2 < n2; i2++) {
          memory.copy(pd, ps, run);
          ps += ps2;
          pd += pd2;
        }
      } else {
        const s3: usize = <usize>ss3 << 2;
        const d3: usize = <usize>ds3 << 2;
        for (let i2 = 0; i2 < n2; i2++) {
          let s = ps;
          let d = pd;
          for (let i3 = 0; i3 < n3; i3++) {
            store<u32>(d, load<u32>(s));
            s += s3;
            d += d3;
          }
          ps += ps2;
          pd += pd2;
        }
      }
    }
  }
}
