/**
 * A minimal ZIP archive writer (PKWARE APPNOTE 6.3: local headers, deflated or stored entries,
 * central directory; no ZIP64, so at most 65,535 files and 4 GiB): how the app hands several
 * export files to a browser as one download.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Uint8Array | string;
}

/** What a local header and the central directory both say of an entry. */
interface EntryFields {
  /** 0 stored, 8 deflated. */
  method: number;
  time: number;
  date: number;
  crc: number;
  compressed: number;
  size: number;
  nameLength: number;
}

/**
 * The run of fields a local header (from byte 4) and a central directory record (from byte 6, after
 * "version made by") share, in the same order: version needed, flags, method, time, date, CRC-32,
 * compressed size, size, name length.
 */
function writeEntryFields(b: Buffer, at: number, f: EntryFields): void {
  b.writeUInt16LE(20, at); // version needed: 2.0
  b.writeUInt16LE(0x0800, at + 2); // flags: names in UTF-8
  b.writeUInt16LE(f.method, at + 4);
  b.writeUInt16LE(f.time, at + 6);
  b.writeUInt16LE(f.date, at + 8);
  b.writeUInt32LE(f.crc, at + 10);
  b.writeUInt32LE(f.compressed, at + 14);
  b.writeUInt32LE(f.size, at + 18);
  b.writeUInt16LE(f.nameLength, at + 22);
}

/** DOS date and time of `d` (local time), as ZIP stores them. */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

export function zip(entries: readonly ZipEntry[], now = new Date()): Uint8Array {
  const { time, date } = dosTime(now);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);
    const deflated = deflateRawSync(raw);
    const stored = deflated.length >= raw.length;
    const body = stored ? raw : deflated;
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(raw);
    if (raw.length > 0xffffffff || offset > 0xffffffff) throw new RangeError('zip: an entry or the archive exceeds 4 GiB (ZIP64 is not supported)');
    const local = Buffer.alloc(30);
    const fields: EntryFields = { method: stored ? 0 : 8, time, date, crc, compressed: body.length, size: raw.length, nameLength: name.length };
    local.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(local, 4, fields); // then the extra field's length: 0
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0
    writeEntryFields(central, 6, fields);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  if (entries.length > 0xffff) throw new RangeError('zip: more than 65,535 entries');
  const dirSize = centrals.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
