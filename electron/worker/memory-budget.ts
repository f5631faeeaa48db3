/**
 * The worker's memory budget: a run whose memory would outgrow it pauses with a clear message
 * (a `budget` event) instead of being killed by the operating system (or taking the machine into
 * swap); the host continues it with a larger budget (`set-budget`, then `resume`) or stops it, and
 * what it sampled stays either way.
 *
 * What is measured: the worker process's resident set (`process.memoryUsage.rss()`: the engine's
 * typed arrays, a trace's batches, V8's heap, everything), and — because a doubling of the engine's
 * arrays is the one big step a run takes — the engine's own arrays (`Allocator.modelBytes()`)
 * doubled. The budget is `ARENASCOPE_MEMORY_BUDGET_MB` from the worker's environment (the host's,
 * which launchers pass on), else DEFAULT_MEMORY_BUDGET_MB.
 */

export const DEFAULT_MEMORY_BUDGET_MB = 4096;
export const MEMORY_BUDGET_ENV = 'ARENASCOPE_MEMORY_BUDGET_MB';
/** How often (ms of wall time) a running session looks at its memory: a few system calls a second. */
export const MEMORY_CHECK_INTERVAL_MS = 50;

const MB = 1024 * 1024;

export interface MemoryBudgetSetting {
  megabytes: number;
  /** Set when the environment held something unusable (the default is used then). */
  warning: string | null;
}

/** The budget from an environment (`process.env`). */
export function memoryBudgetFromEnv(env: Readonly<Record<string, string | undefined>>): MemoryBudgetSetting {
  const raw = env[MEMORY_BUDGET_ENV];
  if (raw === undefined || raw.trim() === '') return { megabytes: DEFAULT_MEMORY_BUDGET_MB, warning: null };
  const value = Number(raw.trim());
  if (!Number.isFinite(value) || value <= 0) {
    return {
      megabytes: DEFAULT_MEMORY_BUDGET_MB,
      warning: `${MEMORY_BUDGET_ENV}=${JSON.stringify(raw)} is not a positive number of megabytes; using ${DEFAULT_MEMORY_BUDGET_MB}`,
    };
  }
  return { megabytes: value, warning: null };
}

export interface MemoryReading {
  /** The process's resident set, bytes. */
  rss: number;
  /** The engine's typed arrays, bytes. */
  modelBytes: number;
}

/**
 * Null while `reading` fits in `megabytes`; otherwise the reason the run must pause, naming the
 * operation count and what the memory is made of.
 */
export function overBudget(megabytes: number, reading: MemoryReading, ops: number): string | null {
  const limit = megabytes * MB;
  // The engine grows its arrays by doubling: stop before the step that could not fit.
  if (reading.rss <= limit && reading.modelBytes * 2 <= limit) return null;
  return (
    `memory budget of ${formatMB(megabytes)} MB reached at op ${ops} ` +
    `(live set: engine model ${formatMB(reading.modelBytes / MB)} MB, worker process ${formatMB(reading.rss / MB)} MB resident)`
  );
}

function formatMB(mb: number): string {
  return mb >= 10 ? String(Math.round(mb)) : String(Number(mb.toPrecision(2)));
}
