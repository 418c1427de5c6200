// Runs one workload through TF.js (cpu or wasm backend) and prints its results as JSON lines.
// Usage: tsx bench/tfjs-worker.ts <cpu|wasm> <W1|W2|W3|W4|W5>
import * as tf from "@tensorflow/tfjs"; // the full bundle: it registers the gradients
import "@tensorflow/tfjs-backend-wasm";
import { blobs, fashionMnist, gatherRows, initW1, initW3, moons, permW3, readSafetensors, steadyStepsPerSecond, W5, type Layer, type WorkerResult } from "./data.js";
import { sgemmCheck, sgemmSizes, timeReps } from "./sgemm.js";

const [backend, workload] = process.argv.slice(2) as [string, string];
const framework = `tfjs-${backend}`;

function emit(result: Omit<WorkerResult, "framework" | "peakRssMB">): void {
  console.log(JSON.stringify({ framework, peakRssMB: process.resourceUsage().maxRSS / 1024, ...result }));
}

function variables(layers: Layer[]): { w: tf.Variable; b: tf.Variable }[] {
  return layers.map((l) => ({ w: tf.variable(tf.tensor2d(l.w, [l.inFeatures, l.outFeatures])), b: tf.variable(tf.tensor1d(l.b)) }));
}

function mlp(params: { w: tf.Variable; b: tf.Variable }[], x: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  params.forEach(({ w, b }, i) => {
    h = tf.add(tf.matMul(h, w), b);
    if (i < params.length - 1) h = tf.relu(h);
  });
  return h;
}

/** Mean softmax cross-entropy, as PyTorch's CrossEntropyLoss. */
function crossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot), 1))) as tf.Scalar;
}

function accuracy(logits: tf.Tensor2D, labels: ArrayLike<number>): number {
  const predicted = tf.tidy(() => tf.argMax(logits, 1).dataSync());
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

function w1(): void {
  const data = moons();
  const params = variables(initW1());
  const x = tf.tensor2d(data.x, [data.n, 2]);
  const oneHot = tf.oneHot(tf.tensor1d(data.y, "int32"), 2) as tf.Tensor2D;
  const optimizer = tf.train.sgd(0.1);
  const step = (): void => {
    tf.dispose(optimizer.minimize(() => crossEntropy(mlp(params, x), oneHot)) ?? []);
  };
  for (let s = 0; s < 200; s++) step();
  const start = performance.now();
  for (let s = 200; s < 2000; s++) step();
  tf.tidy(() => mlp(params, x)).dataSync();
  const seconds = (performance.now() - start) / 1000;
  const logits = tf.tidy(() => mlp(params, x));
  emit({ workload: "W1", value: 1800 / seconds, unit: "steps/s", finalLoss: tf.tidy(() => crossEntropy(logits, oneHot).dataSync()[0]!), accuracy: accuracy(logits, data.y) });
  emit({ workload: "W1-steady", value: steadyStepsPerSecond(step, 2000, () => params[0]!.w.dataSync()), unit: "steps/s" });
}

function w2(): void {
  const data = blobs();
  const w = tf.variable(tf.zeros([2, 1]));
  const b = tf.variable(tf.zeros([1]));
  const x = tf.tensor2d(data.x, [data.n, 2]);
  const y = tf.tensor2d(data.y, [data.n, 1]);
  const probability = (): tf.Tensor2D => tf.sigmoid(tf.add(tf.matMul(x, w), b)) as tf.Tensor2D;
  // binary cross-entropy on probabilities, as PyTorch's BCELoss
  const bce = (p: tf.Tensor2D): tf.Scalar => tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))))) as tf.Scalar;
  const optimizer = tf.train.sgd(0.1);
  const step = (): void => {
    tf.dispose(optimizer.minimize(() => bce(probability())) ?? []);
  };
  for (let s = 0; s < 100; s++) step();
  const start = performance.now();
  for (let s = 100; s < 1000; s++) step();
  w.dataSync();
  const seconds = (performance.now() - start) / 1000;
  const p = tf.tidy(probability);
  const values = p.dataSync();
  let correct = 0;
  for (let i = 0; i < data.n; i++) if ((values[i]! > 0.5 ? 1 : 0) === data.y[i]) correct++;
  emit({ workload: "W2", value: 900 / seconds, unit: "steps/s", finalLoss: tf.tidy(() => bce(p).dataSync()[0]!), accuracy: correct / data.n });
  emit({ workload: "W2-steady", value: steadyStepsPerSecond(step, 1000, () => w.dataSync()), unit: "steps/s" });
}

function w3(): void {
  const train = fashionMnist("train");
  const test = fashionMnist("t10k");
  const order = permW3();
  const params = variables(initW3());
  // PyTorch's momentum (b ← μb + g, θ ← θ − ηb) is TF's MomentumOptimizer without Nesterov
  const optimizer = tf.train.momentum(0.05, 0.9);
  const batchSize = 128;
  const images = new Float32Array(batchSize * 784);
  let loss20 = Number.NaN;
  const start = performance.now();
  for (let at = 0, batch = 0; at < train.n; at += batchSize, batch++) {
    const end = Math.min(at + batchSize, train.n);
    const labels = new Int32Array(end - at);
    for (let r = at; r < end; r++) labels[r - at] = train.y[order[r]!]!;
    const cost: tf.Scalar = tf.tidy(() => {
      const x = tf.tensor2d(gatherRows(train.x, 784, order, at, end, images).slice(0, (end - at) * 784), [end - at, 784]);
      const oneHot = tf.oneHot(tf.tensor1d(labels, "int32"), 10) as tf.Tensor2D;
      return optimizer.minimize(() => crossEntropy(mlp(params, x), oneHot), batch === 19) ?? tf.scalar(Number.NaN);
    });
    if (batch === 19) loss20 = cost.dataSync()[0]!;
    cost.dispose();
  }
  params[0]!.w.dataSync();
  const seconds = (performance.now() - start) / 1000;
  const logits = tf.tidy(() => mlp(params, tf.tensor2d(test.x, [test.n, 784])));
  emit({ workload: "W3", value: seconds, unit: "s/epoch", accuracy: accuracy(logits, test.y), checks: { loss20 } });
}

function w4(): void {
  for (const n of sgemmSizes()) {
    const { a, b } = sgemmCheck.inputs(n);
    const ta = tf.tensor2d(a, [n, n]);
    const tb = tf.tensor2d(b, [n, n]);
    const seconds = timeReps(() => {
      const c = tf.matMul(ta, tb);
      c.dataSync();
      c.dispose();
    }, n >= 1024 && backend === "cpu" ? 3 : 7);
    const c = tf.matMul(ta, tb);
    emit({ workload: `W4-${n}`, value: (2 * n ** 3) / seconds / 1e9, unit: "GFLOP/s", checks: { maxRelError: sgemmCheck.error(a, b, n, c.dataSync()) } });
    tf.dispose([ta, tb, c]);
  }
}

/**
 * W5 in TF.js's layout, NHWC: the conv filters [out, in, kh, kw] become [kh, kw, in, out], and
 * the first Linear's input rows, which PyTorch's Flatten orders (c, h, w), are reordered to
 * (h, w, c), so the same numbers flow as in PyTorch without a transpose per step. The wasm
 * backend registers no Conv2DBackpropFilter kernel (training tf.conv2d fails there), so the
 * convolution has a custom gradient made of native wasm kernels: the input gradient is
 * tf.conv2dTranspose (Conv2DBackpropInput) and the filter gradient is itself a tf.conv2d, the
 * input's channels taken as its batch and dy as its filter. (tf.conv3d of depth 1, whose
 * gradients are registered, was tried: its backward kernels ran W5 at about 11 images/s.)
 */
function w5(): void {
  const train = fashionMnist("train");
  const order = permW3();
  const init = readSafetensors("init_w5.safetensors");
  const get = (name: string): tf.Tensor => tf.tensor(init[name]!.data, init[name]!.shape);
  const filter = (name: string): tf.Variable => tf.variable(tf.transpose(get(name), [2, 3, 1, 0]));
  const [c1, c2] = [filter("0.weight"), filter("3.weight")];
  const [b1, b2] = [tf.variable(get("0.bias")), tf.variable(get("3.bias"))];
  // Linear(1568, 128): weight [128, (c·49 + h·7 + w)] → [(h·7·32 + w·32 + c), 128]
  const w3 = tf.variable(tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(get("7.weight"), [128, 32, 7, 7]), [2, 3, 1, 0]), [1568, 128])));
  const b3 = tf.variable(get("7.bias"));
  const w4 = tf.variable(tf.transpose(get("9.weight")));
  const b4 = tf.variable(get("9.bias"));
  // 5×5 "same" convolution, stride 1: dW[i, j, ci, co] = Σ_{n,h,w} xpad[n, h + i, w + j, ci]·dy[n, h, w, co]
  const conv = tf.customGrad((x, f, save) => {
    (save as tf.GradSaveFunc)([x as tf.Tensor4D, f as tf.Tensor4D]);
    return {
      value: tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, "same"),
      gradFunc: (dy, [xs, fs]) => {
        const input = xs as tf.Tensor4D;
        const dx = tf.conv2dTranspose(dy as tf.Tensor4D, fs as tf.Tensor4D, input.shape, 1, "same");
        const columns = tf.transpose(input, [3, 1, 2, 0]); // [ci, H, W, n]: n is the channel axis
        const taps = tf.transpose(dy as tf.Tensor4D, [1, 2, 0, 3]); // [H, W, n, co]
        const df = tf.transpose(tf.conv2d(columns, taps, 1, [[0, 0], [2, 2], [2, 2], [0, 0]]), [1, 2, 0, 3]);
        return [dx, df];
      },
    };
  }) as (x: tf.Tensor4D, f: tf.Variable) => tf.Tensor4D;
  const forward = (x: tf.Tensor4D): tf.Tensor2D => {
    let h: tf.Tensor4D = tf.maxPool(tf.relu(tf.add(conv(x, c1), b1)) as tf.Tensor4D, 2, 2, "valid");
    h = tf.maxPool(tf.relu(tf.add(conv(h, c2), b2)) as tf.Tensor4D, 2, 2, "valid");
    const flat = tf.reshape(h, [-1, 1568]) as tf.Tensor2D;
    return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(flat, w3), b3)), w4), b4);
  };
  const optimizer = tf.train.momentum(0.05, 0.9);
  const { steps, warmup, batch } = W5;
  const images = new Float32Array(batch * 784);
  const labels = new Int32Array(batch);
  const checks: Record<string, number> = {};
  let start = 0;
  for (let s = 0; s < steps; s++) {
    if (s === warmup) {
      w4.dataSync();
      start = performance.now();
    }
    for (let r = 0; r < batch; r++) labels[r] = train.y[order[batch * s + r]!]!;
    const wanted = s === 19 || s === steps - 1;
    const cost = tf.tidy(() => {
      const x = tf.tensor4d(gatherRows(train.x, 784, order, batch * s, batch * s + batch, images).slice(), [batch, 28, 28, 1]);
      const oneHot = tf.oneHot(tf.tensor1d(labels, "int32"), 10) as tf.Tensor2D;
      return optimizer.minimize(() => crossEntropy(forward(x), oneHot), wanted) ?? tf.scalar(Number.NaN);
    });
    if (s === 19) checks.loss20 = cost.dataSync()[0]!;
    if (s === steps - 1) checks.loss100 = cost.dataSync()[0]!;
    cost.dispose();
  }
  w4.dataSync();
  const seconds = (performance.now() - start) / 1000;
  emit({ workload: "W5", value: ((steps - warmup) * batch) / seconds, unit: "images/s", checks });
}

await tf.setBackend(backend);
await tf.ready();
const workloads: Record<string, () => void> = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5 };
workloads[workload]!();
