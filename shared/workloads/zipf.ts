/**
 * `zipf(K, s)` over ranks 1..K by rejection-inversion (Hörmann & Derflinger 1996), in the
 * form Apache Commons RNG uses (`RejectionInversionZipfSampler`): H(x) = ((x)^(1−s) − 1)/(1−s),
 * whose limit exists at s = 1, so every s ≥ 0 works (s = 0 is uniform). O(1) memory,
 * about 1.1 uniforms per sample. Float-based (ln/exp of fastmath.ts, Math.log1p/expm1): reproducible
 * on the same JavaScript engine.
 */
import { exp, ln } from './fastmath';
import type { Rng } from './prng';

const TAYLOR_THRESHOLD = 1e-8;

export class ZipfSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralK: number;
  private readonly sCut: number;

  constructor(
    readonly k: number,
    readonly exponent: number,
  ) {
    if (!(k >= 1) || !Number.isSafeInteger(k)) throw new RangeError(`zipf: K must be an integer ≥ 1, got ${k}`);
    if (!(exponent >= 0) || !Number.isFinite(exponent)) throw new RangeError(`zipf: s must be ≥ 0, got ${exponent}`);
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralK = this.hIntegral(k + 0.5);
    this.sCut = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A rank in [1, K]; rank 1 is the most frequent. */
  sample(rng: Rng): number {
    const k = this.k;
    for (;;) {
      const u = this.hIntegralK + rng.u01() * (this.hIntegralX1 - this.hIntegralK);
      const x = this.hIntegralInverse(u);
      let r = Math.floor(x + 0.5);
      if (r < 1) r = 1;
      else if (r > k) r = k;
      if (r - x <= this.sCut || u >= this.hIntegral(r + 0.5) - this.h(r)) return r;
    }
  }

  private hIntegral(x: number): number {
    const logX = ln(x);
    return helper2((1 - this.exponent) * logX) * logX;
  }

  private h(x: number): number {
    return exp(-this.exponent * ln(x));
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.exponent);
    if (t < -1) t = -1; // numerical noise only
    return exp(helper1(t) * x);
  }
}

/** Math.log1p(x)/x, with its Taylor series near 0. */
function helper1(x: number): number {
  return Math.abs(x) > TAYLOR_THRESHOLD ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** Math.expm1(x)/x, with its Taylor series near 0. */
function helper2(x: number): number {
  return Math.abs(x) > TAYLOR_THRESHOLD ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}
