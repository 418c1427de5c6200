// f64 scalar functions the element-wise kernels need beyond Math: the same formulas as the TS
// backend's src/backend/scalar-math.ts (PyTorch 1.13's CPU kernels), so NaN and ±∞ come out alike.

/** erf by Sun's fdlibm s_erf.c (the algorithm glibc uses), within 1 ulp. */
export function erf(x: f64): f64 {
  if (x != x) return x;
  const a = Math.abs(x);
  if (a == Infinity) return x > 0 ? 1 : -1;
  if (a < 0.84375) {
    if (a < 3.725290298461914e-9) return a < 2.848094538889218e-306 ? 0.125 * (8 * x + 1.02703333676410069053 * x) : x + 1.28379167095512586316e-1 * x;
    const z = x * x;
    const r = 1.28379167095512558561e-1 + z * (-3.25042107247001499370e-1 + z * (-2.84817495755985104766e-2 + z * (-5.77027029648944159157e-3 + z * -2.37630166566501626084e-5)));
    const s = 1 + z * (3.97917223959155352819e-1 + z * (6.50222499887672944485e-2 + z * (5.08130628187576562776e-3 + z * (1.32494738004321644526e-4 + z * -3.96022827877536812320e-6))));
    return x + (x * r) / s;
  }
  if (a < 1.25) {
    const s = a - 1;
    const p = -2.36211856075265944077e-3 + s * (4.14856118683748331666e-1 + s * (-3.72207876035701323847e-1 + s * (3.18346619901161753674e-1 + s * (-1.10894694282396677476e-1 + s * (3.54783043256182359371e-2 + s * -2.16637559486879084300e-3)))));
    const q = 1 + s * (1.06420880400844228286e-1 + s * (5.40397917702171048937e-1 + s * (7.18286544141962662868e-2 + s * (1.26171219808761642112e-1 + s * (1.36370839120290507362e-2 + s * 1.19844998467991074170e-2)))));
    const r = 8.45062911510467529297e-1 + p / q;
    return x >= 0 ? r : -r;
  }
  if (a >= 6) return x >= 0 ? 1 - 1e-300 : 1e-300 - 1;
  const s = 1 / (a * a);
  let ratio: f64;
  if (a < 2.8571434020996094) {
    const r = -9.86494403484714822705e-3 + s * (-6.93858572707181764372e-1 + s * (-1.05586262253232909814e1 + s * (-6.23753324503260060396e1 + s * (-1.62396669462573470355e2 + s * (-1.84605092906711035994e2 + s * (-8.12874355063065934246e1 + s * -9.81432934416914548592))))));
    const q = 1 + s * (1.96512716674392571292e1 + s * (1.37657754143519042600e2 + s * (4.34565877475229228821e2 + s * (6.45387271733267880336e2 + s * (4.29008140027567833386e2 + s * (1.08635005541779435134e2 + s * (6.57024977031928170135 + s * -6.04244152148580987438e-2)))))));
    ratio = r / q;
  } else {
    const r = -9.86494292470009928597e-3 + s * (-7.99283237680523006574e-1 + s * (-1.77579549177547519889e1 + s * (-1.60636384855821916062e2 + s * (-6.37566443368389627722e2 + s * (-1.02509513161107724954e3 + s * -4.83519191608651397019e2)))));
    const q = 1 + s * (3.03380607434824582924e1 + s * (3.25792512996573918826e2 + s * (1.53672958608443695994e3 + s * (3.19985821950859553908e3 + s * (2.55305040643316442583e3 + s * (4.74528541206955367215e2 + s * -2.24409524465858183362e1))))));
    ratio = r / q;
  }
  const z = reinterpret<f64>(reinterpret<u64>(a) & 0xffffffff00000000); // z·z is exact
  const r = Math.exp(-z * z - 0.5625) * Math.exp((z - a) * (z + a) + ratio);
  return x >= 0 ? 1 - r / a : r / a - 1;
}

/** Python's %: fmod, moved into the divisor's sign (PyTorch's remainder kernel). */
export function remainder(a: f64, b: f64): f64 {
  const m = a % b;
  return m != 0 && (b < 0) != (m < 0) ? m + b : m;
}

/** ⌊a/b⌋ consistent with remainder (PyTorch's div_floor_floating), as in scalar-math.ts. */
export function floorDivide(a: f64, b: f64): f64 {
  if (b == 0) return a / b;
  const m = a % b;
  let q = (a - m) / b;
  if (m != 0 && (b < 0) != (m < 0)) q -= 1;
  if (q == 0) return copysign<f64>(0, a / b);
  const f = Math.floor(q);
  return q - f > 0.5 ? f + 1 : f;
}

const SQRT1_2: f64 = 0.7071067811865476;
const NORMAL_PEAK: f64 = 0.3989422804014327; // 1/√(2π)
const GELU_BETA: f64 = 0.7978845608028654; // √(2/π)
const GELU_KAPPA: f64 = 0.044715;

export function gelu(x: f64): f64 {
  return x * 0.5 * (1 + erf(x * SQRT1_2));
}

export function geluGrad(x: f64): f64 {
  return 0.5 * (1 + erf(x * SQRT1_2)) + x * Math.exp(-0.5 * x * x) * NORMAL_PEAK;
}

export function geluTanh(x: f64): f64 {
  return 0.5 * x * (1 + Math.tanh(GELU_BETA * (x + GELU_KAPPA * x * x * x)));
}

export function geluTanhGrad(x: f64): f64 {
  const t = Math.tanh(GELU_BETA * (x + GELU_KAPPA * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_BETA * (1 + 3 * GELU_KAPPA * x * x);
}

export function silu(x: f64): f64 {
  return x / (1 + Math.exp(-x));
}

export function siluGrad(x: f64): f64 {
  const s = 1 / (1 + Math.exp(-x));
  return s * (1 + x * (1 - s));
}

export function softplus(x: f64, beta: f64, threshold: f64): f64 {
  return x * beta > threshold ? x : Math.log1p(Math.exp(x * beta)) / beta;
}

export function softplusGrad(x: f64, beta: f64, threshold: f64): f64 {
  if (x * beta > threshold) return 1;
  const z = Math.exp(x * beta);
  return z / (z + 1);
}

export function elu(x: f64, alpha: f64): f64 {
  return x <= 0 ? (Math.exp(x) - 1) * alpha : x;
}

export function eluGrad(x: f64, alpha: f64): f64 {
  return x > 0 ? 1 : alpha * Math.exp(x);
}

export function logSigmoid(x: f64): f64 {
  // Math.min keeps NaN, as the TS backend's does
  return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
}
