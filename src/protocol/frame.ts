import { MAX_FRAME_BYTES, MAX_FRAME_EDGE, MAX_FRAME_PIXELS } from './limits.js';

/**
 * Binary frame codec. One WebSocket binary message carries one tile of one captured frame:
 *
 * | offset | size | field                                                        |
 * |-------:|-----:|--------------------------------------------------------------|
 * | 0      | 2    | magic `0x55 0x46` ("UF")                                     |
 * | 2      | 1    | version (1)                                                  |
 * | 3      | 1    | encoding: 1 jpeg, 2 webp, 3 png                              |
 * | 4      | 1    | flags: bit 0 last tile of the frame, bit 1 keyframe (full)   |
 * | 5      | 1    | reserved (0)                                                 |
 * | 6      | 2    | tile count of this frame                                     |
 * | 8      | 4    | sequence number of the frame (uint32, wraps)                 |
 * | 12     | 2    | tile x, in frame pixels                                      |
 * | 14     | 2    | tile y                                                       |
 * | 16     | 2    | tile width                                                   |
 * | 18     | 2    | tile height                                                  |
 * | 20     | 2    | full frame width, in pixels                                  |
 * | 22     | 2    | full frame height                                            |
 * | 24     | 8    | capture time, epoch milliseconds (float64)                   |
 * | 32     | ...  | the encoded image bytes of the tile                          |
 *
 * All integers are little-endian. The whole message is at most MAX_FRAME_BYTES; the frame is at
 * most MAX_FRAME_EDGE pixels a side and MAX_FRAME_PIXELS in all, and the tile lies inside it.
 * The image's own header must declare the tile's size (checkTile in tile-image.ts).
 */
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 32;
const MAGIC0 = 0x55;
const MAGIC1 = 0x46;

export const FrameEncoding = { jpeg: 1, webp: 2, png: 3 } as const;
export type FrameEncoding = (typeof FrameEncoding)[keyof typeof FrameEncoding];
export const FRAME_MIME: Record<FrameEncoding, string> = { 1: 'image/jpeg', 2: 'image/webp', 3: 'image/png' };

export const FrameFlags = { last: 1, keyframe: 2 } as const;

export interface FrameHeader {
  version: number;
  encoding: FrameEncoding;
  flags: number;
  tileCount: number;
  seq: number;
  x: number;
  y: number;
  width: number;
  height: number;
  frameWidth: number;
  frameHeight: number;
  capturedAt: number;
}

export interface Frame extends FrameHeader {
  /** The encoded image bytes (a view into the message, not a copy). */
  image: Uint8Array;
}

export class FrameError extends Error {
  constructor(
    message: string,
    readonly code: 'frameTooLarge' | 'badFrame' | 'wrongRole',
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

const u16 = (n: number, name: string) => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new FrameError(`${name} must be an integer 0..65535, got ${n}`, 'badFrame');
  return n;
};

export function encodeFrame(header: Omit<FrameHeader, 'version'>, image: Uint8Array): Uint8Array {
  const total = FRAME_HEADER_BYTES + image.byteLength;
  if (total > MAX_FRAME_BYTES) throw new FrameError(`frame of ${total} bytes is over the ${MAX_FRAME_BYTES}-byte cap`, 'frameTooLarge');
  if (!(header.encoding in FRAME_MIME)) throw new FrameError(`unknown encoding ${header.encoding}`, 'badFrame');
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out[0] = MAGIC0;
  out[1] = MAGIC1;
  out[2] = FRAME_VERSION;
  out[3] = header.encoding;
  out[4] = header.flags & 0xff;
  out[5] = 0;
  dv.setUint16(6, u16(header.tileCount, 'tileCount'), true);
  dv.setUint32(8, header.seq >>> 0, true);
  dv.setUint16(12, u16(header.x, 'x'), true);
  dv.setUint16(14, u16(header.y, 'y'), true);
  dv.setUint16(16, u16(header.width, 'width'), true);
  dv.setUint16(18, u16(header.height, 'height'), true);
  dv.setUint16(20, u16(header.frameWidth, 'frameWidth'), true);
  dv.setUint16(22, u16(header.frameHeight, 'frameHeight'), true);
  dv.setFloat64(24, header.capturedAt, true);
  out.set(image, FRAME_HEADER_BYTES);
  return out;
}

/** Reads and checks a frame header; throws FrameError on anything malformed. */
export function decodeFrame(data: ArrayBuffer | ArrayBufferView): Frame {
  const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
  if (bytes.byteLength > MAX_FRAME_BYTES) throw new FrameError(`frame of ${bytes.byteLength} bytes is over the ${MAX_FRAME_BYTES}-byte cap`, 'frameTooLarge');
  if (bytes.byteLength < FRAME_HEADER_BYTES) throw new FrameError(`frame of ${bytes.byteLength} bytes is shorter than its ${FRAME_HEADER_BYTES}-byte header`, 'badFrame');
  if (bytes[0] !== MAGIC0 || bytes[1] !== MAGIC1) throw new FrameError('frame does not start with the "UF" magic', 'badFrame');
  if (bytes[2] !== FRAME_VERSION) throw new FrameError(`unsupported frame version ${bytes[2]}`, 'badFrame');
  const encoding = bytes[3] as FrameEncoding;
  if (!(encoding in FRAME_MIME)) throw new FrameError(`unknown frame encoding ${encoding}`, 'badFrame');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const f: Frame = {
    version: bytes[2],
    encoding,
    flags: bytes[4],
    tileCount: dv.getUint16(6, true),
    seq: dv.getUint32(8, true),
    x: dv.getUint16(12, true),
    y: dv.getUint16(14, true),
    width: dv.getUint16(16, true),
    height: dv.getUint16(18, true),
    frameWidth: dv.getUint16(20, true),
    frameHeight: dv.getUint16(22, true),
    capturedAt: dv.getFloat64(24, true),
    image: bytes.subarray(FRAME_HEADER_BYTES),
  };
  checkFrameGeometry(f);
  return f;
}

/** Throws FrameError unless the frame is within the size caps and the tile lies inside it. */
export function checkFrameGeometry(f: FrameHeader): void {
  if (f.frameWidth > MAX_FRAME_EDGE || f.frameHeight > MAX_FRAME_EDGE || f.frameWidth * f.frameHeight > MAX_FRAME_PIXELS) {
    throw new FrameError(
      `a ${f.frameWidth}x${f.frameHeight} frame is over the cap (${MAX_FRAME_EDGE} pixels a side, ${MAX_FRAME_PIXELS} in all)`,
      'frameTooLarge',
    );
  }
  if (f.width === 0 || f.height === 0 || f.x + f.width > f.frameWidth || f.y + f.height > f.frameHeight) {
    throw new FrameError(`tile ${f.width}x${f.height}+${f.x}+${f.y} does not fit the ${f.frameWidth}x${f.frameHeight} frame`, 'badFrame');
  }
}
