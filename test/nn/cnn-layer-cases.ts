// The PyTorch CNN-layer fixture and how nabla computes each of its cases: shared by
// cnn-layers-vs-torch.test.ts and test/webgpu/webgpu-layers-vs-torch.test.ts.
import { readFileSync } from "node:fs";
import { nn, tensor, type DType, type Tensor } from "../../src/index.js";

// test/fixtures/cnn-layers.json is written by scripts/fixtures/make_cnn_fixtures.py (PyTorch, float64).
export interface FixtureTensor {
  shape: number[];
  data: number[];
}
export interface Case {
  name: string;
  args: Record<string, unknown>;
  inputs: Record<string, FixtureTensor>;
  out: FixtureTensor;
  upstream: FixtureTensor;
  grads: Record<string, FixtureTensor>;
  runningBefore?: Record<string, FixtureTensor>;
  runningAfter?: Record<string, FixtureTensor>;
}
export const fixture = JSON.parse(readFileSync(new URL("../fixtures/cnn-layers.json", import.meta.url), "utf8")) as { cases: Case[] };

const F = nn.functional;
export const rebuild = (t: FixtureTensor, dtype: DType): Tensor => tensor(t.data, { shape: t.shape, dtype });
export const nested = (t: FixtureTensor) => rebuild(t, "float64").toArray();

type Args = Record<string, unknown>;
export type Inputs = Record<string, Tensor>;
/** PyTorch's snake_case pooling arguments as nabla's options. */
function poolOptions(a: Args): Record<string, unknown> {
  return { stride: a.stride, padding: a.padding, dilation: a.dilation, ceilMode: a.ceil_mode, countIncludePad: a.count_include_pad };
}
function size2(v: unknown): number | [number, number] {
  return v as number | [number, number];
}

/** How nabla computes each family of cases (picked by the case name's first word). */
export function run(c: Case, x: Inputs, state: Inputs): Tensor {
  const a = c.args;
  const op = c.name.split(" ")[0]!;
  switch (op) {
    case "conv2d":
      return F.conv2d(x.x!, x.weight!, x.bias ?? null, a as nn.functional.Conv2dOptions);
    case "conv1d":
      return F.conv1d(x.x!, x.weight!, x.bias ?? null, a as nn.functional.Conv1dOptions);
    case "convTranspose2d":
      return F.convTranspose2d(x.x!, x.weight!, x.bias ?? null, { stride: size2(a.stride ?? 1), padding: size2(a.padding ?? 0), outputPadding: size2(a.output_padding ?? 0), groups: a.groups as number | undefined, dilation: size2(a.dilation ?? 1) });
    case "maxPool2d":
      return F.maxPool2d(x.x!, size2(a.kernel_size), poolOptions(a));
    case "avgPool2d":
      return F.avgPool2d(x.x!, size2(a.kernel_size), poolOptions(a));
    case "maxPool1d":
      return F.maxPool1d(x.x!, a.kernel_size as number, poolOptions(a));
    case "avgPool1d":
      return F.avgPool1d(x.x!, a.kernel_size as number, poolOptions(a));
    case "adaptiveAvgPool2d":
      return F.adaptiveAvgPool2d(x.x!, a.output_size as number | [number, number]);
    case "batchNorm":
      return F.batchNorm(x.x!, state.runningMean ?? null, state.runningVar ?? null, {
        weight: x.weight, bias: x.bias, training: a.training as boolean, momentum: a.momentum as number | undefined,
      });
    case "layerNorm":
      return F.layerNorm(x.x!, a.normalizedShape as number[], { weight: x.weight, bias: x.bias, eps: a.eps as number | undefined });
    case "groupNorm":
      return F.groupNorm(x.x!, a.numGroups as number, { weight: x.weight, bias: x.bias });
    default:
      throw new Error(`no nabla function for fixture case ${c.name}`);
  }
}

