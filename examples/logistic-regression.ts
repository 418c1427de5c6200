// Logistic regression on two Gaussian clouds, as in the lecture: one linear layer 2 → 1 (two
// weights and a bias), sigmoid, binary cross-entropy, and plain gradient descent
// W ← W − η∇W written out by hand. Run: npx tsx examples/logistic-regression.ts
//
// Examples import from the source tree so they run without a build; in your own project
// write `from "nabla"` instead.
import { pathToFileURL } from "node:url";
import { data, manualSeed, nn, noGrad } from "../src/index.js";

export interface LogisticRegressionOptions {
  steps?: number;
  learningRate?: number;
  seed?: number;
  log?: (line: string) => void;
}

export function trainLogisticRegression(options: LogisticRegressionOptions = {}) {
  const { steps = 100, learningRate = 0.5, seed = 0, log = () => {} } = options;
  manualSeed(seed);
  // two clouds; labels 0 and 1, as binary cross-entropy needs
  const { x, y } = data.makeBlobs({ nSamples: 200, centers: [[-2, -1], [2, 1]], clusterStd: 1, seed });
  const target = y.unsqueeze(1); // [200, 1], the shape of the model's output
  const model = new nn.Linear(2, 1); // p = σ(Wx + b): three parameters
  for (let step = 1; step <= steps; step++) {
    const p = model.call(x).sigmoid();
    const loss = nn.functional.binaryCrossEntropy(p, target); // J = −(y log p + (1 − y) log(1 − p))
    model.zeroGrad();
    loss.backward();
    noGrad(() => {
      for (const parameter of model.parameters()) parameter.copy_(parameter.sub(parameter.grad!.mul(learningRate))); // W ← W − η∇W
    });
    if (step % 20 === 0 || step === 1) log(`step ${String(step).padStart(3)}  loss ${loss.item().toFixed(4)}`);
  }
  // the threshold: class 1 where p > 0.5, i.e. where Wx + b > 0 (the sign of the linear part)
  const predicted = noGrad(() => model.call(x).sigmoid().gt(0.5));
  const accuracy = predicted.eq(target).sum().item() / y.shape[0]!;
  return { model, accuracy };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log("Logistic regression: 200 points in two clouds, Linear(2 → 1) + sigmoid, BCE, gradient descent (η = 0.5)");
  const { model, accuracy } = trainLogisticRegression({ log: console.log });
  console.log(`W = ${JSON.stringify(model.weight.toArray())}, b = ${JSON.stringify(model.bias!.toArray())}`);
  console.log(`training accuracy: ${accuracy.toFixed(3)}`);
}
