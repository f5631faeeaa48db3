/**
 * Gzip members that carry their own length, so a reader can walk a session file member by member
 * (like BGZF): every flush of the writer is one complete member, checked by its own CRC-32, and a
 * torn or damaged member costs only what follows it. The file stays one ordinary multi-member gzip
 * stream that any gunzip reads.
 *
 * The length lives in the optional FEXTRA header field (RFC 1952 §2.3.1.1) as subfield `AS`, 4 bytes
 * little-endian: the size of the whole member in bytes, header to trailer.
 */
import { promisify } from 'node:util';
import { constants, gunzipSync, gzip } from 'node:zlib';
import { errorMessage } from '../../../shared/errors';

const gzipAsync = promisify(gzip);

const ID1 = 0x1f;
const ID2 = 0x8b;
const CM_DEFLATE = 8;
const FEXTRA = 4;
const BASE_HEADER = 10;
/** XLEN (2) + SI1 SI2 (2) + LEN (2) + size (4). */
const EXTRA_BYTES = 10;
const SI1 = 0x41; // 'A'
const SI2 = 0x53; // 'S'

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === ID1 && bytes[1] === ID2;
}

/** Compresses `data` on the thread pool into one sized member. */
export async function sizedMember(data: Uint8Array): Promise<Buffer> {
  const plain = await gzipAsync(data);
  // zlib writes a bare 10-byte header (no optional fields); insert FEXTRA after it.
  if (plain[3] !== 0) throw new Error('unexpected gzip header flags from zlib');
  const out = Buffer.allocUnsafe(plain.length + EXTRA_BYTES);
  plain.copy(out, 0, 0, BASE_HEADER);
  out[3] = FEXTRA;
  out.writeUInt16LE(EXTRA_BYTES - 2, BASE_HEADER);
  out[BASE_HEADER + 2] = SI1;
  out[BASE_HEADER + 3] = SI2;
  out.writeUInt16LE(4, BASE_HEADER + 4);
  out.writeUInt32LE(out.length, BASE_HEADER + 6);
  plain.copy(out, BASE_HEADER + EXTRA_BYTES, BASE_HEADER);
  return out;
}

/** What is at one offset of a gzip file. */
export type MemberAt =
  /** A sized member, decompressed and checked (CRC-32 and length). */
  | { kind: 'member'; size: number; data: Buffer }
  /** A member without our size field (the file was recompressed by another tool): read the rest as one stream. */
  | { kind: 'foreign' }
  /** The file ends inside the member. */
  | { kind: 'truncated'; reason: string }
  | { kind: 'corrupt'; reason: string };

/** What the header of the member at one offset says, before any of it is decompressed. */
export type MemberHead = { kind: 'sized'; size: number } | { kind: 'foreign' } | { kind: 'truncated'; reason: string } | { kind: 'corrupt'; reason: string };

/** Bytes of a member header that say everything memberHead needs. */
export const MEMBER_HEAD_BYTES = BASE_HEADER + EXTRA_BYTES;

/**
 * Reads a member's header from `head` (the first MEMBER_HEAD_BYTES bytes at the offset, or fewer
 * when the file has fewer; `left` is what the file has from the offset on).
 */
export function memberHead(head: Uint8Array, left: number): MemberHead {
  if (left < BASE_HEADER) {
    // A torn header still starts with the magic bytes; anything else is damage.
    const torn = left < 1 || head[0] === ID1;
    return torn ? { kind: 'truncated', reason: `the file ends ${left} bytes into a gzip header` } : { kind: 'corrupt', reason: 'not a gzip member' };
  }
  if (head[0] !== ID1 || head[1] !== ID2 || head[2] !== CM_DEFLATE) return { kind: 'corrupt', reason: 'not a gzip member' };
  const flags = head[3]!;
  if ((flags & FEXTRA) === 0) return { kind: 'foreign' };
  if (left < BASE_HEADER + EXTRA_BYTES) return { kind: 'truncated', reason: 'the file ends inside a gzip header' };
  const view = Buffer.from(head.buffer, head.byteOffset, BASE_HEADER + EXTRA_BYTES);
  if (
    view.readUInt16LE(BASE_HEADER) !== EXTRA_BYTES - 2 ||
    view[BASE_HEADER + 2] !== SI1 ||
    view[BASE_HEADER + 3] !== SI2 ||
    view.readUInt16LE(BASE_HEADER + 4) !== 4
  ) {
    return { kind: 'foreign' };
  }
  const size = view.readUInt32LE(BASE_HEADER + 6);
  if (size < BASE_HEADER + EXTRA_BYTES + 8) return { kind: 'corrupt', reason: `member size ${size} is impossible` };
  if (size > left) return { kind: 'truncated', reason: `the member needs ${size} bytes, the file has ${left} left` };
  return { kind: 'sized', size };
}

export function memberAt(bytes: Uint8Array, offset: number): MemberAt {
  const head = memberHead(bytes.subarray(offset, offset + MEMBER_HEAD_BYTES), bytes.length - offset);
  if (head.kind !== 'sized') return head;
  const { size } = head;
  const member = bytes.subarray(offset, offset + size);
  // The trailer's ISIZE says how big the output is: one output buffer of that size instead of a
  // 16 KiB default per member (capped, since a damaged ISIZE must not allocate much).
  const isize = Buffer.from(member.buffer, member.byteOffset + size - 4, 4).readUInt32LE(0);
  let data: Buffer;
  try {
    data = gunzipSync(member, { chunkSize: Math.min(Math.max(isize, 64), 1 << 20) });
  } catch (error) {
    return { kind: 'corrupt', reason: `gzip member damaged (${errorMessage(error)})` };
  }
  // ISIZE of the member's trailer: a size field damaged to span two members would pass gunzip.
  if (isize !== data.length % 2 ** 32) {
    return { kind: 'corrupt', reason: 'member size does not match its trailer' };
  }
  return { kind: 'member', size, data };
}

/**
 * The rest of a foreign gzip stream, as far as it decompresses: a truncated stream gives what came
 * before the cut; a damaged one is reported.
 */
export function inflateForeign(bytes: Uint8Array): { data: Buffer; problem?: string } {
  try {
    return { data: gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }) };
  } catch (error) {
    return { data: Buffer.alloc(0), problem: `gzip stream damaged (${errorMessage(error)})` };
  }
}

/** Decompresses at most the first bytes of a gzip stream, for a cheap look at the header. */
export function inflatePrefix(bytes: Uint8Array): Buffer {
  try {
    return gunzipSync(bytes.subarray(0, 1 << 16), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

/** Compressed bytes and inflated text of a member run at most: one call's worth, and a bound on what a reader holds. */
export const RUN_BYTES = 256 << 10;
/** Members in a run at most. */
const RUN_MEMBERS = 512;

/** One member of a run: its size, and its trailer's ISIZE (the inflated size, mod 2^32). */
export interface RunMember {
  size: number;
  isize: number;
}

/**
 * The sized members at the start of `bytes` (the first one `first` bytes long, already checked),
 * as many as are whole in `bytes` and fit RUN_BYTES both ways: a run a reader inflates in one call
 * (inflateRun) instead of one zlib call per member, which for a long live session's thousands of
 * small members cost more than the inflating itself. A member not sized or over `maxMember` ends it.
 */
export function memberRun(bytes: Uint8Array, first: number, maxMember: number): RunMember[] {
  const run: RunMember[] = [];
  let at = 0;
  let size = first;
  let text = 0;
  for (;;) {
    const isize = Buffer.from(bytes.buffer, bytes.byteOffset + at + size - 4, 4).readUInt32LE(0);
    if (run.length > 0 && (at + size > RUN_BYTES || text + isize > RUN_BYTES)) break;
    run.push({ size, isize });
    at += size;
    text += isize;
    if (run.length === RUN_MEMBERS || bytes.length - at < MEMBER_HEAD_BYTES) break;
    const h = memberHead(bytes.subarray(at, at + MEMBER_HEAD_BYTES), bytes.length - at);
    if (h.kind !== 'sized' || h.size > maxMember) break;
    size = h.size;
  }
  return run;
}

/**
 * Inflates a member run (from the start of `bytes`) in one call, and cuts the text into the
 * members' texts by their ISIZE. Null when anything is off — the run does not inflate, or the text is
 * not exactly the sum of the ISIZEs — so that the caller reads the members one by one, and names
 * the damaged one. (zlib checks each member's CRC-32 on the way; a size field damaged to span two
 * members shows as text that does not add up.)
 */
export function inflateRun(bytes: Uint8Array, run: readonly RunMember[]): { parts: Buffer[]; whole: number } | null {
  let compressed = 0;
  let whole = 0;
  for (const m of run) {
    compressed += m.size;
    whole += m.isize;
  }
  let data: Buffer;
  try {
    data = gunzipSync(bytes.subarray(0, compressed), { chunkSize: Math.min(Math.max(whole, 64), RUN_BYTES) });
  } catch {
    return null;
  }
  if (data.length !== whole) return null;
  const parts: Buffer[] = [];
  let at = 0;
  for (const m of run) {
    parts.push(data.subarray(at, at + m.isize));
    at += m.isize;
  }
  return { parts, whole };
}
