/**
 * The recording agent's wire format (agent/src/agent_api.h): frames of a 32-byte header
 * (magic "ASR1", kind, count, reserved, produced u64, spilled bytes u64) followed by `count` 16-byte
 * records (value u64, size u32, op u32) or, for the last frame, `count` bytes of JSON summary.
 * Host byte order, which is the host's own (the agent runs on the same machine).
 */
import { InternalError } from '../../../shared/errors';

export const FRAME_MAGIC = 0x31525341;
export const FRAME_HEADER_BYTES = 32;
export const RECORD_BYTES = 16;
export const FRAME_RECORDS = 1;
export const FRAME_SUMMARY = 2;

/** Record ops (AGENT_OP_* in agent_api.h). */
export const AGENT_ALLOC = 1;
export const AGENT_FREE = 2;
export const AGENT_REALLOC = 3;
export const AGENT_CHECKPOINT = 4;
export const AGENT_ARENA = 5;
export const AGENT_RSS = 6;
export const AGENT_FORK = 7;

/** A record's op is in its low 8 bits; an ALLOC's site id (record --origins; 0: none) in the 24 above (AGENT_SITE_SHIFT). */
export const AGENT_OP_MASK = 0xff;
export const AGENT_SITE_SHIFT = 8;

/** Checkpoint label codes (AGENT_LABEL_*). */
export const CHECKPOINT_LABELS: readonly (string | null)[] = [null, 'start', 'end'];

/** A frame of records: `view` holds `count` records starting at `offset`. */
export interface RecordsFrame {
  readonly view: DataView;
  readonly offset: number;
  readonly count: number;
  /** a/f/r ops the program had made when the frame left it. */
  readonly produced: number;
  /** Bytes that went through the agent's spill file so far. */
  readonly spilledBytes: number;
}

/** What the agent reports last (agent_record_stop). */
export interface AgentSummary {
  ops_alloc: number;
  ops_free: number;
  ops_realloc: number;
  ops_checkpoint: number;
  peak_live_bytes: number;
  peak_live_blocks: number;
  final_live_bytes: number;
  final_live_blocks: number;
  skipped_unknown_frees: number;
  unknown_reallocs_logged_as_alloc: number;
  stale_address_implicit_frees: number;
  truncated: number;
  truncated_reason: string;
  arenas_start: number;
  arenas_peak: number;
  arenas_final: number;
  arena_allocs: number;
  arena_frees: number;
  forks: number;
  spilled_bytes: number;
  max_queued_chunks: number;
  /** The program's CPU time (all threads, the agent's writer included) when recording ended. */
  cpu_user_ms: number;
  cpu_sys_ms: number;
  /** 1 when the allocations carried sites (--origins); sites interned; allocations with no Python frame or no room left in the site table. */
  origins?: number;
  sites?: number;
  allocs_without_frame?: number;
  allocs_site_table_full?: number;
}

/** The agent's stream was not what the agent writes: where and why (our agent broke its own format: a bug). */
export class AgentStreamError extends InternalError {
  override readonly name = 'AgentStreamError';
}

/**
 * Cuts the byte stream into frames, whatever the chunking of the pipe. A frame (up to 1 MiB) comes
 * in many pipe chunks (64 KiB): they are kept as they come and joined once, when the frame is
 * complete, instead of the tail being copied again with every chunk.
 */
export class FrameDecoder {
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** Bytes needed before a frame can be cut: a header, then the frame the header announced. */
  private need = FRAME_HEADER_BYTES;
  private consumed = 0;
  summary: AgentSummary | null = null;

  constructor(private readonly onRecords: (frame: RecordsFrame) => void) {}

  push(chunk: Buffer): void {
    this.parts.push(chunk);
    this.partsBytes += chunk.length;
    if (this.partsBytes < this.need) return;
    const buf = this.parts.length === 1 ? chunk : Buffer.concat(this.parts, this.partsBytes);
    let at = 0;
    this.need = FRAME_HEADER_BYTES;
    while (buf.length - at >= FRAME_HEADER_BYTES) {
      const view = new DataView(buf.buffer, buf.byteOffset + at, FRAME_HEADER_BYTES);
      const magic = view.getUint32(0, true);
      if (magic !== FRAME_MAGIC) {
        throw new AgentStreamError(`agent stream: bad frame header at byte ${this.consumed + at} (magic 0x${magic.toString(16)})`);
      }
      const kind = view.getUint32(4, true);
      const count = view.getUint32(8, true);
      const body = kind === FRAME_RECORDS ? count * RECORD_BYTES : count;
      if (kind !== FRAME_RECORDS && kind !== FRAME_SUMMARY)
        throw new AgentStreamError(`agent stream: unknown frame kind ${kind} at byte ${this.consumed + at}`);
      if (buf.length - at < FRAME_HEADER_BYTES + body) {
        this.need = FRAME_HEADER_BYTES + body;
        break;
      }
      const start = at + FRAME_HEADER_BYTES;
      if (kind === FRAME_RECORDS) {
        this.onRecords({
          view: new DataView(buf.buffer, buf.byteOffset + start, body),
          offset: 0,
          count,
          produced: Number(view.getBigUint64(16, true)),
          spilledBytes: Number(view.getBigUint64(24, true)),
        });
      } else {
        const text = buf.toString('utf8', start, start + body);
        try {
          this.summary = JSON.parse(text) as AgentSummary;
        } catch {
          throw new AgentStreamError(`agent stream: the summary frame is not JSON: ${text.slice(0, 200)}`);
        }
      }
      at = start + body;
    }
    this.consumed += at;
    // Copy the tail: the chunk's memory belongs to the stream.
    this.parts = at < buf.length ? [Buffer.from(buf.subarray(at))] : [];
    this.partsBytes = buf.length - at;
  }

  /** Bytes of an incomplete frame left at the end (a program killed mid-write). */
  get leftover(): number {
    return this.partsBytes;
  }
}
