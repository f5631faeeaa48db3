import { InputError } from '../errors';

/** A malformed or inconsistent trace line, named by file and 1-based line number. */
export class TraceError extends InputError {
  override readonly name = 'TraceError';

  constructor(
    /** The file name as the caller gave it to the reader. */
    readonly file: string,
    /** 1-based line number. */
    readonly line: number,
    /** The offending line, without its line end, cut to about 200 characters. */
    readonly text: string,
    /** What is wrong, without the location (it may quote the line: a word, an id). */
    readonly reason: string,
    /** What is wrong as what was expected, quoting nothing of the file (`reason` when it quotes nothing). */
    readonly expected: string = reason,
  ) {
    super(formatTraceMessage(file, line, text, reason));
  }

  /**
   * `FILE:LINE: what was expected`, with nothing of the file's content: what a client that does not
   * own the file may see (a browser of `serve`). The full `message` is for the file's owner.
   */
  get contentFreeMessage(): string {
    return `${this.file}:${this.line}: ${this.expected}`;
  }
}

/**
 * `FILE:LINE: reason (got: "text")`, the shape compilers use so editors can jump to the line. A line
 * that is not text at all (a binary file given as a trace) is said to be so, quoting none of it: its
 * bytes would only fill the terminal with garbage.
 */
export function formatTraceMessage(file: string, line: number, text: string, reason: string): string {
  const head = `${file}:${line}: ${reason}`;
  if (looksBinary(text)) return `${head} (${BINARY_NOTE})`;
  return text === '' ? head : `${head} (got: ${JSON.stringify(text)})`;
}

export const BINARY_NOTE = 'this is binary data, not a trace: a pymtrace file is text, or gzip-compressed text (.gz)';

/** Undecodable bytes (U+FFFD after UTF-8 decoding) or control characters other than a tab. */
export function looksBinary(text: string): boolean {
  return NON_PRINTABLE.test(text);
}

const NON_PRINTABLE = /[\uFFFD\u0000-\u0008\u000B-\u001F\u007F]/;
const NON_PRINTABLES = new RegExp(NON_PRINTABLE.source, 'g');

/** `text` with what a terminal cannot show as itself written as \uXXXX escapes. */
export function printable(text: string): string {
  return text.replace(NON_PRINTABLES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One line skipped under `skipBadLines`. */
export interface BadLine {
  line: number;
  text: string;
  reason: string;
}
