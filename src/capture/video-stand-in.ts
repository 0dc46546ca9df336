/**
 * Videos in the clone. modern-screenshot clones a `<video>` by loading its source a second time,
 * seeking the copy and waiting for `seeked`, which never comes for a video with no source loaded:
 * the clone, and so the capture loop, waited for ever. A loaded one was fetched again on every
 * frame, and either way the native controls the visitor sees were not drawn (issue 16, class 7).
 *
 * Instead the rasterizer leaves videos out of the library's clone and puts a stand-in in their
 * place: a `<video>` with no source, the page's computed styles and attributes (so `controls` still
 * draws the browser's own control bar), showing the frame on screen as its poster. Where no frame
 * can be read (nothing loaded yet, or another origin's video without CORS), the page's poster is
 * shown as a background image, which the library embeds like any other.
 */

/** Attributes not carried over: what would load or play media, and what the stand-in sets itself. */
const DROPPED = new Set(['src', 'srcset', 'poster', 'autoplay', 'preload', 'crossorigin', 'style']);

/**
 * A stand-in for `video` in the clone. Without `picture` it shows none: for a masked video (the
 * mask is painted black over it anyway; this keeps the frame out of the markup too) and for one
 * off screen (reading and encoding a frame nobody sees would cost every capture).
 */
export function videoStandIn(video: HTMLVideoElement, properties: readonly string[] | null, picture: boolean): HTMLVideoElement {
  const doc = video.ownerDocument;
  const stand = doc.createElement('video');
  for (const { name, value } of video.attributes) if (!DROPPED.has(name) && /^[\w-:]+$/.test(name)) stand.setAttribute(name, value);
  stand.preload = 'none';
  const cs = doc.defaultView!.getComputedStyle(video);
  const names = properties ?? Array.from({ length: cs.length }, (_, i) => cs.item(i));
  for (const name of names) {
    const value = cs.getPropertyValue(name);
    if (value) stand.style.setProperty(name, value);
  }
  if (!picture) return stand;
  const frame = currentFrame(video);
  if (frame) {
    stand.setAttribute('poster', frame);
  } else if (video.poster) {
    // Laid out as a poster is: contained and centred in the content box.
    stand.style.setProperty('background-image', `url("${video.poster.replace(/["\\\n]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}")`);
    stand.style.setProperty('background-size', 'contain');
    stand.style.setProperty('background-repeat', 'no-repeat');
    stand.style.setProperty('background-position', 'center');
    stand.style.setProperty('background-origin', 'content-box');
  }
  return stand;
}

/** Largest side of a frame kept as a poster, in pixels: a 4K video on screen is not sent at 4K. */
const MAX_FRAME_SIDE = 1920;

/** The frame the video shows now, as a PNG data URL; null when there is none or it cannot be read. */
function currentFrame(video: HTMLVideoElement): string | null {
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || !video.videoWidth || !video.videoHeight) return null;
  const k = Math.min(1, MAX_FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
  const canvas = video.ownerDocument.createElement('canvas');
  canvas.width = Math.max(1, Math.round(video.videoWidth * k));
  canvas.height = Math.max(1, Math.round(video.videoHeight * k));
  try {
    canvas.getContext('2d')!.drawImage(video, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/png');
  } catch {
    // Another origin's frames taint the canvas: they cannot be read, so they are not shown.
    return null;
  }
}

/**
 * Where stand-ins go. The library appends each child the filter lets through to its parent's
 * clone, in order; counting them per parent gives each left-out video its index there, and the
 * stand-ins are put in when the parent's clone is complete.
 */
export class StandIns {
  private readonly counts = new Map<Element, number>();
  private readonly pending = new Map<Element, Element[]>();
  private readonly at = new Map<Element, number>();

  /** A child of `parent` was let through: it will be the next child of the parent's clone. */
  accepted(parent: Element): void {
    this.counts.set(parent, (this.counts.get(parent) ?? 0) + 1);
  }

  /** `node` stands in for a child of `parent` left out of the clone at this point. */
  add(parent: Element, node: Element): void {
    let list = this.pending.get(parent);
    if (!list) this.pending.set(parent, (list = []));
    this.at.set(node, this.counts.get(parent) ?? 0);
    list.push(node);
  }

  /** The clone of `original` is complete: puts its stand-ins in. */
  insertInto(original: Element, clone: Element): void {
    const list = this.pending.get(original);
    if (!list) return;
    this.pending.delete(original);
    // Each one before it moved the later ones along by one.
    list.forEach((node, k) => clone.insertBefore(node, clone.childNodes[this.at.get(node)! + k] ?? null));
  }

  reset(): void {
    this.counts.clear();
    this.pending.clear();
    this.at.clear();
  }
}
