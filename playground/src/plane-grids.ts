/**
 * The plane's grid of feature rows at several resolutions, and the finest one whose forward
 * pass and painting fit a time budget: a large network draws a coarser plane while it trains.
 */
import { tensor, type Tensor } from "nabla";
import { featureMatrix } from "./features.js";
import { gridCoordinates } from "./plane.js";
import type { FeatureName } from "./state.js";

export const MAIN_RESOLUTION = 64;
const RESOLUTIONS = [64, 48, 32, 24, 16] as const;

export class PlaneGrids {
  private readonly grids = new Map<number, Tensor>();
  /** Milliseconds per grid cell of the plane's forward pass and painting (moving average); 0 before any. */
  private msPerCell = 0;

  constructor(private readonly features: readonly FeatureName[]) {}

  /** The grid's feature rows at `resolution` (cells row by row from the top). */
  at(resolution: number): Tensor {
    let grid = this.grids.get(resolution);
    if (grid === undefined) {
      grid = tensor(featureMatrix(this.features, gridCoordinates(resolution)), { shape: [resolution ** 2, this.features.length] });
      this.grids.set(resolution, grid);
    }
    return grid;
  }

  /** Records how long drawing the plane at `resolution` took. */
  record(resolution: number, ms: number): void {
    const perCell = ms / resolution ** 2;
    this.msPerCell = this.msPerCell === 0 ? perCell : 0.7 * this.msPerCell + 0.3 * perCell;
  }

  /** The finest resolution expected to draw within `budgetMs`. */
  resolutionWithin(budgetMs: number): number {
    if (this.msPerCell === 0) return MAIN_RESOLUTION;
    return RESOLUTIONS.find((r) => r * r * this.msPerCell <= budgetMs) ?? RESOLUTIONS.at(-1)!;
  }
}
