/**
 * Draws the web app's icons and writes them as PNG files into `public/icons/`:
 * `node --import tsx web/app/make-icons.ts`. Deterministic (pure arithmetic, no fonts, no
 * image library), so running it again rewrites the committed files unchanged.
 *
 * The picture is a speech bubble holding a voice waveform. "any" icons have rounded
 * corners on a transparent ground; "maskable" ones fill the square, because the platform
 * cuts its own shape, and keep the drawing inside the central safe circle (radius 40 %).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

type Rgb = readonly [number, number, number];

export const themeColour: Rgb = [0x1f, 0x4d, 0x5c];
export const groundColour: Rgb = [0xf6, 0xf4, 0xef];

export interface IconFile {
  name: string;
  size: number;
  purpose: 'any' | 'maskable';
}

export const iconFiles: readonly IconFile[] = [
  { name: 'icon-192.png', size: 192, purpose: 'any' },
  { name: 'icon-512.png', size: 512, purpose: 'any' },
  { name: 'maskable-192.png', size: 192, purpose: 'maskable' },
  { name: 'maskable-512.png', size: 512, purpose: 'maskable' },
];

/** Samples per pixel side: 4 × 4 smooths the edges without any filtering code. */
const supersampling = 4;

/** Waveform bars: centre x and height, in units of the icon's side. */
const bars: readonly (readonly [number, number])[] = [
  [0.38, 0.06],
  [0.44, 0.14],
  [0.5, 0.2],
  [0.56, 0.14],
  [0.62, 0.06],
];

/** RGBA pixels, row by row, of one icon. */
export function renderIcon(size: number, purpose: IconFile['purpose']): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = supersampling * supersampling;
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      let red = 0;
      let green = 0;
      let blue = 0;
      let alpha = 0;
      for (let sampleRow = 0; sampleRow < supersampling; sampleRow += 1) {
        for (let sampleColumn = 0; sampleColumn < supersampling; sampleColumn += 1) {
          const x = (column + (sampleColumn + 0.5) / supersampling) / size;
          const y = (row + (sampleRow + 0.5) / supersampling) / size;
          const colour = colourAt(x, y, purpose);
          if (!colour) continue;
          red += colour[0];
          green += colour[1];
          blue += colour[2];
          alpha += 1;
        }
      }
      const offset = (row * size + column) * 4;
      if (alpha > 0) {
        pixels[offset] = Math.round(red / alpha);
        pixels[offset + 1] = Math.round(green / alpha);
        pixels[offset + 2] = Math.round(blue / alpha);
        pixels[offset + 3] = Math.round((alpha / samples) * 255);
      }
    }
  }
  return pixels;
}

/** The colour at a point (0..1 on both axes), or undefined where the icon is transparent. */
function colourAt(pointX: number, pointY: number, purpose: IconFile['purpose']): Rgb | undefined {
  if (purpose === 'any' && !insideRoundedRectangle(pointX, pointY, 0, 0, 1, 1, 0.22)) return undefined;
  // Without a mask to fit, the drawing may grow towards the corners.
  const scale = purpose === 'any' ? 1.25 : 1;
  const x = 0.5 + (pointX - 0.5) / scale;
  const y = 0.5 + (pointY - 0.5) / scale;
  const inBubble = insideRoundedRectangle(x, y, 0.26, 0.3, 0.74, 0.64, 0.08) || insideTriangle(x, y, [0.36, 0.62], [0.36, 0.74], [0.48, 0.62]);
  if (!inBubble) return themeColour;
  const onBar = bars.some(([centre, height]) => insideCapsule(x, y, centre, 0.47 - height / 2, 0.47 + height / 2, 0.0175));
  return onBar ? themeColour : groundColour;
}

function insideRoundedRectangle(x: number, y: number, left: number, top: number, right: number, bottom: number, radius: number): boolean {
  if (x < left || x > right || y < top || y > bottom) return false;
  const nearestX = Math.min(Math.max(x, left + radius), right - radius);
  const nearestY = Math.min(Math.max(y, top + radius), bottom - radius);
  return (x - nearestX) ** 2 + (y - nearestY) ** 2 <= radius ** 2;
}

/** A vertical bar with round ends: the points within `radius` of the segment from `top` to `bottom` at `centre`. */
function insideCapsule(x: number, y: number, centre: number, top: number, bottom: number, radius: number): boolean {
  const nearestY = Math.min(Math.max(y, top), bottom);
  return (x - centre) ** 2 + (y - nearestY) ** 2 <= radius ** 2;
}

function insideTriangle(x: number, y: number, a: readonly [number, number], b: readonly [number, number], c: readonly [number, number]): boolean {
  const side = (p: readonly [number, number], q: readonly [number, number]): number => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const first = side(a, b);
  const second = side(b, c);
  const third = side(c, a);
  return (first >= 0 && second >= 0 && third >= 0) || (first <= 0 && second <= 0 && third <= 0);
}

/** A PNG file (8-bit RGBA, no interlace) of these pixels. */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError(`encodePng: ${rgba.length} bytes is not ${width}×${height} RGBA pixels`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // colour type: RGBA
  // Bytes 10–12 stay 0: deflate compression, adaptive filtering, no interlace.
  const rowBytes = width * 4;
  const scanlines = Buffer.alloc(height * (rowBytes + 1));
  for (let row = 0; row < height; row += 1) {
    // Each scanline starts with its filter type; 0 (none) keeps the encoder trivially correct.
    rgba.copy(scanlines, row * (rowBytes + 1) + 1, row * rowBytes, (row + 1) * rowBytes);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(scanlines, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typeAndData), 0);
  return Buffer.concat([length, typeAndData, checksum]);
}

const crcTable = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

/** CRC-32 as PNG chunks use it (node:zlib has one only from Node 20.15). */
export function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export const iconsFolder = fileURLToPath(new URL('./public/icons/', import.meta.url));

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(iconsFolder, { recursive: true });
  for (const icon of iconFiles) {
    const file = path.join(iconsFolder, icon.name);
    writeFileSync(file, encodePng(icon.size, icon.size, renderIcon(icon.size, icon.purpose)));
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  }
}
