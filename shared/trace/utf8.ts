/**
 * UTF-8 for the few strings a trace carries (checkpoint labels, comments, error excerpts), and the
 * writer's text as a whole.
 *
 * shared/ is type-checked without DOM or Node types, so TextDecoder is not available here; labels are
 * rare and short, so a small decoder is enough. Invalid sequences become U+FFFD, as a lenient reader
 * of captured traces should not fail on a label.
 */

const REPLACEMENT = 0xfffd;
/** Keeps String.fromCharCode's argument list well inside engines' limits. */
const PIECE = 4096;

export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return decodeAscii(bytes, start, end);

  const units: number[] = [];
  let i = start;
  while (i < end) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      units.push(b0);
      i++;
      continue;
    }
    let need: number;
    let code: number;
    let min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      code = b0 & 0x1f;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      code = b0 & 0x0f;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      code = b0 & 0x07;
      min = 0x10000;
    } else {
      units.push(REPLACEMENT);
      i++;
      continue;
    }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++, j++) {
      const b = j < end ? bytes[j]! : 0;
      if ((b & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      code = (code << 6) | (b & 0x3f);
    }
    // One replacement per broken sequence; resume at the byte that broke it.
    if (!ok || code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      units.push(REPLACEMENT);
      i = ok ? j : Math.max(j, i + 1);
      continue;
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
    } else {
      units.push(code);
    }
    i = j;
  }
  let out = '';
  for (let k = 0; k < units.length; k += PIECE) {
    out += String.fromCharCode(...units.slice(k, k + PIECE));
  }
  return out;
}

function decodeAscii(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let k = start; k < end; k += PIECE) {
    out += String.fromCharCode(...bytes.subarray(k, Math.min(end, k + PIECE)));
  }
  return out;
}

/** The UTF-8 bytes of `text` (lone surrogates become U+FFFD, as TextEncoder does). */
export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = REPLACEMENT;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}
