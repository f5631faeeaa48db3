/**
 * Session files: every run of a session (configs, versions, samples, phases, statuses) in one
 * versioned file, written as the runs go and read back with damage reported, not fatal.
 * Format: docs/session-format.md.
 */
export { SessionFileError } from './session-error';
export { SessionWriter, DEFAULT_FLUSH_MS, type SessionWriterOptions, type FlushTimer } from './session-writer';
export { openSession, type OpenSessionOptions, type OpenedSession } from './session-reader';
export { saveSession, type SessionContent, type SaveSessionOptions } from './session-save';
export type { Session, SessionRun } from './session-model';
export {
  SESSION_FORMAT,
  SESSION_VERSION,
  FINAL_STATES,
  type RunMeta,
  type RunStatus,
  type SessionRunState,
  type StartedInfo,
} from './session-records';
