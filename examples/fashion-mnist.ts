// An MLP on Fashion-MNIST (28×28 grey images of clothes, 10 classes), trained with the plain
// PyTorch-style loop over a DataLoader. Needs the IDX files of Debian's dataset-fashion-mnist
// package in /usr/share/datasets/fashion-mnist (or a directory given as FASHION_MNIST_DIR).
// Run: npx tsx examples/fashion-mnist.ts [--epochs 2] [--limit 60000]
//
// Examples import from the source tree so they run without a build; in your own project
// write `from "nabla"` instead.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { data, evaluate, manualSeed, nn, optim, type Tensor } from "../src/index.js";

const CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
const directory = process.env.FASHION_MNIST_DIR ?? "/usr/share/datasets/fashion-mnist";

function load(prefix: string, limit: number): { x: Tensor; y: Tensor } {
  const images = data.loadIdx(join(directory, `${prefix}-images-idx3-ubyte.gz`));
  const labels = data.loadIdx(join(directory, `${prefix}-labels-idx1-ubyte.gz`));
  const n = Math.min(limit, images.shape[0]!);
  const rows = new data.TensorDataset(images.reshape([images.shape[0]!, 784]), labels).getBatch(Array.from({ length: n }, (_, i) => i));
  return { x: rows[0]!.div(255), y: rows[1]! }; // pixels 0–255 → 0–1
}

function main(): void {
  const { values } = parseArgs({ options: { epochs: { type: "string", default: "2" }, limit: { type: "string", default: "60000" } } });
  const epochs = Number(values.epochs);
  const limit = Number(values.limit);
  if (!existsSync(join(directory, "train-images-idx3-ubyte.gz"))) {
    console.log(`Fashion-MNIST is not installed: ${directory}/train-images-idx3-ubyte.gz is missing.`);
    console.log("Install it with `sudo apt install dataset-fashion-mnist` (Debian/Ubuntu), or download the four *-ubyte.gz files and set FASHION_MNIST_DIR.");
    return;
  }
  manualSeed(0);
  const train = load("train", limit);
  const test = load("t10k", limit);
  console.log(`Fashion-MNIST: ${train.x.shape[0]} training and ${test.x.shape[0]} test images of 784 pixels, ${CLASSES.length} classes`);
  const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const loader = new data.DataLoader(new data.TensorDataset(train.x, train.y), { batchSize: 128, shuffle: true, seed: 0 });
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFunction = new nn.CrossEntropyLoss();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    let batch = 0;
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      const loss = lossFunction.call(model.call(x!), y!);
      loss.backward();
      optimizer.step();
      if (++batch % 100 === 0) console.log(`epoch ${epoch}  batch ${batch}/${loader.length}  loss ${loss.item().toFixed(4)}`);
    }
    const result = evaluate(model, test, { loss: lossFunction, batchSize: 1000 });
    console.log(`epoch ${epoch}  test loss ${result.loss!.toFixed(4)}  test accuracy ${result.accuracy!.toFixed(4)}`);
  }
  console.log(`training accuracy: ${evaluate(model, train, { batchSize: 1000 }).accuracy!.toFixed(4)}`);
}

main();
