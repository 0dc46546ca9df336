import { FrameEncoding } from '../protocol/index.js';
import type { TileRect } from './tiles.js';

const ENCODING_OF: Record<string, FrameEncoding> = {
  'image/jpeg': FrameEncoding.jpeg,
  'image/webp': FrameEncoding.webp,
  'image/png': FrameEncoding.png,
};

export interface EncodedTile {
  encoding: FrameEncoding;
  bytes: Uint8Array;
}

/**
 * Encodes one tile of a frame's pixels. `convertToBlob` compresses off the main thread; only the
 * pixel copy into the tile canvas runs here. The encoding reported is the one the browser really
 * used: a browser without a WebP encoder answers PNG, and the frame header must say so.
 */
export async function encodeTile(pixels: ImageData, tile: TileRect, type: string, quality: number): Promise<EncodedTile> {
  const canvas = new OffscreenCanvas(tile.width, tile.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('encodeTile: no 2d context on OffscreenCanvas');
  ctx.putImageData(pixels, -tile.x, -tile.y, tile.x, tile.y, tile.width, tile.height);
  const blob = await canvas.convertToBlob({ type, quality });
  const encoding = ENCODING_OF[blob.type];
  if (!encoding) throw new Error(`encodeTile: the browser encoded ${blob.type || 'nothing'}, which frames cannot carry`);
  return { encoding, bytes: new Uint8Array(await blob.arrayBuffer()) };
}
