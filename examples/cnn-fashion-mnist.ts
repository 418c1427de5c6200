// A convolutional network on Fashion-MNIST: the W5 benchmark model (../shared/bench/WORKLOADS.md)
// — two 5×5 convolutions with ReLU and 2×2 max pooling, then two linear layers — trained with
// SGD (lr 0.05, momentum 0.9, batch 64) for 2 epochs. Prints the time per epoch and the test
// accuracy after each (0.887 after 2 epochs here; PyTorch with the same recipe: 0.880). Needs the IDX files of Debian's
// dataset-fashion-mnist package in /usr/share/datasets/fashion-mnist (or FASHION_MNIST_DIR).
// Run: npx tsx examples/cnn-fashion-mnist.ts [--epochs 2] [--limit 60000]
//
// Examples import from the source tree so they run without a build; in your own project
// write `from "nabla"` instead.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { data, evaluate, manualSeed, nn, noGrad, optim, type Tensor } from "../src/index.js";
import { w5Cnn } from "./w5-cnn.js";

const directory = process.env.FASHION_MNIST_DIR ?? "/usr/share/datasets/fashion-mnist";

function firstRows(t: Tensor, n: number): Tensor {
  return n >= t.shape[0]! ? t : new data.TensorDataset(t).getBatch(Array.from({ length: n }, (_, i) => i))[0]!;
}

function main(): void {
  const { values } = parseArgs({ options: { epochs: { type: "string", default: "2" }, limit: { type: "string", default: "60000" } } });
  const epochs = Number(values.epochs);
  const limit = Number(values.limit);
  if (!existsSync(join(directory, "train-images-idx3-ubyte.gz")) && !existsSync(join(directory, "train-images-idx3-ubyte"))) {
    console.log(`Fashion-MNIST is not installed: ${directory}/train-images-idx3-ubyte.gz is missing.`);
    console.log("Install it with `sudo apt install dataset-fashion-mnist` (Debian/Ubuntu), or download the four *-ubyte.gz files and set FASHION_MNIST_DIR.");
    return;
  }
  manualSeed(0);
  const { train, test } = data.loadFashionMnist(directory); // images [N, 1, 28, 28] in [0, 1], int32 labels
  const trainImages = firstRows(train.images, limit);
  const trainLabels = firstRows(train.labels, limit);
  console.log(`Fashion-MNIST: ${trainImages.shape[0]} training and ${test.images.shape[0]} test images of 1×28×28`);

  const model = w5Cnn(); // examples/w5-cnn.ts
  console.log(model.toString());
  const loader = new data.DataLoader(new data.TensorDataset(trainImages, trainLabels), { batchSize: 64, shuffle: true, seed: 0 });
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const lossFunction = new nn.CrossEntropyLoss();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    const start = performance.now();
    let batch = 0;
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      const loss = lossFunction.call(model.call(x!), y!);
      loss.backward();
      optimizer.step();
      if (++batch % 100 === 0) console.log(`epoch ${epoch}  batch ${batch}/${loader.length}  loss ${loss.item().toFixed(4)}`);
    }
    const seconds = (performance.now() - start) / 1000;
    model.eval();
    const result = noGrad(() => evaluate(model, { x: test.images, y: test.labels }, { loss: lossFunction, batchSize: 500 }));
    console.log(`epoch ${epoch}  ${seconds.toFixed(1)} s (${(trainImages.shape[0]! / seconds).toFixed(0)} images/s)  test loss ${result.loss!.toFixed(4)}  test accuracy ${result.accuracy!.toFixed(4)}`);
  }
}

main();
