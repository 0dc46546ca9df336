/**
 * The browser's own rule for the `hidden` attribute (`display: none`) holds in the copy too, which
 * keeps the attribute. A page that shows such an element anyway (`[hidden].panel { display: block }`,
 * a panel faded in and out by its opacity) has a `display` the clone leaves out where it is the
 * element's default: the copy hid what the visitor sees (rt23). The display is written then.
 */
export function showHiddenShown(original: Element, clone: Element, win: Window): void {
  if (!original.hasAttribute('hidden')) return;
  const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
  if (!style || style.getPropertyValue('display') !== '') return;
  const display = win.getComputedStyle(original).display;
  if (display !== 'none') style.setProperty('display', display);
}
