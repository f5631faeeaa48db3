/** A malformed or inconsistent trace line, named by file and 1-based line number. */
export class TraceError extends Error {
  override readonly name = 'TraceError';

  constructor(
    /** The file name as the caller gave it to the reader. */
    readonly file: string,
    /** 1-based line number. */
    readonly line: number,
    /** The offending line, without its line end, cut to about 200 characters. */
    readonly text: string,
    /** What is wrong, without the location. */
    readonly reason: string,
  ) {
    super(formatTraceMessage(file, line, text, reason));
  }
}

/** `FILE:LINE: reason (got: "text")`, the shape compilers use so editors can jump to the line. */
export function formatTraceMessage(file: string, line: number, text: string, reason: string): string {
  const head = `${file}:${line}: ${reason}`;
  return text === '' ? head : `${head} (got: ${JSON.stringify(text)})`;
}

/** One line skipped under `skipBadLines`. */
export interface BadLine {
  line: number;
  text: string;
  reason: string;
}
