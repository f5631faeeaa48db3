/** Peak and final value of every series of a run, kept as samples arrive. */
import { MAX_COLUMN, SAMPLE_WIDTH, SERIES, SERIES_COUNT } from './sample';

export class SeriesSummary {
  private readonly peak = new Float64Array(SERIES_COUNT).fill(-Infinity);
  private readonly last = new Float64Array(SERIES_COUNT);
  samples = 0;

  /** A row of SERIES values, or a full row (SAMPLE_WIDTH) whose envelope's maxima are the peaks between samples. */
  add(row: Float64Array): void {
    const full = row.length >= SAMPLE_WIDTH;
    for (let i = 0; i < SERIES_COUNT; i++) {
      const v = row[i]!;
      const top = full ? row[MAX_COLUMN[i]!]! : v;
      if (top > this.peak[i]!) this.peak[i] = top;
      this.last[i] = v;
    }
    this.samples++;
  }

  toJSON(): Record<string, { peak: number; final: number }> {
    const out: Record<string, { peak: number; final: number }> = {};
    SERIES.forEach((s, i) => {
      out[s.key] = { peak: this.samples ? this.peak[i]! : 0, final: this.last[i]! };
    });
    return out;
  }
}
