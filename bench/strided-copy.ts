// stridedCopyF32 on attention's head split: q of [16, 64, 4, 16] out of a [16, 64, 192]
// projection into a contiguous [16, 4, 64, 16] (the copy W6 makes twice per layer and step, and
// split's gradient the other way). Prints the median µs per copy of a hot (reused) output; run it
// on two revisions to compare.
//
// Usage: node --import tsx bench/strided-copy.ts [--reps N]
import { stridedCopyF32 } from "../src/backend/wasm/strided-copy.js";

const at = process.argv.indexOf("--reps");
const reps = at < 0 ? 31 : Number(process.argv[at + 1]);
const [B, T, H, D] = [16, 64, 4, 16];
const x = new Float32Array(B * T * 3 * H * D).map((_, i) => i);
const out = new Float32Array(B * H * T * D);
const copy = (): void => stridedCopyF32(x, 0, out, 0, [B, H, T, D], [T * 3 * H * D, D, 3 * H * D, 1], [H * T * D, T * D, D, 1]);
for (let i = 0; i < 300; i++) copy(); // past V8's tier-up
const samples: number[] = [];
for (let r = 0; r < reps; r++) {
  const start = performance.now();
  for (let i = 0; i < 20; i++) copy();
  samples.push((performance.now() - start) / 20);
}
samples.sort((a, b) => a - b);
console.log(`stridedCopyF32 [16, 4, 64, 16] from [16, 64, 192]: ${(samples[reps >> 1]! * 1000).toFixed(1)} µs per copy (median of ${reps})`);
