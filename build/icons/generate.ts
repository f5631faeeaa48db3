/**
 * Renders build/icons/icon.svg into every icon the installers need, next to it:
 *
 *   png/NxN.png   16 … 1024 (Linux icon set; electron-builder reads the size from the name)
 *   icon.png      1024 (the window icon and any tool wanting one PNG)
 *   icon.ico      16, 24, 32, 48, 64, 128, 256 (Windows, via png-to-ico)
 *   icon.icns     16 … 1024 as PNG chunks (macOS, written by icns.ts)
 *
 * Run `npx tsx build/icons/generate.ts` after editing the SVG and commit the outputs: packaging
 * uses the committed files and never renders.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCanvas, Image } from '@napi-rs/canvas';
import pngToIco from 'png-to-ico';
import { encodeIcns, ICNS_PNG_TYPES, type IcnsType } from './icns';

export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;

/** The SVG rasterised at `size` × `size` pixels, as a PNG file. */
export async function renderPng(svg: Buffer, size: number): Promise<Buffer> {
  // An Image given a size renders an SVG source at that size (vector, not a scaled bitmap).
  const image = new Image(size, size);
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('cannot decode the SVG'));
  });
  image.src = svg;
  await loaded;
  const canvas = createCanvas(size, size);
  canvas.getContext('2d').drawImage(image, 0, 0, size, size);
  return canvas.encode('png');
}

export interface GeneratedIcons {
  pngs: Map<number, Buffer>;
  ico: Buffer;
  icns: Uint8Array;
}

export async function renderIcons(svg: Buffer): Promise<GeneratedIcons> {
  const pngs = new Map<number, Buffer>();
  for (const size of PNG_SIZES) pngs.set(size, await renderPng(svg, size));
  const ico = await pngToIco(ICO_SIZES.map((size) => pngs.get(size)!));
  const icns = encodeIcns((Object.entries(ICNS_PNG_TYPES) as [IcnsType, number][]).map(([type, size]) => ({ type, data: pngs.get(size)! })));
  return { pngs, ico, icns };
}

export async function generateIcons(dir: string): Promise<string[]> {
  const { pngs, ico, icns } = await renderIcons(await readFile(join(dir, 'icon.svg')));
  const written: string[] = [];
  const write = async (name: string, data: Uint8Array): Promise<void> => {
    await writeFile(join(dir, name), data);
    written.push(name);
  };
  await mkdir(join(dir, 'png'), { recursive: true });
  for (const [size, png] of pngs) await write(join('png', `${size}x${size}.png`), png);
  await write('icon.png', pngs.get(1024)!);
  await write('icon.ico', ico);
  await write('icon.icns', icns);
  return written;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = import.meta.dirname;
  generateIcons(dir).then(
    (names) => console.log(`wrote ${names.length} files in ${dir}: ${names.join(', ')}`),
    (error: unknown) => {
      console.error('icons: generation failed:', error);
      process.exit(1);
    },
  );
}
