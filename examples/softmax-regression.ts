// Softmax regression on three Gaussian clouds, as in the lecture: W of shape 3×2 and bias b of
// 3 give one score per class, z = Wx + b; softmax turns the scores into probabilities and
// cross-entropy compares them with the labels. Run: npx tsx examples/softmax-regression.ts
//
// Examples import from the source tree so they run without a build; in your own project
// write `from "nabla"` instead.
import { pathToFileURL } from "node:url";
import { accuracy, data, manualSeed, nn, optim, randn, zeros } from "../src/index.js";

export interface SoftmaxRegressionOptions {
  steps?: number;
  learningRate?: number;
  seed?: number;
  log?: (line: string) => void;
}

export function trainSoftmaxRegression(options: SoftmaxRegressionOptions = {}) {
  const { steps = 100, learningRate = 0.5, seed = 0, log = () => {} } = options;
  manualSeed(seed);
  const { x, y } = data.makeBlobs({ nSamples: 300, centers: [[-3, 0], [3, 0], [0, 4]], clusterStd: 1, seed });
  // the parameters as plain tensors, exactly the lecture's W (3×2) and b (3)
  const W = randn([3, 2]).mul(0.01).requiresGrad_();
  const b = zeros([3], { requiresGrad: true });
  const optimizer = new optim.SGD([W, b], { lr: learningRate });
  for (let step = 1; step <= steps; step++) {
    const z = x.matmul(W.t()).add(b); // one row z = Wx + b per point: [300, 3]
    // softmax + cross-entropy in one stable step (log-softmax inside), never log(softmax(z))
    const loss = nn.functional.crossEntropy(z, y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    if (step % 20 === 0 || step === 1) log(`step ${String(step).padStart(3)}  loss ${loss.item().toFixed(4)}`);
  }
  const probabilities = x.matmul(W.t()).add(b).softmax(1); // each row sums to 1
  return { W, b, probabilities, accuracy: accuracy(probabilities, y) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log("Softmax regression: 300 points in three clouds, z = Wx + b with W 3×2, softmax, cross-entropy, SGD (lr 0.5)");
  const { W, b, accuracy } = trainSoftmaxRegression({ log: console.log });
  console.log(`W = ${JSON.stringify(W.toArray())}\nb = ${JSON.stringify(b.toArray())}`);
  console.log(`training accuracy: ${accuracy.toFixed(3)}`);
}
