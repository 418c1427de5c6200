/** Per-class precision and recall and the confusion matrix of a classifier's predictions. */

export interface ClassMetrics {
  name: string;
  precision: number | null;
  recall: number | null;
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  correct: number;
  total: number;
  classes: ClassMetrics[];
  /** confusion[t][p]: samples of true class t predicted as p. */
  confusion: number[][];
}

/** Precision is null for a class never predicted, recall for a class absent from the data. */
export function classificationReport(truth: ArrayLike<number>, predicted: ArrayLike<number>, classNames: readonly string[]): ClassificationReport {
  const k = classNames.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]!]![predicted[i]!]! += 1;
    if (truth[i] === predicted[i]) correct++;
  }
  const classes = classNames.map((name, c) => {
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((sum, row) => sum + row[c]!, 0);
    return { name, precision: predictedAs === 0 ? null : confusion[c]![c]! / predictedAs, recall: support === 0 ? null : confusion[c]![c]! / support, support };
  });
  return { accuracy: truth.length === 0 ? 0 : correct / truth.length, correct, total: truth.length, classes, confusion };
}
