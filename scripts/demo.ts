// `npm run demo`: the lecture's three models trained on built-in data, in a few seconds.
// Each step says what it does, shows the loss falling, draws the learned regions in the
// terminal and prints the accuracy. The training code is the examples' (examples/*.ts).
import { data, noGrad, tensor, type Tensor } from "../src/index.js";
import { trainLogisticRegression } from "../examples/logistic-regression.js";
import { trainSoftmaxRegression } from "../examples/softmax-regression.js";
import { trainMlpMoons } from "../examples/mlp-moons.js";
import { trainMlpSpiral } from "../examples/mlp-spiral.js";

const indent = (line: string) => console.log(`    ${line}`);

/** Draws the plane: each cell's predicted class as a faint letter, the training points as bold ones. */
function drawRegions(predict: (points: Tensor) => Tensor, x: Tensor, y: Tensor, width = 64, height = 20): void {
  const coordinates = x.toArray() as number[][];
  const labels = y.toArray() as number[];
  const xs = coordinates.map((p) => p[0]!);
  const ys = coordinates.map((p) => p[1]!);
  const [left, right, bottom, top] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const cells: number[][] = [];
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      cells.push([left + ((column + 0.5) / width) * (right - left), top - ((row + 0.5) / height) * (top - bottom)]);
    }
  }
  const regions = noGrad(() => predict(tensor(cells))).toArray() as number[];
  const grid = regions.map((k) => ".-:"[k] ?? "?");
  coordinates.forEach(([px, py], i) => {
    const column = Math.min(width - 1, Math.floor(((px! - left) / (right - left)) * width));
    const row = Math.min(height - 1, Math.floor(((top - py!) / (top - bottom)) * height));
    grid[row * width + column] = "ox+"[labels[i]!] ?? "?";
  });
  for (let row = 0; row < height; row++) indent(`|${grid.slice(row * width, (row + 1) * width).join("")}|`);
  // the legend names only the classes this plot has (two-class plots have no "+")
  const classes = Math.max(2, ...labels.map((label) => label + 1));
  const points = Array.from({ length: classes }, (_, k) => `${"ox+"[k] ?? "?"} = class ${k}`).join(", ");
  indent(`points: ${points}; background: the class the model predicts there (${".-:".slice(0, classes).split("").join(" ")})`);
}

function section(title: string, lines: string[]): void {
  console.log(`\n== ${title}\n`);
  for (const line of lines) indent(line);
  console.log("");
}

const started = Date.now();
console.log("nabla demo: the three models of lecture 2 (fully-connected nets and backprop), trained from scratch.");

section("1. Logistic regression on two clouds", [
  "200 points in two Gaussian clouds; one linear layer 2 → 1 (two weights and a bias: 3 parameters),",
  "p = sigmoid(Wx + b), binary cross-entropy J = −(y log p + (1 − y) log(1 − p)),",
  "plain gradient descent W ← W − η∇W with η = 0.5 for 100 steps; class 1 where p > 0.5.",
]);
const logistic = trainLogisticRegression({ log: indent });
const twoClouds = data.makeBlobs({ nSamples: 200, centers: [[-2, -1], [2, 1]], clusterStd: 1, seed: 0 }); // the example's data
drawRegions((points) => logistic.model.call(points).sigmoid().gt(0.5).reshape([-1]), twoClouds.x, twoClouds.y);
indent(`training accuracy: ${logistic.accuracy.toFixed(3)}`);

section("2. Softmax regression on three clouds", [
  "300 points in three clouds; W of shape 3×2 and b of length 3 give a score per class, z = Wx + b;",
  "softmax(z) turns scores into probabilities, cross-entropy compares them with the labels; SGD, lr 0.5.",
]);
const softmax = trainSoftmaxRegression({ log: indent });
const threeClouds = data.makeBlobs({ nSamples: 300, centers: [[-3, 0], [3, 0], [0, 4]], clusterStd: 1, seed: 0 });
drawRegions((points) => points.matmul(softmax.W.t()).add(softmax.b).argmax(1), threeClouds.x, threeClouds.y);
indent(`training accuracy: ${softmax.accuracy.toFixed(3)}`);

section("3. A one-hidden-layer MLP on two moons", [
  "No straight line separates the moons. z = Wx + b1, h = ReLU(z), θ = Uh + b2, ŷ = softmax(θ), J = CE(y, ŷ)",
  "with 32 hidden units; `fit` runs the loop (zeroGrad, forward, loss, backward, step) for 300 epochs, SGD with momentum.",
]);
const mlp = trainMlpMoons({ log: indent });
const moons = data.makeMoons({ nSamples: 200, noise: 0.1, seed: 0 });
drawRegions((points) => mlp.model.call(points).argmax(1), moons.x, moons.y);
indent(`training accuracy: ${mlp.accuracy.toFixed(3)}, on 200 fresh points: ${mlp.testAccuracy.toFixed(3)}`);

section("Bonus: a deeper MLP on a 3-arm spiral", [
  "600 points, 480 to train and 120 to test; 2 → 64 → 64 → 3 with ReLU, Adam, batches of 32, 100 epochs.",
]);
const spiral = trainMlpSpiral({ log: (line) => (line.startsWith("epoch 100") || line.startsWith("epoch  50") ? indent(line) : undefined) });
const spiralData = data.makeSpiral({ nSamples: 600, nClasses: 3, noise: 0.2, seed: 0 });
drawRegions((points) => spiral.model.call(points).argmax(1), spiralData.x, spiralData.y);
indent(`training accuracy: ${spiral.accuracy.toFixed(3)}, test accuracy: ${spiral.testAccuracy.toFixed(3)}`);

console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. The code: examples/*.ts; the lecture, formula by formula: docs/lecture.md.`);
