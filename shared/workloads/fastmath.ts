/**
 * `ln` and `exp` for the float samplers (docs/workloads.md, "Randomness"), without Math.log / Math.exp on
 * the hot path: a call of those costs 8–10 ns on V8, several times a whole draw.
 *
 * - `ln(x)`, x a positive normal double: x = 2^e · m with m ∈ [1, 2) read from the bits; m is
 *   split as m0·(1 + t) with m0 = 1 + i/256 (i = the top 8 bits of the mantissa), so
 *   ln x = e·ln 2 + ln m0 + log1p(t), t ∈ [0, 1/256), and log1p(t) is its Taylor polynomial of
 *   degree 4 (truncation error below t^5/5 < 2·10^-13). For m ≥ 1.5 the split is (e + 1, m/2),
 *   so that ln x does not cancel just below 1.
 * - `exp(y)` = 2^k · 2^(j/256) · e^r with y·log2(e) = k + j/256 + r/ln 2, r ∈ [0, ln 2/256),
 *   e^r by its Taylor polynomial of degree 4 (error below 2·10^-15 relative); underflows to 0 below
 *   −745 and overflows to Infinity above 709.
 *
 * Both agree with Math.log / Math.exp to ~2·10^-13 absolute (ln) and ~10^-15 relative (exp; up to
 * ~10^-13 for |y| near 700, from rounding y·log2 e), which no sampler can see except at the exact
 * boundaries of a `floor`. The tables are built once from
 * Math.log / Math.exp; every draw then uses only + − × and bit reads, so the results are the same
 * wherever the tables are (i.e. on one JavaScript engine; see prng.ts on reproducibility).
 */

const LN2 = Math.LN2;
const LOG2E = Math.LOG2E;

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);
/** Index of the high word of a double in `i32` (1 on little-endian machines). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * m0 = 1 + i/256, or m0/2 for i ≥ 128 (so that ln x near 1 from below does not cancel):
 * ln m0 and 1/m0 per top-8-bit mantissa index i.
 */
const LN_M0 = new Float64Array(256);
const INV_M0 = new Float64Array(256);
for (let i = 0; i < 256; i++) {
  LN_M0[i] = i < 128 ? Math.log1p(i / 256) : Math.log((256 + i) / 512);
  INV_M0[i] = 256 / (256 + i);
}

/** 2^(j/256). */
const EXP2_FRAC = new Float64Array(256);
for (let j = 0; j < 256; j++) EXP2_FRAC[j] = Math.exp((j / 256) * LN2);
/** 2^k for k in −1074 … 1023, at index k + 1074. */
const EXP2_INT = new Float64Array(2098);
for (let k = -1074; k <= 1023; k++) EXP2_INT[k + 1074] = 2 ** k;

/** Natural logarithm of a positive, normal, finite double (the samplers pass 1 − u ≥ 2^-53). */
export function ln(x: number): number {
  f64[0] = x;
  const hi = i32[HI]!;
  const e = (hi >>> 20) - 1023;
  const i = (hi >>> 12) & 0xff;
  // m = x·2^−e ∈ [1, 2) (exact), then t = m/m0 − 1 = (m − m0)/m0.
  const t = (x * EXP2_INT[1074 - e]! - 1 - i / 256) * INV_M0[i]!;
  // log1p(t) to degree 4 (error < t^5/5 < 2·10^-13), evaluated in two halves for a shorter chain.
  const t2 = t * t;
  const p = t - t2 * (0.5 - t * (1 / 3)) - t2 * t2 * 0.25;
  return (e + (i >> 7)) * LN2 + LN_M0[i]! + p;
}

/** e^y for finite y. */
export function exp(y: number): number {
  const z = y * LOG2E;
  if (!(z > -1074 && z < 1024)) return z > 0 ? Infinity : 0;
  const k = Math.floor(z);
  const f = (z - k) * 256;
  const j = f | 0;
  const r = (f - j) * (LN2 / 256);
  // e^r to degree 4 (relative error < r^5/120 < 2·10^-15), in two halves.
  const r2 = r * r;
  const p = 1 + r + r2 * (0.5 + r * (1 / 6)) + r2 * r2 * (1 / 24);
  return EXP2_INT[k + 1074]! * EXP2_FRAC[j]! * p;
}
