// The committed icons: the .icns container writer, and every generated file present, of the
// right sizes, and still what build/icons/icon.svg renders to (regenerate: npm run icons).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { decodeIcns, encodeIcns, ICNS_PNG_TYPES } from '../../build/icons/icns';
import { ICO_SIZES, PNG_SIZES, renderPng } from '../../build/icons/generate';

const ICONS = join(import.meta.dirname, '..', '..', 'build', 'icons');
const read = (name: string): Buffer => readFileSync(join(ICONS, name));
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  const b = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  expect(b.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
  expect(b.toString('latin1', 12, 16)).toBe('IHDR');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('icns container', () => {
  it('writes the magic, the total length and each chunk with its own length', () => {
    const bytes = encodeIcns([
      { type: 'ic07', data: new Uint8Array([1, 2, 3]) },
      { type: 'ic10', data: new Uint8Array([]) },
    ]);
    expect(Buffer.from(bytes).toString('hex')).toBe(['69636e73', '0000001b', '69633037', '0000000b', '010203', '69633130', '00000008'].join(''));
    expect(decodeIcns(bytes).map((c) => [c.type, [...c.data]])).toEqual([
      ['ic07', [1, 2, 3]],
      ['ic10', []],
    ]);
  });

  it('refuses bad types and malformed files', () => {
    expect(() => encodeIcns([{ type: 'ic7', data: new Uint8Array() }])).toThrow(/four ASCII characters/);
    expect(() => decodeIcns(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 8]))).toThrow(/no "icns" magic/);
    const good = encodeIcns([{ type: 'ic07', data: new Uint8Array([1]) }]);
    expect(() => decodeIcns(good.subarray(0, good.length - 1))).toThrow(/length field/);
    const badChunk = Uint8Array.from(good);
    badChunk[15] = 200;
    expect(() => decodeIcns(badChunk)).toThrow(/bad chunk length/);
  });
});

describe('committed icons', () => {
  it('has the Linux PNG set, 16 to 1024', () => {
    for (const size of PNG_SIZES) expect(pngSize(read(join('png', `${size}x${size}.png`)))).toEqual([size, size]);
    expect(pngSize(read('icon.png'))).toEqual([1024, 1024]);
  });

  it('has a Windows .ico with every size up to 256', () => {
    const ico = read('icon.ico');
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico[6 + 16 * i]! || 256);
    expect(sizes.sort((a, b) => a - b)).toEqual([...ICO_SIZES]);
  });

  it('has a macOS .icns whose PNG chunks hold the sizes their types promise', () => {
    const chunks = decodeIcns(read('icon.icns'));
    expect(chunks.map((c) => c.type)).toEqual(Object.keys(ICNS_PNG_TYPES));
    for (const chunk of chunks) {
      const size = ICNS_PNG_TYPES[chunk.type as keyof typeof ICNS_PNG_TYPES];
      expect(pngSize(chunk.data)).toEqual([size, size]);
    }
  });

  it.each([32, 256])('still matches the SVG at %i px (run `npm run icons` after editing it)', async (size) => {
    const svg = read('icon.svg');
    const pixels = async (png: Buffer): Promise<Uint8ClampedArray> => {
      const canvas = createCanvas(size, size);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(await loadImage(png), 0, 0);
      return ctx.getImageData(0, 0, size, size).data;
    };
    const [fresh, committed] = await Promise.all([pixels(await renderPng(svg, size)), pixels(read(join('png', `${size}x${size}.png`)))]);
    let diff = 0;
    for (let i = 0; i < fresh.length; i++) diff += Math.abs(fresh[i]! - committed[i]!);
    // Rasterisers may differ by a unit here and there between platforms, not more.
    expect(diff / fresh.length).toBeLessThan(1);
  });
});
