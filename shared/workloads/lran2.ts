/**
 * larson's own generator, `lran2` (Wolfram Gloger, 1996): a Numerical-Recipes-style LCG
 * (modulus 714 025, multiplier 1 366, increment 150 889) behind a 97-entry shuffle table. W07
 * uses it with `prng = lran2` to reproduce larson's warm-up sequence exactly. All products stay
 * below 2^31, so plain doubles are exact.
 */
const LRAN2_MAX = 714025;
const IA = 1366;
const IC = 150889;

export class Lran2 {
  private x = 0;
  private y = 0;
  private readonly v = new Int32Array(97);

  constructor(seed: number) {
    let x = (IC - seed) % LRAN2_MAX;
    if (x < 0) x = -x;
    for (let j = 0; j < 97; j++) {
      x = (IA * x + IC) % LRAN2_MAX;
      this.v[j] = x;
    }
    this.x = (IA * x + IC) % LRAN2_MAX;
    this.y = this.x;
  }

  /** The next value in [0, 714 025). */
  next(): number {
    const j = this.y % 97;
    this.y = this.v[j]!;
    this.x = (IA * this.x + IC) % LRAN2_MAX;
    this.v[j] = this.x;
    return this.y;
  }
}
