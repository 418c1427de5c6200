/**
 * What a `--loss` means for a classifier: how many outputs the network needs, how class labels
 * become targets, and how outputs become classes and probabilities. Shared by train, eval and
 * predict so all three read a model's outputs the same way.
 */
import { nn, noGrad, tensor, type Tensor } from "../index.js";
import { fail } from "./user-error.js";

export const LOSSES = ["cross-entropy", "bce", "mse"] as const;
export type LossName = (typeof LOSSES)[number];

export interface Objective {
  loss: LossName;
  /** Width of the last layer. */
  outputs: number;
  /** The training target for class labels [n]. */
  target(labels: Tensor): Tensor;
  /** The mean loss of outputs against targets. */
  lossOf(outputs: Tensor, target: Tensor): Tensor;
  /** Class probabilities [n, classes]. */
  probabilities(outputs: Tensor): Tensor;
}

function oneHot(labels: Tensor, classes: number): Tensor {
  const values = labels.toTypedArray();
  const out = new Float32Array(values.length * classes);
  values.forEach((label, row) => (out[row * classes + label] = 1));
  return tensor(out, { shape: [values.length, classes] });
}

/**
 * The objective for `loss` over `classes` classes: cross-entropy on K logits; binary
 * cross-entropy on one logit (two classes only); mean squared error between softmax-free
 * outputs and one-hot targets.
 */
export function objectiveFor(loss: LossName, classes: number): Objective {
  const softmax = (outputs: Tensor) => outputs.softmax(1);
  switch (loss) {
    case "cross-entropy": {
      const module = new nn.CrossEntropyLoss();
      return { loss, outputs: classes, target: (labels) => labels, lossOf: (o, t) => module.call(o, t), probabilities: softmax };
    }
    case "bce": {
      if (classes !== 2) fail(`--loss bce is for two classes (one output); this data has ${classes}; use --loss cross-entropy`);
      const module = new nn.BCEWithLogitsLoss();
      return {
        loss,
        outputs: 1,
        target: (labels) => labels.reshape([labels.shape[0]!, 1]),
        lossOf: (o, t) => module.call(o, t),
        probabilities: (outputs) => {
          // [n, 1] against [2] broadcasts to the two columns [1 − p, p].
          const p = outputs.sigmoid();
          return p.neg().add(1).mul(tensor([1, 0])).add(p.mul(tensor([0, 1])));
        },
      };
    }
    case "mse": {
      const module = new nn.MSELoss();
      return { loss, outputs: classes, target: (labels) => oneHot(labels, classes), lossOf: (o, t) => module.call(o, t), probabilities: softmax };
    }
  }
}

/** Predicted class of every row and its probabilities, without recording a graph. */
export function predictClasses(objective: Objective, outputs: Tensor): { classes: number[]; probabilities: number[][] } {
  return noGrad(() => {
    const probabilities = objective.probabilities(outputs).toArray() as number[][];
    const classes = probabilities.map((row) => row.indexOf(Math.max(...row)));
    return { classes, probabilities };
  });
}
