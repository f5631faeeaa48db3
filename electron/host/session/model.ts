/** A session as loaded from (or saved to) a file: run descriptions, with the samples in a SeriesStore. */
import type { RunConfig } from '../../../shared/protocol/run-config';
import type { SeriesStore } from '../../../shared/series';
import type { RunMeta, RunStatus, StartedInfo } from './records';

export interface SessionRun {
  /** The run's id in `Session.store`. */
  id: string;
  config: RunConfig;
  meta: RunMeta;
  /** What the worker reported it resolved (versions, effective parameters); absent if it never started. */
  started?: StartedInfo;
  /** The last status recorded; absent if none was. */
  status?: RunStatus;
  /** Samples the worker dropped because the host was slow (the sum of every batch's `coalesced`). */
  coalesced: number;
}

export interface Session {
  /** The path it was read from. */
  file: string;
  /** Format version of the file (SESSION_VERSION when this build wrote it). */
  version: number;
  createdAt: string;
  /** Longest time the writer held records before flushing them. */
  flushMs: number;
  /** When the writer closed the file; absent when it never did (the host quit or crashed). */
  closedAt?: string;
  runs: SessionRun[];
  /** Samples and phase markers of every run, under `SessionRun.id`. */
  store: SeriesStore;
}
