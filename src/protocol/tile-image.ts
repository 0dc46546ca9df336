/**
 * The pixel size an encoded tile image declares in its own header, read without decoding it.
 *
 * A frame header says where a tile goes and how big it is; the image bytes say how big they
 * decode. A tile whose image decodes to 16000 x 16000 pixels in a 1 x 1 rectangle would make the
 * viewer allocate a gigabyte, so the relay refuses such tiles and the viewer drops them before it
 * decodes anything: both read the size here, from the PNG IHDR, the JPEG SOF or the WebP VP8/VP8L/
 * VP8X header. Only the header is read; the scan over JPEG segments is bounded by the tile's bytes.
 */
import { checkFrameGeometry, FrameEncoding, FrameError, type Frame } from './frame.js';

export interface ImageSize {
  width: number;
  height: number;
}

/** The size the image's header declares, or null when the header is missing or malformed. */
export function imageSize(encoding: FrameEncoding, bytes: Uint8Array): ImageSize | null {
  if (encoding === FrameEncoding.png) return pngSize(bytes);
  if (encoding === FrameEncoding.jpeg) return jpegSize(bytes);
  if (encoding === FrameEncoding.webp) return webpSize(bytes);
  return null;
}

/**
 * Throws FrameError (`badFrame`, or `frameTooLarge` for a frame over the caps) unless the tile
 * lies inside a frame within the caps and its image declares exactly the tile's size.
 */
export function checkTile(frame: Frame): void {
  checkFrameGeometry(frame);
  const size = imageSize(frame.encoding, frame.image);
  if (!size) throw new FrameError('the tile image has no readable size in its header', 'badFrame');
  if (size.width !== frame.width || size.height !== frame.height) {
    throw new FrameError(`the tile image is ${size.width}x${size.height} pixels, but its tile is ${frame.width}x${frame.height}`, 'badFrame');
  }
}

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const be32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const le24 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const ascii = (b: Uint8Array, i: number, text: string) => [...text].every((c, k) => b[i + k] === c.charCodeAt(0));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The IHDR chunk comes first, right after the signature. */
function pngSize(b: Uint8Array): ImageSize | null {
  if (b.length < 24 || PNG_SIGNATURE.some((v, i) => b[i] !== v) || !ascii(b, 12, 'IHDR')) return null;
  return { width: be32(b, 16), height: be32(b, 20) };
}

/** Walks the segments up to the first start-of-frame (SOFn), which holds the size. */
function jpegSize(b: Uint8Array): ImageSize | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // Markers without a length: TEM, RSTn.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    // Image data or its end before any size: not an image a viewer could draw.
    if (marker === 0xd9 || marker === 0xda) return null;
    const length = be16(b, i + 2);
    if (length < 2) return null;
    // SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > b.length) return null;
      return { width: be16(b, i + 7), height: be16(b, i + 5) };
    }
    i += 2 + length;
  }
  return null;
}

/** RIFF container, then one of the three WebP formats' headers. */
function webpSize(b: Uint8Array): ImageSize | null {
  if (b.length < 30 || !ascii(b, 0, 'RIFF') || !ascii(b, 8, 'WEBP')) return null;
  if (ascii(b, 12, 'VP8 ')) {
    // Lossy: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return { width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
  }
  if (ascii(b, 12, 'VP8L')) {
    // Lossless: signature 2f, then width-1 and height-1 in 14 bits each.
    if (b[20] !== 0x2f) return null;
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(b, 12, 'VP8X')) {
    // Extended (alpha, animation): the canvas size, width-1 and height-1 in 24 bits each.
    return { width: le24(b, 24) + 1, height: le24(b, 27) + 1 };
  }
  return null;
}
