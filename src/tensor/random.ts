/**
 * A small seeded generator (xoshiro128**) so every random thing in nabla — initial weights,
 * dropout masks, shuffling, synthetic data — is reproducible from `manualSeed`.
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /**
   * Restarts the sequence from `seed` (taken as an unsigned 32-bit integer), as PyTorch's
   * `Generator.manual_seed`: the same seed gives the same draws.
   *
   * @example
   * ```ts
   * import { Generator, rand } from "nabla";
   * const g = new Generator();
   * g.seed(7);
   * const a = rand([2], { generator: g }).toArray();
   * g.seed(7);
   * console.log(JSON.stringify(rand([2], { generator: g }).toArray()) === JSON.stringify(a)); // true
   * ```
   */
  seed(seed: number): void {
    // splitmix32 spreads one seed over the four state words
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spare = null;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [0, n). */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fisher–Yates shuffle of 0…n−1. */
  permutation(n: number): number[] {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator behind `rand`, `randn`, weight initialisation, dropout and shuffling. */
export const defaultGenerator = new Generator(0x5eed);

/**
 * Seeds the default generator so every later random draw is reproducible.
 *
 * @example
 * ```ts
 * import { manualSeed, randn } from "nabla";
 * manualSeed(42);
 * const a = randn([3]).toArray();
 * manualSeed(42);
 * console.log(JSON.stringify(randn([3]).toArray()) === JSON.stringify(a)); // true
 * ```
 */
export function manualSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new Error(`manualSeed: seed must be a finite number, got ${seed}`);
  defaultGenerator.seed(seed);
}
