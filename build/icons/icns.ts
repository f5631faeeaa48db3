/**
 * The Apple icon container (.icns), written by hand: it is a simple chunked format.
 *
 *   file   = 'icns' (4 bytes) · total length (u32, big-endian, header included) · chunk*
 *   chunk  = OSType (4 bytes) · length (u32 BE, its own 8-byte header included) · data
 *
 * Since macOS 10.7 the chunks below may hold a whole PNG file as their data, which is all we write
 * (no legacy RLE bitmaps, no masks, no table of contents: all optional).
 */

/** PNG-capable icon types and the pixel size of the image each holds. */
export const ICNS_PNG_TYPES = {
  icp4: 16,
  icp5: 32,
  ic11: 32, // 16x16@2x
  icp6: 64,
  ic12: 64, // 32x32@2x
  ic07: 128,
  ic08: 256,
  ic13: 256, // 128x128@2x
  ic09: 512,
  ic14: 512, // 256x256@2x
  ic10: 1024, // 512x512@2x
} as const;

export type IcnsType = keyof typeof ICNS_PNG_TYPES;

export interface IcnsChunk {
  type: string;
  data: Uint8Array;
}

const HEADER = 8;

/** The container holding `chunks` in the order given. */
export function encodeIcns(chunks: readonly IcnsChunk[]): Uint8Array {
  const total = HEADER + chunks.reduce((sum, c) => sum + HEADER + c.data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  writeType(out, 0, 'icns');
  view.setUint32(4, total);
  let at = HEADER;
  for (const chunk of chunks) {
    writeType(out, at, chunk.type);
    view.setUint32(at + 4, HEADER + chunk.data.length);
    out.set(chunk.data, at + HEADER);
    at += HEADER + chunk.data.length;
  }
  return out;
}

/** The chunks of an .icns file (to check what `encodeIcns` wrote); throws on a malformed file. */
export function decodeIcns(bytes: Uint8Array): IcnsChunk[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER || readType(bytes, 0) !== 'icns') throw new Error('not an icns file (no "icns" magic)');
  const total = view.getUint32(4);
  if (total !== bytes.length) throw new Error(`icns length field says ${total} bytes, the file has ${bytes.length}`);
  const chunks: IcnsChunk[] = [];
  let at = HEADER;
  while (at < total) {
    if (at + HEADER > total) throw new Error(`truncated chunk header at byte ${at}`);
    const length = view.getUint32(at + 4);
    if (length < HEADER || at + length > total) throw new Error(`bad chunk length ${length} at byte ${at}`);
    chunks.push({ type: readType(bytes, at), data: bytes.subarray(at + HEADER, at + length) });
    at += length;
  }
  return chunks;
}

function writeType(out: Uint8Array, at: number, type: string): void {
  if (!/^[\x20-\x7e]{4}$/.test(type)) throw new Error(`an icns type is four ASCII characters, not ${JSON.stringify(type)}`);
  for (let i = 0; i < 4; i++) out[at + i] = type.charCodeAt(i);
}

function readType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}
