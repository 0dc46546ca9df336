/**
 * Animated images (red team rt10, R8). The picture the copy draws loads each embedded image
 * afresh, so an animated one is drawn at the start of its own timeline: an SVG image fading its
 * cover in (SMIL or CSS animation), a GIF, APNG, WebP or AVIF sequence whose first frame is
 * transparent, while the visitor has long seen the cover opaque. Nothing a page can read gives the
 * frame it shows (a canvas draws an animated image's first frame too), so such an image is not
 * embedded: it is drawn grey where the page draws it (see coverUnembedded in copy-paint.ts), less
 * than the visitor sees and never more.
 */

/** Thrown for an animated image: the library then draws its placeholder, which the copy greys. */
export class AnimatedImageError extends Error {}

/** What in an SVG document's text animates it: SMIL elements, CSS animations. */
const SVG_ANIMATION = /<(?:[\w-]+:)?(?:animate|animateTransform|animateMotion|animateColor|set)\b|@(?:-webkit-)?keyframes\b|animation(?:-name)?\s*:/i;

/** Whether `bytes` (an image file, of MIME type `type` when known) hold more than one frame. */
export function isAnimatedImage(bytes: Uint8Array, type = ''): boolean {
  const ascii = (at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));
  if (ascii(0, 4) === 'GIF8') return gifFrames(bytes) > 1;
  if (bytes[0] === 0x89 && ascii(1, 3) === 'PNG') return pngAnimated(bytes);
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return ascii(12, 4) === 'VP8X' && (bytes[20] & 0x02) !== 0;
  if (ascii(4, 4) === 'ftyp') {
    const size = Math.min(((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0, bytes.length);
    for (let at = 8; at + 4 <= size; at += 4) if (ascii(at, 4) === 'avis') return true;
    return false;
  }
  if (/svg|xml/i.test(type) || /^\s*(?:<\?xml|<svg|<!--|<!DOCTYPE svg)/i.test(ascii(0, 64))) return SVG_ANIMATION.test(new TextDecoder().decode(bytes));
  return false;
}

/** The number of images in a GIF (stops counting at 2), by its blocks. */
function gifFrames(b: Uint8Array): number {
  let at = 13;
  if (b[10] & 0x80) at += 3 * (2 << (b[10] & 0x07));
  let frames = 0;
  const subBlocks = () => {
    while (at < b.length && b[at] !== 0) at += b[at] + 1;
    at++;
  };
  while (at < b.length && frames < 2) {
    const block = b[at];
    if (block === 0x21) {
      at += 2;
      subBlocks();
    } else if (block === 0x2c) {
      frames++;
      const flags = b[at + 9];
      at += 10;
      if (flags & 0x80) at += 3 * (2 << (flags & 0x07));
      at++;
      subBlocks();
    } else {
      break;
    }
  }
  return frames;
}

/** Whether a PNG has an animation control chunk (APNG), which comes before its image data. */
function pngAnimated(b: Uint8Array): boolean {
  for (let at = 8; at + 8 <= b.length; ) {
    const length = ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
    const type = String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    if (type === 'acTL') return true;
    if (type === 'IDAT' || type === 'IEND') return false;
    at += 12 + length;
  }
  return false;
}

/** Whether a `data:` URL holds an animated image. */
export function isAnimatedDataUrl(url: string): boolean {
  const match = /^data:([^,;]*)((?:;[^,;]*)*),/i.exec(url);
  if (!match) return false;
  const body = url.slice(match[0].length);
  let bytes: Uint8Array;
  try {
    if (/;base64/i.test(match[2])) bytes = Uint8Array.from(atob(body.replace(/\s/g, '')), (c) => c.charCodeAt(0));
    else bytes = new TextEncoder().encode(decodeURIComponent(body));
  } catch {
    return false;
  }
  return isAnimatedImage(bytes, match[1]);
}

/**
 * The library's image fetch, as a data: URL (see contextFetch in modern-screenshot), refusing an
 * animated image with {@link AnimatedImageError}; `init` the library's request options.
 */
export async function fetchStillImage(url: string, init: RequestInit, accept: string, timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  const timer = timeoutMs ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
  try {
    const response = await fetch(url, { ...init, signal: controller.signal, headers: { accept } });
    if (!response.ok) throw new Error(`image fetch: ${response.status}`);
    const blob = await response.blob();
    if (isAnimatedImage(new Uint8Array(await blob.arrayBuffer()), blob.type)) throw new AnimatedImageError(`animated image: ${url.slice(0, 80)}`);
    return await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  } finally {
    clearTimeout(timer);
  }
}
