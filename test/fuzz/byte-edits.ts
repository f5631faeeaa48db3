// Damage to a file's bytes, for the fuzz targets that read files (traces, sessions). Each edit sits
// at a relative position (0 to 1), so one drawn edit applies to input of any length.

export type ByteEdit =
  | { m: 'truncate'; at: number }
  | { m: 'flip'; at: number; bit: number }
  | { m: 'set'; at: number; byte: number }
  | { m: 'insert'; at: number; bytes: Uint8Array }
  | { m: 'cut-out'; at: number; len: number };

/** The byte index (0 to b.length) that a relative position falls on. */
export function bytePosition(b: Uint8Array, at: number): number {
  return Math.min(b.length, Math.floor(at * (b.length + 1)));
}

/** `b` with one edit applied; `b` itself is left as it was. */
export function applyByteEdit(b: Uint8Array, edit: ByteEdit): Uint8Array {
  const at = bytePosition(b, edit.at);
  switch (edit.m) {
    case 'truncate':
      return b.subarray(0, at);
    case 'flip':
    case 'set': {
      if (at >= b.length) return b;
      const out = b.slice();
      out[at] = edit.m === 'flip' ? b[at]! ^ (1 << edit.bit) : edit.byte;
      return out;
    }
    case 'insert':
      return concatBytes([b.subarray(0, at), edit.bytes, b.subarray(at)]);
    case 'cut-out':
      return concatBytes([b.subarray(0, at), b.subarray(Math.min(b.length, at + edit.len))]);
  }
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
