import { inputShows, textAreaShows } from './field-cut.js';

/**
 * Copies what the visitor did to a form control onto its clone. The clone is made from markup, and
 * markup holds the initial state: without this the agent sees the default `<select>` option, the
 * boxes ticked in the HTML and an empty `<textarea>` instead of what the visitor typed and chose.
 * (Text inputs are already handled by modern-screenshot, which copies `value`.)
 */
export function copyFormState(original: Element, clone: Element): void {
  if (original.localName === 'input' || original.localName === 'textarea') showPlaceholderAsPlaceholder(original as HTMLInputElement, clone);
  switch (original.localName) {
    case 'input': {
      const input = original as HTMLInputElement;
      if (input.type === 'checkbox' || input.type === 'radio') {
        clone.toggleAttribute('checked', input.checked);
        // An indeterminate box has no attribute: unticked here, its clone is replaced by a drawing of one (scrolled-text.ts).
        if (input.indeterminate) clone.removeAttribute('checked');
      }
      // A submit or reset button with no value shows the browser's label ("Submit", "Reset"); the
      // library writes its empty value as the attribute, which would show an empty button.
      if ((input.type === 'submit' || input.type === 'reset') && !input.hasAttribute('value')) clone.removeAttribute('value');
      // A long value is cut to what the field can show (field-cut.ts).
      else if (clone.hasAttribute('value')) {
        const value = input.value;
        const shows = inputShows(input, value);
        if (shows < value.length) clone.setAttribute('value', value.slice(0, shows));
      }
      break;
    }
    case 'textarea': {
      // A long value is cut to what the text area can show (field-cut.ts); its clone is then drawn by a stand-in (scrolled-text.ts).
      const value = (original as HTMLTextAreaElement).value;
      clone.textContent = textAreaShows(original as HTMLTextAreaElement, value);
      // The library writes the value as an attribute too, which a text area does not draw: the
      // picture carried the whole value a second time (the page's own attribute, if any, is kept).
      if (original.hasAttribute('value')) clone.setAttribute('value', original.getAttribute('value')!);
      else clone.removeAttribute('value');
      break;
    }
    case 'select': {
      const options = (original as HTMLSelectElement).options;
      const cloned = clone.querySelectorAll('option');
      // The clone's options are the original's, in order (the filter never drops an option).
      if (cloned.length !== options.length) break;
      for (let i = 0; i < options.length; i++) cloned[i].toggleAttribute('selected', options[i].selected);
      break;
    }
  }
}

/**
 * An empty field shows its placeholder, in the placeholder's colour. The clone carries the field's
 * own `-webkit-text-fill-color` inline, which the placeholder inherits, so without this the agent
 * sees a hint ("London") as if the visitor had typed it.
 */
function showPlaceholderAsPlaceholder(original: HTMLInputElement | HTMLTextAreaElement, clone: Element): void {
  if (original.value !== '' || !original.placeholder) return;
  const placeholder = getComputedStyle(original, '::placeholder');
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style) return;
  const color = placeholder.getPropertyValue('-webkit-text-fill-color') || placeholder.color;
  if (color) style.setProperty('-webkit-text-fill-color', color);
  // The page's `::placeholder` rule is not in the clone; the field shows nothing else, so how the
  // placeholder's text is set (italic, lighter) is given to the field, whose text it inherits.
  const own = getComputedStyle(original);
  for (const name of PLACEHOLDER_TEXT) {
    const value = placeholder.getPropertyValue(name);
    if (value && value !== own.getPropertyValue(name)) style.setProperty(name, value);
  }
}

/** Text properties a `::placeholder` rule commonly sets apart from its field's. */
const PLACEHOLDER_TEXT = ['font-style', 'font-weight', 'letter-spacing', 'text-transform'];
