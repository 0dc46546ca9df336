/**
 * The caret and the selection in a contenteditable, moved by the agent's keys and clicks as the
 * browser's editor moves them, except that they never rest inside masked content or hold it (see
 * docs/remote-control.md): the caret steps over a mask as over an image, and a selection that would
 * hold one is refused.
 */
import { isContentEditable, isTextField, rangeIn, selectionFor, type EditRefusal } from './remote-input-editing.js';
import { maskInRange, pastMask } from './remote-input-target.js';

/**
 * Arrow keys, Home and End in a contenteditable, as the browser's editor moves (`Selection.modify`),
 * except that the agent's caret never rests inside masked content (a mask, or text a highlight
 * hides): a move that would put it there steps over it, to just past it in the move's direction,
 * as over an image; the agent sees a black box and expects one step to cross it. A selection the
 * agent extends (Shift) that would hold or end in masked content is refused and left as it was: a
 * page can show what is selected (a character count, a "quote" button), and it is masked text.
 */
export function moveInEditable(host: HTMLElement, key: string, extend: boolean, maskAll: boolean): EditRefusal {
  const selection = selectionFor(host);
  if (!selection) return null;
  const range = rangeIn(host, selection);
  if (selection.rangeCount === 0 || selection.getRangeAt(0) !== range) {
    selection.removeAllRanges();
    selection.addRange(range);
  }
  const moves: Record<string, [string, string]> = {
    ArrowLeft: ['backward', 'character'],
    ArrowRight: ['forward', 'character'],
    ArrowUp: ['backward', 'line'],
    ArrowDown: ['forward', 'line'],
    Home: ['backward', 'lineboundary'],
    End: ['forward', 'lineboundary'],
  };
  const move = moves[key];
  if (!move) return null;
  const { anchorNode, anchorOffset, focusNode, focusOffset } = selection;
  const restore = (why: string) => {
    if (anchorNode && focusNode) selection.setBaseAndExtent(anchorNode, anchorOffset, focusNode, focusOffset);
    return why;
  };
  selection.modify(extend ? 'extend' : 'move', move[0], move[1]);
  if (selection.rangeCount === 0 || !selection.focusNode) return null;
  if (extend) {
    const why = maskInRange(selection.getRangeAt(0), maskAll, 'the selection would hold', false);
    return why ? restore(why) : null;
  }
  const to = caretPastMasks(host, selection.focusNode, selection.focusOffset, move[0] === 'forward', maskAll);
  if (to === 'stuck') return restore('the caret would be inside masked content, with no way past it');
  if (to) selection.setBaseAndExtent(to[0], to[1], to[0], to[1]);
  return null;
}

/** Where a caret at (node, offset) goes past every masked content it is inside (see pastMask); null when it is in none. */
function caretPastMasks(host: HTMLElement, node: Node, offset: number, forward: boolean, maskAll: boolean): [Node, number] | 'stuck' | null {
  let at: [Node, number] | null = null;
  // Nested or adjacent masks: each step leaves one; bounded, as a page's nesting is.
  for (let n = 0; n < 64; n++) {
    const next = pastMask(host, at?.[0] ?? node, at?.[1] ?? offset, forward, maskAll);
    if (next === null) return at;
    if (next === 'stuck') return next;
    at = next;
  }
  return 'stuck';
}

/**
 * A contenteditable the agent's click just focused: `focus()` puts the caret at its start, which
 * may be inside masked text it begins with. The caret is put before that content instead.
 */
export function caretOutOfMasks(host: HTMLElement, maskAll: boolean): void {
  const selection = selectionFor(host);
  if (!selection?.isCollapsed || !selection.focusNode || !host.contains(selection.focusNode)) return;
  const to = caretPastMasks(host, selection.focusNode, selection.focusOffset, false, maskAll);
  if (to === 'stuck') selection.removeAllRanges();
  else if (to) selection.setBaseAndExtent(to[0], to[1], to[0], to[1]);
}

/**
 * Ctrl/Cmd+A in a field or a contenteditable. In a contenteditable holding masked content it is
 * refused, the selection left as it was: the selection would hold masked text (see moveInEditable).
 */
export function selectAll(el: Element, maskAll: boolean): EditRefusal {
  if (isTextField(el)) {
    try {
      el.select();
    } catch {
      // A type without a selection: nothing to select.
    }
  } else if (isContentEditable(el)) {
    const all = el.ownerDocument.createRange();
    all.selectNodeContents(el);
    const why = maskInRange(all, maskAll, 'selecting all would select', false);
    if (why) return why;
    selectionFor(el)?.selectAllChildren(el);
  }
  return null;
}
