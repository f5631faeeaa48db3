/**
 * Session files: every run of a session (configs, versions, samples, phases, statuses) in one
 * versioned file, written as the runs go and read back with damage reported, not fatal.
 * Format: docs/session-format.md.
 */
export { SessionFileError } from './error';
export { SessionWriter, DEFAULT_FLUSH_MS, type SessionWriterOptions, type FlushTimer } from './writer';
export { openSession, type OpenSessionOptions, type OpenedSession } from './reader';
export { saveSession, type SessionContent, type SaveSessionOptions } from './save';
export type { Session, SessionRun } from './model';
export { SESSION_FORMAT, SESSION_VERSION, FINAL_STATES, type RunMeta, type RunStatus, type SessionRunState, type StartedInfo } from './records';
