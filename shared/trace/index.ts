/** pymtrace v1: streaming reader (format notes in reader.ts), writer, in-memory columns. */
export { TraceError, formatTraceMessage, type BadLine } from './trace-error';
export {
  TraceReader,
  NO_LABEL,
  END_LABEL,
  DEFAULT_MAX_LINE_BYTES,
  ID_LIMIT,
  SIZE_LIMIT,
  type Checkpoint,
  type TraceReaderOptions,
  type TraceSummary,
} from './reader';
export { TraceWriter, formatTrace, TRACE_HEADER, type TraceWriterOptions } from './writer';
export { TraceColumnsBuilder, readTraceBytes, DEFAULT_BATCH_SIZE, type TraceColumns, type TraceCheckpoints, type ReadTraceOptions } from './trace-columns';
export { SITES_EXTENSION, parseSiteFrames, siteLine, type SiteFrame, type SiteTable } from './sites';
