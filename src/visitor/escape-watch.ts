/**
 * The visitor's Escape, heard wherever the visitor's focus is on the page: the top window and every
 * same-origin frame, nested ones, ones added later and ones that load another page. Keyboard events
 * go to the focused document only and never reach a parent window, so a frame's window is listened
 * to on its own: each frame there is when listening starts, each one that loads a page later
 * (`load` at the frame element, in its parent document's capture phase), and each one focus goes into
 * (its parent window loses focus then: `blur`; a frame in a shadow root, whose `load` stays in
 * that root, is heard so when it was added after listening started). A frame
 * of another origin cannot be listened to: while the visitor's focus is in one, Escape is that
 * page's own (the widget's stop button still ends control).
 */
import { findInnerRoots } from '../capture/secret-fields.js';

/** Calls `onEscape` for each Escape the visitor presses (trusted, not replayed) until the returned function is called. */
export function watchEscape(top: Window, onEscape: () => void): () => void {
  /** Documents listened to, with the window each was listened to through. */
  const heard = new Map<Document, Window>();
  /** Frames whose next page is listened to as it loads, with that listener. */
  const frames = new Map<HTMLIFrameElement, () => void>();

  const onKeydown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && e.isTrusted) onEscape();
  };
  // A window loses focus when focus goes into one of its frames (or leaves the page): by then its
  // document's active element is the frame; focus is followed down into the frame it went to.
  const onBlur = (e: Event) => {
    let el = ((e.currentTarget as Window).document as Document | undefined)?.activeElement ?? null;
    for (let depth = 0; el && depth < 32; depth++) {
      if (el.localName === 'iframe') {
        hearFrame(el as HTMLIFrameElement);
        el = (el as HTMLIFrameElement).contentDocument?.activeElement ?? null;
      } else el = el.shadowRoot?.activeElement ?? null;
    }
  };

  // A frame added later, or loading another page, fires `load` at its element: heard in its
  // parent document's capture phase (`load` does not bubble, never reaches the window, and does
  // not leave a shadow root: see onBlur for those).
  const onLoad = (e: Event) => {
    const target = e.target as Element | null;
    if (target?.localName === 'iframe') hearFrame(target as HTMLIFrameElement);
  };

  const hear = (doc: Document): void => {
    const win = doc.defaultView;
    if (!win || heard.has(doc)) return;
    heard.set(doc, win);
    win.addEventListener('keydown', onKeydown, true);
    win.addEventListener('blur', onBlur);
    doc.addEventListener('load', onLoad, true);
    hearFramesIn(doc);
  };
  const hearFramesIn = (root: Document | ShadowRoot): void => findInnerRoots(root, hearFramesIn, hearFrame);
  const hearFrame = (frame: HTMLIFrameElement): void => {
    if (!frames.has(frame)) {
      const load = () => hearFrame(frame);
      frames.set(frame, load);
      frame.addEventListener('load', load);
    }
    let doc: Document | null = null;
    try {
      doc = frame.contentDocument;
    } catch {
      // Another origin: cannot be heard (see above).
    }
    if (doc) hear(doc);
  };

  hear(top.document);
  return () => {
    for (const [doc, win] of heard) {
      win.removeEventListener('keydown', onKeydown, true);
      win.removeEventListener('blur', onBlur);
      doc.removeEventListener('load', onLoad, true);
    }
    for (const [frame, load] of frames) frame.removeEventListener('load', load);
    heard.clear();
    frames.clear();
  };
}
