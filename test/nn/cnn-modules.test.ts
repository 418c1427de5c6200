import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { assertClose } from "../helpers.js";
import { io, manualSeed, nn, ones, randn, tensor, zeros, type Tensor } from "../../src/index.js";

// test/fixtures/cnn-modules.json is written by scripts/fixtures/make_cnn_module_fixtures.py.
interface FixtureTensor {
  shape: number[];
  data: number[];
}
interface BatchNormRun {
  momentum: number | null;
  inputs: FixtureTensor[];
  trainOut: FixtureTensor[];
  runningMean: FixtureTensor;
  runningVar: FixtureTensor;
  numBatchesTracked: number;
  testInput: FixtureTensor;
  evalOut: FixtureTensor;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/cnn-modules.json", import.meta.url), "utf8")) as {
  keys: Record<string, [string, number[]][]>;
  outShapes: Record<string, number[]>;
  batchNormRuns: BatchNormRun[];
};
const rebuild = (t: FixtureTensor): Tensor => tensor(t.data, { shape: t.shape });
const nested = (t: FixtureTensor) => tensor(t.data, { shape: t.shape, dtype: "float64" }).toArray();

function convBn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 4, [3, 1], { groups: 4 }), new nn.GroupNorm(2, 4), new nn.Flatten(), new nn.LayerNorm(4 * 2 * 4),
  );
}

describe("CNN modules: PyTorch's parameters, buffers and state-dict keys", () => {
  test("state-dict keys, order and shapes match PyTorch", () => {
    const models: Record<string, nn.Module> = {
      conv_bn: convBn(),
      deconv: new nn.Sequential(new nn.ConvTranspose2d(4, 6, 3, { stride: 2, groups: 2, outputPadding: 1 }), new nn.AdaptiveAvgPool2d([2, 3]), new nn.AvgPool2d(2, { ceilMode: true })),
      conv1d_bn1d: new nn.Sequential(new nn.Conv1d(2, 6, 3, { stride: 2 }), new nn.BatchNorm1d(6, { affine: false }), new nn.AvgPool1d(2), new nn.MaxPool1d(2)),
    };
    for (const [name, model] of Object.entries(models)) {
      const keys = Object.entries(model.stateDict()).map(([k, v]) => [k, [...v.shape]]);
      assert.deepEqual(keys, fixture.keys[name], name);
    }
    assert.deepEqual(models.deconv!.call(zeros([2, 4, 5, 5])).shape, fixture.outShapes.deconv);
    const model = models.conv_bn!;
    assert.deepEqual(model.namedBuffers().map(([k]) => k), ["1.running_mean", "1.running_var", "1.num_batches_tracked"]);
    assert.ok(!model.parameters().some((p) => model.buffers().includes(p)), "buffers are never parameters");
    assert.equal(model.parameters().length, 9);
    assert.equal(model.call(randn([2, 3, 8, 8])).shape.join(), "2,32");
  });

  test("a state dict round-trips through safetensors, buffers included", () => {
    manualSeed(1);
    const a = convBn();
    a.call(randn([4, 3, 8, 8])); // moves the running statistics
    manualSeed(2);
    const b = convBn();
    b.loadStateDict(io.decodeSafetensors(io.encodeSafetensors(a.stateDict())).tensors);
    const bn = b.modules()[2] as nn.BatchNorm2d;
    assertClose(bn.runningMean!, (a.modules()[2] as nn.BatchNorm2d).runningMean!.toArray(), 0, 0);
    assert.equal(bn.numBatchesTracked!.dtype, "int32");
    assert.equal(bn.numBatchesTracked!.item(), 1);
    a.eval();
    b.eval();
    const x = randn([2, 3, 8, 8]);
    assertClose(b.call(x), a.call(x).toArray(), 0, 0);
  });

  test("missing or misshaped buffers are clear errors", () => {
    const model = convBn();
    const state = model.stateDict();
    const { ["1.running_var"]: _dropped, ...missing } = state;
    assert.throws(() => model.loadStateDict(missing), /missing key 1\.running_var \(shape \[8\]/);
    assert.throws(() => model.loadStateDict({ ...state, "1.running_mean": zeros([7]) }), /size mismatch for 1\.running_mean: copying a buffer with shape \[7\].*\[8\]/);
    assert.deepEqual(model.loadStateDict(missing, { strict: false }).missingKeys, ["1.running_var"]);
  });

  test("to(dtype) converts float buffers and keeps the integer count", () => {
    const bn = new nn.BatchNorm1d(3).to("float64");
    assert.equal(bn.runningMean!.dtype, "float64");
    assert.equal(bn.numBatchesTracked!.dtype, "int32");
    assert.equal(bn.call(randn([4, 3], { dtype: "float64" })).dtype, "float64");
  });

  test("registerBuffer refuses names of parameters and dotted names", () => {
    const layer = new nn.Linear(2, 2);
    assert.throws(() => layer.registerBuffer("weight", zeros([2])), /Linear\.weight already holds a parameter/);
    assert.throws(() => layer.registerBuffer("a.b", zeros([2])), /must be non-empty and contain no "\."/);
    assert.throws(() => layer.registerBuffer("c", ones([2]).requiresGrad_()), /without requiresGrad/);
    layer.registerBuffer("scale", ones([1]), { persistent: false });
    assert.deepEqual(Object.keys(layer.stateDict()), ["weight", "bias"]);
    assert.deepEqual(layer.namedBuffers().map(([k]) => k), ["scale"]);
  });

  test("default initialisation: PyTorch's U(−1/√fanIn, 1/√fanIn) and layouts", () => {
    const conv = new nn.Conv2d(6, 12, [3, 5], { groups: 3 });
    assert.deepEqual(conv.weight.shape, [12, 2, 3, 5]);
    const bound = 1 / Math.sqrt(2 * 3 * 5);
    assert.ok(conv.weight.abs().max().item() <= bound && conv.weight.abs().max().item() > 0.8 * bound);
    assert.ok(conv.bias!.abs().max().item() <= bound);
    assert.deepEqual([conv.inChannels, conv.outChannels, conv.kernelSize, conv.stride, conv.padding, conv.dilation, conv.groups], [6, 12, [3, 5], [1, 1], [0, 0], [1, 1], 3]);
    const bn = new nn.BatchNorm2d(4);
    assert.deepEqual([bn.weight!.toArray(), bn.bias!.toArray(), bn.runningMean!.toArray(), bn.runningVar!.toArray()], [[1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]]);
  });
});

describe("CNN modules: other input forms", () => {
  test("unbatched inputs give the batched result without the batch axis", () => {
    const conv = new nn.Conv2d(2, 3, 3, { padding: 1 });
    const x = randn([2, 5, 4]);
    assertClose(conv.call(x), (conv.call(x.unsqueeze(0)).squeeze(0).toArray()), 1e-6, 1e-6);
    const conv1 = new nn.Conv1d(2, 3, 3, { stride: 2 });
    const s = randn([2, 9]);
    assertClose(conv1.call(s), conv1.call(s.unsqueeze(0)).squeeze(0).toArray(), 1e-6, 1e-6);
    assert.deepEqual(new nn.MaxPool2d(2).call(randn([3, 4, 6])).shape, [3, 2, 3]);
  });
  test("BatchNorm without running statistics uses the batch's in eval too and saves no buffers", () => {
    const bn = new nn.BatchNorm1d(2, { trackRunningStats: false, affine: false });
    assert.deepEqual(Object.keys(bn.stateDict()), []);
    bn.eval();
    const y = bn.call(tensor([[1, 10], [3, 30]]));
    assertClose(y, [[-1, -1], [1, 1]], 1e-4, 1e-4);
  });
  test("max pooling propagates NaN and reports its index, with and without padding (PyTorch's rule)", () => {
    const x = tensor([[[[1, NaN, 0], [3, 2, 0], [0, 0, 0]]]]);
    const [plain, plainIndex] = nn.functional.maxPool2dWithIndices(x, 2);
    assert.ok(Number.isNaN(plain.item()));
    assert.equal(plainIndex.item(), 1);
    const [padded, paddedIndex] = nn.functional.maxPool2dWithIndices(x, 2, { padding: 1 });
    const values = padded.toArray() as number[][][][];
    assert.deepEqual(values[0]![0]!.map((row) => row.map((v) => (Number.isNaN(v) ? "NaN" : v))), [[1, "NaN"], [3, 2]]);
    assert.deepEqual(paddedIndex.toArray(), [[[[0, 1], [3, 4]]]]);
  });
  test("float64 modules compute in float64", () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 3, { dtype: "float64" }), new nn.BatchNorm2d(2, { dtype: "float64" }), new nn.AvgPool2d(2));
    assert.equal(model.call(randn([2, 1, 6, 6], { dtype: "float64" })).dtype, "float64");
  });
});

describe("BatchNorm2d train/eval vs PyTorch", () => {
  for (const run of fixture.batchNormRuns) {
    test(`momentum ${run.momentum}`, () => {
      const bn = new nn.BatchNorm2d(3, { momentum: run.momentum });
      bn.weight!.requiresGrad_(false).copy_(tensor([1.5, -0.5, 2]));
      bn.bias!.requiresGrad_(false).copy_(tensor([0.1, 0.2, -0.3]));
      run.inputs.forEach((x, i) => assertClose(bn.call(rebuild(x)), nested(run.trainOut[i]!), 2e-5, 2e-5, `train step ${i}`));
      assertClose(bn.runningMean!, nested(run.runningMean), 1e-6, 1e-5, "running mean");
      assertClose(bn.runningVar!, nested(run.runningVar), 1e-6, 1e-5, "running var");
      assert.equal(bn.numBatchesTracked!.item(), run.numBatchesTracked);
      bn.eval();
      assertClose(bn.call(rebuild(run.testInput)), nested(run.evalOut), 2e-5, 2e-5, "eval output");
      assert.equal(bn.numBatchesTracked!.item(), run.numBatchesTracked, "eval does not count batches");
    });
  }
});

describe("CNN modules: clear errors naming the layer and shapes", () => {
  test("wrong channel count", () => {
    assert.throws(() => new nn.Conv2d(3, 8, 3).call(zeros([1, 4, 8, 8])), /Conv2d\(3, 8\): expected input \[N, 3, H, W\] or \[3, H, W\], got \[1,4,8,8\]/);
    assert.throws(() => new nn.BatchNorm2d(8).call(zeros([2, 4, 3, 3])), /BatchNorm2d\(8\): expected 8 channels in dim 1, got input \[2,4,3,3\]/);
    assert.throws(() => new nn.BatchNorm2d(4).call(zeros([2, 4])), /BatchNorm2d\(4\): expected 4D input/);
    assert.throws(() => nn.functional.conv2d(zeros([1, 4, 5, 5]), zeros([2, 3, 3, 3])), /conv2d: expected input with 3 channels .* got 4; input \[1,4,5,5\], weight \[2,3,3,3\]/);
  });
  test("kernel larger than the padded input", () => {
    assert.throws(() => new nn.Conv2d(1, 1, 5).call(zeros([1, 1, 4, 4])), /conv2d: kernel size \(5×5, dilation included\) cannot be greater than the padded input size \(4×4\)/);
    assert.throws(() => new nn.Conv1d(1, 1, 3, { dilation: 3 }).call(zeros([1, 1, 6])), /conv1d: kernel size \(7, dilation included\) cannot be greater than the padded input size \(6\)/);
    assert.throws(() => nn.functional.maxPool2d(zeros([1, 1, 2, 2]), 3), /maxPool2d: kernel 3 .* larger than the padded input \[1,1,2,2\]/);
    assert.throws(() => nn.functional.maxPool2d(zeros([1, 1, 6, 6]), 2, { padding: 2 }), /should be at most half of the kernel size/);
  });
  test("non-divisible groups", () => {
    assert.throws(() => new nn.Conv2d(4, 6, 3, { groups: 4 }), /Conv2d: outChannels \(6\) must be divisible by groups \(4\)/);
    assert.throws(() => new nn.Conv2d(3, 6, 3, { groups: 2 }), /Conv2d: inChannels \(3\) must be divisible by groups \(2\)/);
    assert.throws(() => new nn.GroupNorm(4, 6), /GroupNorm: numChannels \(6\) must be divisible by numGroups \(4\)/);
  });
  test("LayerNorm shape mismatch", () => {
    assert.throws(() => new nn.LayerNorm([3, 4]).call(zeros([2, 4, 3])), /layerNorm: normalizedShape \[3,4\] does not match the trailing dims of input \[2,4,3\]/);
  });
  test("padding \"same\" with a stride", () => {
    assert.throws(() => new nn.Conv2d(1, 1, 3, { padding: "same", stride: 2 }), /padding "same" is not supported for strided convolutions/);
  });
  test("batch norm in training with one value per channel", () => {
    assert.throws(() => new nn.BatchNorm1d(3).call(zeros([1, 3])), /expected more than 1 value per channel when training, got input \[1,3\]/);
  });
});

describe("Conv padding modes vs a hand-made pad", () => {
  test("reflect, replicate and circular pad the input before a valid convolution", () => {
    const x = tensor([[[[1, 2, 3], [4, 5, 6]]]]);
    for (const mode of ["reflect", "replicate", "circular"] as const) {
      const conv = new nn.Conv2d(1, 1, 3, { padding: 1, paddingMode: mode, bias: false });
      conv.weight.requiresGrad_(false).fill_(0);
      // a kernel with a single 1 at the top-left tap reads padded[h][w]: the pad itself
      conv.weight.copy_(tensor([[[[1, 0, 0], [0, 0, 0], [0, 0, 0]]]]));
      const top = conv.call(x).toArray() as number[][][][];
      const pads: Record<string, number[][]> = {
        reflect: [[5, 4, 5], [2, 1, 2]],
        replicate: [[1, 1, 2], [1, 1, 2]],
        circular: [[6, 4, 5], [3, 1, 2]],
      };
      assert.deepEqual(top[0]![0], pads[mode], mode);
    }
  });
});
