#!/usr/bin/python3
# Fits S(t) = ½·erfcx(z) = ½·exp(z²)·erfc(z), with t = 1/(1 + z/2), as a polynomial in t for the
# float32 gelu kernels (src/backend/wasm/assembly/elementwise.ts, geluLanes). With it,
# ½·erfc(z) = E·S(t) where E = exp(−z²) = exp(−x²/2) for z = |x|/√2: one exp serves both the normal
# CDF Φ(x) (E·S(t), or 1 − E·S(t) for x ≥ 0) and the density φ(x) = E/√(2π), where Numerical
# Recipes' erfcc (t·exp(−z² + P(t)), the kernels' form before) needs its own exp inside erfc.
#
# The kernels take x in [−3, 9], so z in [0, 9/√2] and t in [1/(1 + 9/(2√2)), 1] ≈ [0.239, 1].
# The fit minimises the largest relative error of Φ(x) (what gelu = x·Φ and gelu' = Φ + x·φ
# inherit) over that range, by Lawson's iteratively reweighted least squares on a dense grid:
# for x < 0, Φ = E·S, so that is S's relative error (z ≤ 3/√2); for x ≥ 0, Φ = 1 − E·S, so S's
# error counts scaled by E/Φ, which lets the fit relax as z grows. The reference erfc is mpmath's
# at 40 digits. The coefficients are then rounded to float32 (as the kernel holds them) and the
# error is measured again on a finer grid.
#
# Usage: /usr/bin/python3 scripts/fit-gelu-erfcx.py [DEGREE = 7]
# What it printed for degree 7, the coefficients in elementwise.ts's halfErfcxLanes:
#   degree 7, t in [0.239121, 1]
#   float64 coefficients: max relative error of Φ 1.74e-08
#   float32 coefficients: max relative error of Φ 1.94e-08
#   highest power first, float32 values with 9 significant digits:
#     0.021811191 -0.0658212602 -0.0438698307 0.293940693 -0.0457498878 0.213273183 0.124919899 0.0014960228
# (degree 6: 1.04e-07, as Numerical Recipes' erfcc; degree 8 and up gain nothing the float32
# arithmetic of the kernel keeps.)
import sys

import mpmath as mp
import numpy as np

mp.mp.dps = 40
DEGREE = int(sys.argv[1]) if len(sys.argv) > 1 else 7
Z_MAX = 9 / mp.sqrt(2)
Z_NEGATIVE = 3 / mp.sqrt(2)  # x = −3


def half_erfcx(z):
    return mp.erfc(z) * mp.exp(z * z) / 2


def grid(n):
    """Chebyshev-spaced z in [0, Z_MAX] (denser at the ends), with z = 3/√2 included."""
    k = np.arange(n)
    zs = [mp.mpf(float(Z_MAX)) * (1 - mp.cos(mp.pi * i / (n - 1))) / 2 for i in k]
    return sorted(zs + [Z_NEGATIVE])


def weights(zs, s):
    """Relative error of Φ per unit error of S, taking the worse of x = −z√2 and x = +z√2."""
    out = []
    for z, value in zip(zs, s):
        e = mp.exp(-z * z)
        positive = e / (1 - e * value)  # x ≥ 0: Φ = 1 − E·S
        negative = 1 / value if z <= Z_NEGATIVE else 0  # x < 0 in range: Φ = E·S
        out.append(float(max(positive, negative)))
    return np.array(out)


def lawson(t, f, w, degree, iterations=200):
    basis = np.vander(t, degree + 1)
    lw = np.ones_like(t) / len(t)
    for _ in range(iterations):
        root = np.sqrt(lw) * w
        c, *_ = np.linalg.lstsq(basis * root[:, None], f * root, rcond=None)
        e = np.abs((basis @ c - f) * w)
        lw = lw * e
        lw /= lw.sum()
    return c


def lawson_rounded(t, f, w, degree):
    """Lawson's fit with the coefficients rounded to float32 one at a time, highest power first,
    each rounding followed by a refit of the lower ones (which absorb most of its error)."""
    fixed = []
    for k in range(degree + 1):
        rest = f - sum(c * t ** (degree - i) for i, c in enumerate(fixed)) if fixed else f
        c = lawson(t, rest, w, degree - k)
        fixed.append(float(np.float32(c[0])))
    return np.array(fixed, dtype=np.float32)


def largest_error(coefficients, zs, s, w):
    worst = 0.0
    for z, value, weight in zip(zs, s, w):
        t = 1 / (1 + z / 2)
        p = mp.mpf(0)
        for c in coefficients:
            p = p * t + mp.mpf(float(c))
        worst = max(worst, float(abs(p - value)) * weight)
    return worst


zs = grid(3000)
s = [half_erfcx(z) for z in zs]
t = np.array([float(1 / (1 + z / 2)) for z in zs])
c = lawson(t, np.array([float(v) for v in s]), weights(zs, s), DEGREE)
c32 = lawson_rounded(t, np.array([float(v) for v in s]), weights(zs, s), DEGREE)

check = grid(20011)
check_s = [half_erfcx(z) for z in check]
check_w = weights(check, check_s)
print(f"degree {DEGREE}, t in [{float(1 / (1 + Z_MAX / 2)):.6f}, 1]")
print(f"float64 coefficients: max relative error of Φ {largest_error(c, check, check_s, check_w):.3g}")
print(f"float32 coefficients: max relative error of Φ {largest_error(c32, check, check_s, check_w):.3g}")
print("highest power first, float32 values with 9 significant digits:")
for v in c32:
    print(f"  {float(v):.9g}")
