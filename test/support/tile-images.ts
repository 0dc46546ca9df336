/**
 * Tile image bytes for tests that only move frames around (the relay never decodes a tile): a
 * header that declares the tile's size, which the relay and the viewer check, then filler.
 */
import { FrameEncoding } from '../../src/protocol/index.js';

/** A JPEG (SOF0) or PNG (IHDR) header declaring `width` x `height`, padded with `fill` to `size` bytes. */
export function headerOnlyImage(encoding: typeof FrameEncoding.jpeg | typeof FrameEncoding.png, width: number, height: number, size = 0, fill = 0): Uint8Array {
  const hi = (n: number) => (n >> 8) & 0xff;
  const header =
    encoding === FrameEncoding.jpeg
      ? // SOI, then SOF0: length 17, precision 8, height, width, 3 components.
        [0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, hi(height), height & 0xff, hi(width), width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
      : // The signature, then IHDR: length 13, width, height, 8-bit RGBA, and a CRC (not checked).
        [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, hi(width), width & 0xff, 0, 0, hi(height), height & 0xff, 8, 6, 0, 0, 0, 0, 0, 0, 0];
  const out = new Uint8Array(Math.max(size, header.length)).fill(fill);
  out.set(header);
  return out;
}
