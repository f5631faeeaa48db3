/**
 * `trace-replay` — the sixteenth workload: replay a captured allocation stream (a pymtrace file,
 * see the trace format doc) instead of generating one. It is declared here only as a schema
 * entry: its single parameter is a file path, which the pure generators' numeric schema does not
 * carry, and reading the file belongs to the host. The trace reader in `shared/trace/` turns the
 * file's text into the same `OpBatch` stream the generators write.
 */
export const TRACE_REPLAY = {
  name: 'trace-replay',
  version: 1,
  title: 'Replay a captured trace',
  description:
    'Replays the ALLOC / FREE / REALLOC operations of a trace file, for example one captured from a real program ' +
    'with a PEP 445 allocator hook, so that any CPython version can be asked how it would have kept that memory.',
  params: [{ kind: 'path', name: 'path', description: 'The trace file to replay.' }],
} as const;
