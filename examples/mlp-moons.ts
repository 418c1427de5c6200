// A one-hidden-layer MLP on the two moons, a problem no straight line separates — the
// lecture's network: z = Wx + b1, h = ReLU(z), θ = Uh + b2, ŷ = softmax(θ), J = CE(y, ŷ).
// Trained with `fit`, which runs the same loop as the other examples.
// Run: npx tsx examples/mlp-moons.ts
//
// Examples import from the source tree so they run without a build; in your own project
// write `from "nabla"` instead.
import { pathToFileURL } from "node:url";
import { data, evaluate, fit, manualSeed, nn, optim } from "../src/index.js";

export interface MlpMoonsOptions {
  epochs?: number;
  hidden?: number;
  seed?: number;
  log?: (line: string) => void;
}

export function trainMlpMoons(options: MlpMoonsOptions = {}) {
  const { epochs = 300, hidden = 32, seed = 0, log = () => {} } = options;
  manualSeed(seed);
  const moons = data.makeMoons({ nSamples: 200, noise: 0.1, seed });
  const test = data.makeMoons({ nSamples: 200, noise: 0.1, seed: seed + 1 });
  const model = new nn.Sequential(
    new nn.Linear(2, hidden), // z = Wx + b1
    new nn.ReLU(), //            h = ReLU(z)
    new nn.Linear(hidden, 2), // θ = Uh + b2 (softmax and CE are inside CrossEntropyLoss)
  );
  const loss = new nn.CrossEntropyLoss();
  const history = fit(model, moons, {
    epochs,
    loss,
    optimizer: new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
    onEpoch: ({ epoch, loss: value, accuracy }) => {
      if (epoch % 50 === 0) log(`epoch ${String(epoch).padStart(3)}  loss ${value.toFixed(4)}  accuracy ${accuracy!.toFixed(3)}`);
    },
  });
  return { model, history, accuracy: evaluate(model, moons).accuracy!, testAccuracy: evaluate(model, test).accuracy! };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log("MLP on two moons (200 points, noise 0.1): Linear(2 → 32), ReLU, Linear(32 → 2), cross-entropy, SGD with momentum");
  const { accuracy, testAccuracy } = trainMlpMoons({ log: console.log });
  console.log(`training accuracy: ${accuracy.toFixed(3)}, accuracy on 200 fresh points: ${testAccuracy.toFixed(3)}`);
}
