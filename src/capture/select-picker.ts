/**
 * The open picker of a customizable select (`appearance: base-select` on the select and on its
 * `::picker(select)`, rt9 N12): the page draws it in the top layer, over what lies under it, from
 * the select's closed user-agent shadow tree. The copy has no top layer and cannot open a select,
 * so it drew nothing there and what the picker covers showed to the agent. Its box is painted
 * grey on every frame instead (see MaskRect.grey), under the masks: the options of a masked select
 * are boxed black by the mask search, which walks them (they have boxes while the picker is open).
 *
 * The picker itself cannot be reached (closed tree): its size is its computed `width` and
 * `height` (used values, Chromium 156), its place that of the select's element children it lays
 * out (the options, groups, rules), less its border and padding. A picker scrolled is placed at the
 * select's end or start where that fits its content; failing both, all its content's box is
 * covered, within the viewport: less, never more.
 */

let supported: boolean | null = null;

/** The viewport box of `select`'s open in-page picker, or null when it has none open. */
export function openPickerBox(select: Element): { x: number; y: number; width: number; height: number } | null {
  if (supported === false) return null;
  try {
    if (!select.matches(':open')) return null;
    supported = true;
  } catch {
    // A browser without `:open` has no customizable select either.
    supported = false;
    return null;
  }
  const win = select.ownerDocument.defaultView;
  if (!win) return null;
  const cs = win.getComputedStyle(select, '::picker(select)');
  // Without base-select the picker is the browser's own pop-up, drawn outside the page.
  if (cs.getPropertyValue('appearance') !== 'base-select' || cs.display === 'none') return null;
  const px = (name: string) => parseFloat(cs.getPropertyValue(name)) || 0;
  const [bt, br, bb, bl] = ['top', 'right', 'bottom', 'left'].map((side) => px(`border-${side}-width`));
  const [pt, pr, pb, pl] = ['top', 'right', 'bottom', 'left'].map((side) => px(`padding-${side}`));
  const content = cs.boxSizing === 'content-box';
  const width = px('width') + (content ? pl + pr + bl + br : 0);
  const height = px('height') + (content ? pt + pb + bt + bb : 0);
  // What the picker lays out: every element child but the first <button> (the select's own button).
  let top = Infinity;
  let left = Infinity;
  let bottom = -Infinity;
  let right = -Infinity;
  for (let c = select.firstElementChild; c; c = c.nextElementSibling) {
    if (c === select.firstElementChild && c.localName === 'button') continue;
    const r = c.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    top = Math.min(top, r.top);
    left = Math.min(left, r.left);
    bottom = Math.max(bottom, r.bottom);
    right = Math.max(right, r.right);
  }
  const s = select.getBoundingClientRect();
  if (top === Infinity) {
    // Nothing in it: an empty picker, placed at the select's end.
    return width > 0 && height > 0 ? { x: s.left, y: s.bottom, width, height } : null;
  }
  const x = left - bl - pl;
  const y = top - bt - pt;
  const end = bottom + pb + bb;
  // All its content fits: it is not scrolled, and starts where its content does.
  if (end - y <= height + 1) return { x, y, width: Math.max(width, right + pr + br - x), height };
  // Scrolled: at the select's end or start, where its content (as scrolled) fills it.
  for (const at of [s.bottom, s.top - height]) {
    if (at >= y - 1 && at + height <= end + 1) return { x, y: at, width, height };
  }
  const y0 = Math.max(y, 0);
  const y1 = Math.min(end, win.innerHeight);
  return y1 > y0 ? { x, y: y0, width: Math.max(width, right + pr + br - x), height: y1 - y0 } : null;
}
