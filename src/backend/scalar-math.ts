// Scalar functions of the TS kernels that JavaScript's Math lacks, each written as PyTorch 1.13's
// CPU kernel computes it, so NaN and ±∞ come out as there (silu(−∞) is NaN, logSigmoid(−∞) is
// −∞ …). assembly/math.ts holds the same functions for the WebAssembly kernels.

// erf: Sun's fdlibm s_erf.c (the algorithm glibc's erf uses), which stays within 1 ulp.
const ERX = 8.45062911510467529297e-1;
const EFX = 1.28379167095512586316e-1;
const EFX8 = 1.02703333676410069053;
const PP = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const QQ = [3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
const PA = [-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.16637559486879084300e-3];
const QA = [1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
const RA = [-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592];
const SA = [1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2];
const RB = [-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2];
const SB = [3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1];
/** 1/0.35 as fdlibm tests it (the double with high word 0x4006DB6E). */
const ERFC_SPLIT = 2.8571434020996094;

/** c0 + z·(c1 + z·(c2 + …)), Horner's rule. */
function poly(c: readonly number[], z: number): number {
  let r = c[c.length - 1]!;
  for (let i = c.length - 2; i >= 0; i--) r = c[i]! + z * r;
  return r;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** x with the low 32 bits of its mantissa cleared (fdlibm's SET_LOW_WORD(z, 0)), so z·z is exact. */
function highPart(x: number): number {
  bits[0] = x;
  words[0] = 0; // little-endian: the low word comes first
  return bits[0];
}

export function erf(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  if (a === Infinity) return x > 0 ? 1 : -1;
  if (a < 0.84375) {
    if (a < 2 ** -28) return a < 2 ** -1015 ? 0.125 * (8 * x + EFX8 * x) : x + EFX * x;
    const z = x * x;
    return x + (x * poly(PP, z)) / (1 + z * poly(QQ, z));
  }
  if (a < 1.25) {
    const s = a - 1;
    const r = ERX + poly(PA, s) / (1 + s * poly(QA, s));
    return x >= 0 ? r : -r;
  }
  if (a >= 6) return x >= 0 ? 1 - 1e-300 : 1e-300 - 1;
  const s = 1 / (a * a);
  const ratio = a < ERFC_SPLIT ? poly(RA, s) / (1 + s * poly(SA, s)) : poly(RB, s) / (1 + s * poly(SB, s));
  const z = highPart(a);
  const r = Math.exp(-z * z - 0.5625) * Math.exp((z - a) * (z + a) + ratio);
  return x >= 0 ? 1 - r / a : r / a - 1;
}

/** Round half to even (C's nearbyint, which PyTorch's round uses); keeps −0, NaN and ±∞. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // ties toward +∞
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Python's %: fmod, moved into the divisor's sign (PyTorch's remainder kernel). */
export function remainder(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && b < 0 !== m < 0 ? m + b : m;
}

/**
 * ⌊a/b⌋ consistent with {@link remainder} (PyTorch's div_floor_floating): from (a − fmod(a, b))/b,
 * so remainder(1, 0.1) = 0.0999… goes with 9, where ⌊1/0.1⌋ would give 10.
 */
export function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const m = a % b;
  let q = (a - m) / b;
  if (m !== 0 && b < 0 !== m < 0) q -= 1;
  if (q === 0) return a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
  const f = Math.floor(q);
  return q - f > 0.5 ? f + 1 : f;
}

const SQRT1_2 = Math.SQRT1_2;
/** 1/√(2π), the standard normal density at 0. */
const NORMAL_PEAK = 0.3989422804014327;
/** √(2/π) and 0.044715: the tanh approximation of gelu. */
const GELU_BETA = 0.7978845608028654;
const GELU_KAPPA = 0.044715;

export function gelu(x: number): number {
  return x * 0.5 * (1 + erf(x * SQRT1_2));
}

/** d/dx x·Φ(x) = Φ(x) + x·φ(x). */
export function geluGrad(x: number): number {
  return 0.5 * (1 + erf(x * SQRT1_2)) + x * Math.exp(-0.5 * x * x) * NORMAL_PEAK;
}

export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(GELU_BETA * (x + GELU_KAPPA * x * x * x)));
}

/** d/dx ½x(1 + tanh u), u = β(x + κx³): ½(1 + tanh u) + ½x(1 − tanh²u)·β(1 + 3κx²). */
export function geluTanhGrad(x: number): number {
  const t = Math.tanh(GELU_BETA * (x + GELU_KAPPA * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_BETA * (1 + 3 * GELU_KAPPA * x * x);
}

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

/** d/dx x·σ(x) = σ(x)(1 + x(1 − σ(x))). */
export function siluGrad(x: number): number {
  const s = 1 / (1 + Math.exp(-x));
  return s * (1 + x * (1 - s));
}

export function softplus(x: number, beta: number, threshold: number): number {
  return x * beta > threshold ? x : Math.log1p(Math.exp(x * beta)) / beta;
}

/** d/dx log(1 + e^(βx))/β = e^(βx)/(1 + e^(βx)); 1 above the threshold, where softplus is x. */
export function softplusGrad(x: number, beta: number, threshold: number): number {
  if (x * beta > threshold) return 1;
  const z = Math.exp(x * beta);
  return z / (z + 1);
}

export function elu(x: number, alpha: number): number {
  return x <= 0 ? (Math.exp(x) - 1) * alpha : x; // e^x − 1, not expm1: PyTorch's kernel
}

/** d/dx elu = α·e^x for x ≤ 0 (α at 0, and NaN at NaN, as PyTorch's vectorized kernel), else 1. */
export function eluGrad(x: number, alpha: number): number {
  return x > 0 ? 1 : alpha * Math.exp(x);
}

export function logSigmoid(x: number): number {
  return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
}
