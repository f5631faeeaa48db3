/**
 * Why a worker process ended, in words for the user, and the stderr line that usually says it
 * (an uncaught error's message, V8's "JavaScript heap out of memory").
 */

export function exitReason(code: number | null, signal: string | null, lastStderrLine: string | null): string {
  const said = lastStderrLine ? `: ${lastStderrLine}` : '';
  if (signal !== null) return `killed by ${signal}${said}`;
  if (code === null) return `ended without an exit code${said}`;
  return `exited with code ${code}${said}`;
}

/**
 * Lines that never say what went wrong: stack frames ("    at f (file:1:2)"), V8's native frames
 * (" 1: 0xb8d0a3 node::Abort()"), section rulers ("----- Native stack trace -----", "<--- JS
 * stacktrace --->"), a source excerpt's caret, the version footer Node prints last, and the
 * properties Node prints after an error's stack ("  code: 'MODULE_NOT_FOUND',", "}").
 */
const NOISE = [
  /^at\s/,
  /^\d+:\s+0x[0-9a-f]+/i,
  /^Node\.js v\d/,
  /^-{3,}.*-{3,}$/,
  /^<-{2,}.*-{2,}>$/,
  /^\^+$/,
  /^[{}[\],]+$/,
  /^[a-z_$][\w$]*: ('.*'|".*"|-?\d[\d.e+-]*|\[.*\]|\{.*\}|\[|\{|true|false|null|undefined),?$/,
];

/** Keeps the last telling line of a text stream fed in arbitrary chunks. */
export class LastLine {
  private partial = '';
  private last: string | null = null;

  /** Feeds a chunk; calls `onLine` for each complete line. */
  push(chunk: string, onLine?: (line: string) => void): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    // A worker spraying output without newlines must not grow the partial line without bound.
    if (this.partial.length > 4096) this.partial = this.partial.slice(-4096);
    for (const line of parts) {
      onLine?.(line);
      this.consider(line);
    }
  }

  /** The last telling line (the unfinished one included), at most 500 characters. */
  get value(): string | null {
    const line = telling(this.partial) ?? this.last;
    return line === null ? null : line.slice(0, 500);
  }

  private consider(line: string): void {
    const t = telling(line);
    if (t !== null) this.last = t;
  }
}

function telling(line: string): string | null {
  const t = line.trim();
  return t === '' || NOISE.some((re) => re.test(t)) ? null : t;
}
