/**
 * The visitor's Escape, heard wherever the visitor's focus is on the page: the top window and every
 * same-origin frame, nested ones, ones added later (in the light DOM or in a shadow root) and ones
 * that load another page. Keyboard events go to the focused document only and never reach a parent
 * window, so a frame's window is listened to on its own. A frame is heard:
 * - when listening starts, if it is there (through open shadow roots);
 * - when it is added later: each heard document and each shadow root found in it or attached in
 *   its window while listening (heard through shadow-attach.ts, as secret-fields.ts hears them:
 *   attaching a root to a host already in the page leaves no mutation record) is watched by a mutation observer
 *   (`load` does not leave a shadow root, so the frame is found as it is added);
 * - when it loads another page (`load` at the frame element);
 * - when focus goes into it from its parent window (`blur` of that window).
 * A frame of another origin cannot be listened to: while the visitor's focus is in one, Escape is
 * that page's own (the widget's stop button still ends control).
 */
import { findInnerRoots } from '../capture/secret-fields.js';
import { onShadowAttach } from '../capture/shadow-attach.js';

/** Calls `onEscape` for each Escape the visitor presses (trusted, not replayed) until the returned function is called. */
export function watchEscape(top: Window, onEscape: () => void): () => void {
  /** Documents listened to, with the window each was listened to through. */
  const heard = new Map<Document, Window>();
  /** Frames whose next page is listened to as it loads, with that listener. */
  const frames = new Map<HTMLIFrameElement, () => void>();
  /** Shadow roots watched for frames added to them. */
  const shadows = new WeakSet<ShadowRoot>();
  /** Per window listened to (once, whichever documents it shows), what stops hearing its shadow roots attached. */
  const unheard = new Map<Window, () => void>();

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
  // not leave a shadow root: see the observer for those).
  const onLoad = (e: Event) => {
    const target = e.target as Element | null;
    if (target?.localName === 'iframe') hearFrame(target as HTMLIFrameElement);
  };
  // Content added to a heard document or a watched shadow root: its frames and shadow roots.
  const observer = new (top as Window & typeof globalThis).MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.nodeType === Node.ELEMENT_NODE) findInnerRoots(n as Element, hearShadow, hearFrame);
  });

  const hear = (doc: Document): void => {
    const win = doc.defaultView;
    if (!win || heard.has(doc)) return;
    heard.set(doc, win);
    win.addEventListener('keydown', onKeydown, true);
    win.addEventListener('blur', onBlur);
    doc.addEventListener('load', onLoad, true);
    observer.observe(doc, { childList: true, subtree: true });
    hearAttached(win as Window & typeof globalThis);
    findInnerRoots(doc, hearShadow, hearFrame);
  };
  // Every root the window's elements attach while listening is watched from the moment it exists.
  const hearAttached = (win: Window & typeof globalThis): void => {
    if (!unheard.has(win)) unheard.set(win, onShadowAttach(win, hearShadow));
  };
  const hearShadow = (root: ShadowRoot): void => {
    if (shadows.has(root)) return;
    shadows.add(root);
    observer.observe(root, { childList: true, subtree: true });
    findInnerRoots(root, hearShadow, hearFrame);
  };
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
    for (const stop of unheard.values()) stop();
    unheard.clear();
    observer.disconnect();
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
