/**
 * What a frame redraws while the network trains, on a budget: the plane every frame it can,
 * the loss plot and numbers a few times a second, the neuron thumbnails and the links at a
 * rate that falls as the network grows. Every repainted thumbnail and restyled link makes the
 * browser re-raster the diagram around it; a large network repainted every frame spends more
 * time there than on training (issue 12). Time-based, so the rates hold at any frame rate.
 */

/** What one frame of a running animation redraws. */
export type DrawingPart = "plane" | "neurons" | "metrics";

/** Thumbnails repainted per second at most (a pass over a large network takes longer). */
const THUMBNAILS_PER_SECOND = 200;
/** Links restyled per second at most (restyling is skipped until a pass is due). */
const LINKS_PER_SECOND = 2000;
/** Milliseconds between two evaluations of the metrics (loss, accuracy, the loss plot). */
const METRICS_MS = 250;

export class DrawingSchedule {
  private lastMetrics = -Infinity;
  private lastPass = -Infinity;
  private lastLinks = -Infinity;
  private previous: DrawingPart = "plane";

  /** `neurons`: thumbnails to paint per pass; `links`: lines in the diagram. */
  constructor(
    private readonly neurons: number,
    private readonly links: number,
  ) {}

  /**
   * The part this frame redraws (one per frame, so no frame waits for all of them); `passUnderWay`:
   * a thumbnail pass has begun and has thumbnails left.
   */
  next(now: number, passUnderWay: boolean): DrawingPart {
    let part: DrawingPart = "plane";
    if (now - this.lastMetrics >= METRICS_MS) {
      part = "metrics";
      this.lastMetrics = now;
    } else if (this.previous !== "neurons" && (passUnderWay || now - this.lastPass >= (1000 * this.neurons) / THUMBNAILS_PER_SECOND)) {
      part = "neurons";
      if (!passUnderWay) this.lastPass = now;
    }
    this.previous = part;
    return part;
  }

  /** Whether a finished thumbnail pass also restyles the links (true once their interval has passed). */
  linksDue(now: number): boolean {
    if (now - this.lastLinks < (1000 * this.links) / LINKS_PER_SECOND) return false;
    this.lastLinks = now;
    return true;
  }
}
