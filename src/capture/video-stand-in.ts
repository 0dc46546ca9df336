/**
 * Videos in the clone. modern-screenshot clones a `<video>` by loading its source a second time,
 * seeking the copy and waiting for `seeked`, which never comes for a video with no source loaded:
 * the clone, and so the capture loop, waited for ever. A loaded one was fetched again on every
 * frame, and either way the native controls the visitor sees were not drawn (issue 16, class 7).
 *
 * Instead the rasterizer leaves videos out of the library's clone and puts a stand-in in their
 * place, with the page's computed styles and attributes: for a video with `controls`, a `<video>`
 * with no source (so the browser's own control bar is drawn), showing the frame on screen as its
 * poster; for one without, an `<img>` of that frame. Where no frame can be read (nothing loaded
 * yet, or another origin's video without CORS), the page's poster is shown as a background image,
 * which the library embeds like any other (and a `<video>` then takes as its poster).
 */

import { isBlankedClone } from './blank-masked-clone.js';

/** Attributes not carried over: what would load or play media, and what the stand-in sets itself. */
const DROPPED = new Set(['src', 'srcset', 'poster', 'autoplay', 'preload', 'crossorigin', 'style']);
/** A video's attributes an `<img>` stand-in leaves out too: they mean nothing there. */
const VIDEO_ONLY = new Set(['controls', 'controlslist', 'muted', 'loop', 'playsinline', 'disablepictureinpicture', 'disableremoteplayback']);
/** A transparent picture: an `<img>` stand-in with no frame to show draws nothing of its own. */
const NOTHING = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
/** Marks a `<video>` stand-in whose poster is a background image until the library has embedded it (see {@link postersFromBackgrounds}). */
const POSTER_PENDING = 'data-up-poster';

/** The page's computed values of `from`, inline on `to`. */
function copyComputed(from: Element, to: HTMLElement, properties: readonly string[] | null): CSSStyleDeclaration {
  const cs = from.ownerDocument.defaultView!.getComputedStyle(from);
  const names = properties ?? Array.from({ length: cs.length }, (_, i) => cs.item(i));
  for (const name of names) {
    const value = cs.getPropertyValue(name);
    if (value) to.style.setProperty(name, value);
  }
  return cs;
}

/**
 * A stand-in for `video` in the clone. Without `picture` it shows none: for a masked video (the
 * mask is painted black over it anyway; this keeps the frame out of the markup too) and for one
 * off screen (reading and encoding a frame nobody sees would cost every capture).
 *
 * A video without `controls` stands in as an `<img>`: in the picture (an SVG image, where no
 * script runs) a `<video>` always shows the browser's control bar, and with no frame loaded a grey
 * panel, which the visitor never sees on a background video or one waiting to play (rt17: 28 % of
 * a page's pixels). Its frame, or its poster, is drawn where and as large as the page draws it
 * (`object-fit` and `object-position` are copied).
 */
export function videoStandIn(video: HTMLVideoElement, properties: readonly string[] | null, picture: boolean): HTMLElement {
  const doc = video.ownerDocument;
  const controls = video.hasAttribute('controls');
  const stand = doc.createElement(controls ? 'video' : 'img');
  for (const { name, value } of video.attributes) if (!DROPPED.has(name) && !(!controls && VIDEO_ONLY.has(name)) && /^[\w-:]+$/.test(name)) stand.setAttribute(name, value);
  if (stand instanceof HTMLVideoElement) stand.preload = 'none';
  else stand.setAttribute('src', NOTHING);
  const cs = copyComputed(video, stand, properties);
  if (!picture) return stand;
  const frame = currentFrame(video);
  if (frame) {
    stand.setAttribute(controls ? 'poster' : 'src', frame);
  } else if (video.poster) {
    // Laid out as a poster is: fitted to the content box as the video's picture is.
    const fit = cs.objectFit;
    stand.style.setProperty('background-image', `url("${video.poster.replace(/["\\\n]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}")`);
    stand.style.setProperty('background-size', fit === 'cover' ? 'cover' : fit === 'fill' ? '100% 100%' : fit === 'none' ? 'auto' : 'contain');
    stand.style.setProperty('background-repeat', 'no-repeat');
    stand.style.setProperty('background-position', cs.objectPosition || 'center');
    stand.style.setProperty('background-origin', 'content-box');
    if (controls) stand.setAttribute(POSTER_PENDING, '');
  }
  return stand;
}

/**
 * A stand-in for a canvas off screen: an `<img>` of nothing with its attributes and computed
 * styles, as large and laid out as it is (a replaced box like the canvas, on the same baseline),
 * its pixels not read.
 */
export function canvasStandIn(canvas: Element, properties: readonly string[] | null): HTMLElement {
  const stand = canvas.ownerDocument.createElement('img');
  for (const { name, value } of canvas.attributes) if (!DROPPED.has(name) && name !== 'width' && name !== 'height' && /^[\w-:]+$/.test(name)) stand.setAttribute(name, value);
  stand.setAttribute('src', NOTHING);
  copyComputed(canvas, stand, properties);
  return stand;
}

/**
 * The `<video>` stand-ins in `root` (those with controls) whose poster was given as a background
 * image get it as their poster, now that the library has embedded it as a data URL: a video with
 * controls and no poster is drawn as a grey panel over its background, where the visitor sees the
 * poster under the controls. One whose image was not embedded keeps the background.
 */
export function postersFromBackgrounds(root: Element): void {
  for (const stand of root.querySelectorAll(`video[${POSTER_PENDING}]`)) {
    stand.removeAttribute(POSTER_PENDING);
    // Blanked as a mask (or inside one) since: it keeps no picture.
    if (isBlankedClone(stand)) continue;
    const style = (stand as HTMLElement).style;
    const url = /^url\("(data:[^"]*)"\)$/.exec(style.getPropertyValue('background-image'))?.[1];
    if (!url) continue;
    stand.setAttribute('poster', url);
    for (const name of ['background-image', 'background-size', 'background-repeat', 'background-position', 'background-origin']) style.removeProperty(name);
  }
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
