/**
 * One pass over the network's neuron thumbnails, painted a few per frame while training so no
 * frame paints them all: the values of every layer on the thumbnails' grid, and the next neuron.
 */
import type { Tensor } from "nabla";

export class ThumbnailPass {
  private readonly values: ArrayLike<number>[];
  private readonly widths: number[];
  private readonly total: number;
  private next = 0;

  /** `layers`: each hidden layer's output, then the logits, on the thumbnails' grid. */
  constructor(layers: readonly Tensor[]) {
    this.values = layers.map((t) => t.toTypedArray());
    this.widths = layers.map((t) => t.shape[1]!);
    this.total = this.widths.reduce((a, b) => a + b, 0);
  }

  /**
   * Paints up to `count` thumbnails, layer by layer from where the last call stopped (`paint`
   * gets the diagram column, 1 for the first hidden layer); true once every one is painted.
   */
  paintNext(count: number, paint: (column: number, index: number, values: ArrayLike<number>, width: number) => void): boolean {
    let flat = 0;
    let painted = 0;
    for (let l = 0; l < this.widths.length && painted < count; l++) {
      const width = this.widths[l]!;
      for (let i = 0; i < width && painted < count; i++, flat++) {
        if (flat < this.next) continue;
        paint(l + 1, i, this.values[l]!, width);
        painted++;
      }
    }
    this.next += painted;
    return this.next >= this.total;
  }
}
