// An MLP with two hidden layers on a 3-arm spiral (CS231n's): each arm is one class. Shows the
// rest of the data tools: a train/test split, mini-batches reshuffled every epoch, validation
// after every epoch. Run: npx tsx examples/mlp-spiral.ts
//
// Examples import from the source tree so they run without a build; in your own project
// write `from "nabla"` instead.
import { pathToFileURL } from "node:url";
import { data, evaluate, fit, manualSeed, nn, optim } from "../src/index.js";

export interface MlpSpiralOptions {
  epochs?: number;
  seed?: number;
  log?: (line: string) => void;
}

export function trainMlpSpiral(options: MlpSpiralOptions = {}) {
  const { epochs = 100, seed = 0, log = () => {} } = options;
  manualSeed(seed);
  const spiral = data.makeSpiral({ nSamples: 600, nClasses: 3, noise: 0.2, seed });
  const { xTrain, yTrain, xTest, yTest } = data.trainTestSplit(spiral.x, spiral.y, { testSize: 0.2, seed });
  const model = new nn.Sequential(new nn.Linear(2, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 3));
  const history = fit(model, { x: xTrain, y: yTrain }, {
    epochs,
    batchSize: 32,
    seed,
    loss: new nn.CrossEntropyLoss(),
    optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }),
    validation: { x: xTest, y: yTest },
    onEpoch: ({ epoch, loss, accuracy, valAccuracy }) => {
      if (epoch % 10 === 0) log(`epoch ${String(epoch).padStart(3)}  loss ${loss.toFixed(4)}  train accuracy ${accuracy!.toFixed(3)}  test accuracy ${valAccuracy!.toFixed(3)}`);
    },
  });
  return { model, history, accuracy: evaluate(model, { x: xTrain, y: yTrain }).accuracy!, testAccuracy: history.valAccuracy.at(-1)! };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log("MLP on a 3-arm spiral (600 points, 480 to train, 120 to test): 2 → 64 → 64 → 3 with ReLU, Adam (lr 0.01), batches of 32");
  const { accuracy, testAccuracy } = trainMlpSpiral({ log: console.log });
  console.log(`training accuracy: ${accuracy.toFixed(3)}, test accuracy: ${testAccuracy.toFixed(3)}`);
}
