/**
 * pymtrace v1 writer: operations in, text out (the caller encodes and stores it; text is ASCII except
 * for labels, so UTF-8 is the encoding to use).
 *
 *     const writer = new TraceWriter({ comments: ['workload churn, seed 7'] });
 *     writer.writeBatch(batch);        // or writer.alloc(id, size), .free(id), .realloc(id, size), .checkpoint(label)
 *     out.write(writer.take());        // the text written since the last take(), header first
 *
 * The writer does not track liveness; it checks only that each line it writes will parse. A reader
 * appends an implicit `end` checkpoint after the last line, so a stream read from a trace already ends
 * with that mark: write it back and the copy gets one more. `writeBatch`'s range lets a caller leave
 * it out.
 */
import { OP_ALLOC, OP_FREE, OP_MARK, OP_REALLOC, type OpBatch } from '../ops/op-batch';
import { ID_LIMIT, SIZE_LIMIT } from './reader';

export const TRACE_HEADER = '#pymtrace 1';

export interface TraceWriterOptions {
  /** Start with the `#pymtrace 1` header. Default true. */
  header?: boolean;
  /** Comment lines written after the header. */
  comments?: readonly string[];
}

export class TraceWriter {
  private text = '';

  constructor(options: TraceWriterOptions = {}) {
    if (options.header ?? true) this.text += `${TRACE_HEADER}\n`;
    for (const comment of options.comments ?? []) this.comment(comment);
  }

  alloc(id: number, size: number): void {
    this.text += `a ${checkId(id)} ${checkSize(size)}\n`;
  }

  free(id: number): void {
    this.text += `f ${checkId(id)}\n`;
  }

  realloc(id: number, size: number): void {
    this.text += `r ${checkId(id)} ${checkSize(size)}\n`;
  }

  /** `c label`; null or an empty label writes a bare `c`. */
  checkpoint(label: string | null): void {
    const text = label === null ? '' : oneLine(label);
    this.text += text === '' ? 'c\n' : `c ${text}\n`;
  }

  /** A `# text` line per line of `text`. */
  comment(text: string): void {
    for (const line of text.split(/\r?\n|\r/)) this.text += line === '' ? '#\n' : `# ${line}\n`;
  }

  /** Writes operations `start` to `end` (exclusive) of `batch`. */
  writeBatch(batch: OpBatch, start = 0, end = batch.length): void {
    const { kind, id, size } = batch;
    // One string per batch rather than one append per line keeps the rope shallow.
    let out = '';
    for (let i = start; i < end; i++) {
      switch (kind[i]) {
        case OP_ALLOC:
          out += `a ${checkId(id[i]!)} ${checkSize(size[i]!)}\n`;
          break;
        case OP_FREE:
          out += `f ${checkId(id[i]!)}\n`;
          break;
        case OP_REALLOC:
          out += `r ${checkId(id[i]!)} ${checkSize(size[i]!)}\n`;
          break;
        case OP_MARK: {
          const at = size[i]!;
          const label = at >= 0 ? oneLine(batch.labels[at] ?? '') : '';
          out += label === '' ? 'c\n' : `c ${label}\n`;
          break;
        }
        default:
          throw new RangeError(`TraceWriter: unknown op kind ${kind[i]} at ${i}`);
      }
    }
    this.text += out;
  }

  /** The text written since the last call. */
  take(): string {
    const text = this.text;
    this.text = '';
    return text;
  }
}

/** Writes whole batches to one string (for tests and small exports). */
export function formatTrace(batches: Iterable<OpBatch>, options: TraceWriterOptions = {}): string {
  const writer = new TraceWriter(options);
  for (const batch of batches) writer.writeBatch(batch);
  return writer.take();
}

function checkId(id: number): number {
  if (!(Number.isInteger(id) && id >= 0 && id < ID_LIMIT)) throw new RangeError(`TraceWriter: id ${id} is not an integer in [0, 2^53)`);
  return id;
}

function checkSize(size: number): number {
  if (!(Number.isInteger(size) && size >= 0 && size < SIZE_LIMIT)) throw new RangeError(`TraceWriter: size ${size} is not an integer in [0, 2^31)`);
  return size;
}

/** A label as a reader will give it back: on one line, trimmed. */
function oneLine(label: string): string {
  return label.replace(/[\r\n]+/g, ' ').trim();
}
