/**
 * What the worker has to tell the host between two flushes: sample rows (bounded, coalesced when
 * full) and phase markers (bounded, the excess dropped and counted). A flush turns them into at
 * most one `samples` message plus the `phase` messages, so the host gets a few messages a second
 * however fast the run goes.
 */
import type { WorkerToHost } from '../../shared/protocol/worker-messages';
import type { PhaseMark } from '../../shared/run/run-loop';
import { SAMPLE_WIDTH } from '../../shared/run/sample';
import { SampleBuffer } from './sample-buffer';

/** Rows kept between flushes: at 20 flushes a second, ~80 000 samples a second reach the host uncoalesced. */
export const MAX_BUFFERED_ROWS = 4096;
/** Phase markers kept between flushes; a trace with a checkpoint every few operations exceeds it. */
export const MAX_BUFFERED_PHASES = 1024;

export class Outbox {
  readonly samples: SampleBuffer;
  private phases: PhaseMark[] = [];
  /** Phase markers dropped since the last flush. */
  phasesDropped = 0;

  constructor(
    rows = MAX_BUFFERED_ROWS,
    private readonly maxPhases = MAX_BUFFERED_PHASES,
  ) {
    this.samples = new SampleBuffer(SAMPLE_WIDTH, rows);
  }

  addSample(row: ArrayLike<number>): void {
    this.samples.push(row);
  }

  addPhase(mark: PhaseMark): void {
    if (this.phases.length >= this.maxPhases) this.phasesDropped++;
    else this.phases.push({ op: mark.op, label: mark.label.slice(0, 200) });
  }

  get empty(): boolean {
    return this.samples.length === 0 && this.samples.coalesced === 0 && this.phases.length === 0;
  }

  /** The messages to send now, in order (phases, then samples); empties the outbox. */
  take(): WorkerToHost[] {
    const out: WorkerToHost[] = this.phases.map((p) => ({ type: 'phase', op: p.op, label: p.label }));
    this.phases = [];
    this.phasesDropped = 0;
    const batch = this.samples.take();
    if (batch !== null) out.push({ type: 'samples', columns: batch.columns, coalesced: batch.coalesced });
    return out;
  }
}
