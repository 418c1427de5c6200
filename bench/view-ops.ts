// Eager element-wise ops on views of a large tensor, on the wasm backend: a few rows of it
// (narrow), one column of it (select over the wide axis) and a transposed block, each times a
// number and plus a dense tensor, in µs per op (median of 7 rounds of 200). What the kernels
// copy into WebAssembly memory decides these: all of the buffer a view spans, or only the
// elements it reaches (src/backend/wasm/wasm-binary.ts). Compare checkouts by running it in each.
//
// Usage: node --import tsx bench/view-ops.ts
import { cat, noGrad, randn, setBackend, type Tensor } from "../src/index.js";

setBackend("wasm");
const big = randn([100000, 64]);
const rows = big.narrow(0, 500, 4);
const column = big.select(1, 3);
const block = big.narrow(0, 0, 256).t();
const dense = { rows: randn([4, 64]), column: randn([100000]), block: randn([64, 256]) };

function microseconds(op: () => Tensor): number {
  const rounds: number[] = [];
  for (let round = 0; round < 8; round++) {
    const start = performance.now();
    for (let i = 0; i < 200; i++) op();
    if (round > 0) rounds.push(((performance.now() - start) / 200) * 1000); // the first warms up
  }
  return rounds.sort((a, b) => a - b)[rounds.length >> 1]!;
}

noGrad(() => {
  // concatenation places each part into the result with copyInto: dense runs here
  const parts = [randn([16, 64, 1024]), randn([16, 64, 1024])];
  console.log(`cat of two [16, 64, 1024]       ${microseconds(() => cat(parts)).toFixed(1).padStart(8)} µs`);
  for (const [name, view] of [["4 rows of [100000, 64]", rows], ["a column of [100000, 64]", column], ["[256, 64]ᵀ of it", block]] as const) {
    const other = name.startsWith("4") ? dense.rows : name.startsWith("a") ? dense.column : dense.block;
    console.log(`${name.padEnd(26)} ·2 ${microseconds(() => view.mul(2)).toFixed(1).padStart(8)} µs   + dense ${microseconds(() => view.add(other)).toFixed(1).padStart(8)} µs`);
  }
});
