import { CAPTURE_DEFAULTS } from '../../src/capture/options.js';

/**
 * The Rasterizer's options in capture tests: the capture's defaults at scale 1, each resource
 * waited for at most 2 s. A test that needs another value spreads these and sets it.
 */
export const RASTER_OPTIONS = {
  scale: 1,
  includeStyleProperties: CAPTURE_DEFAULTS.includeStyleProperties,
  sliceMs: CAPTURE_DEFAULTS.sliceMs,
  resourceTimeoutMs: 2000,
};

/**
 * A page for capture tests: a style sheet in the head and a root element at the end of the body,
 * both with ids made from `name`, so one call takes them away again.
 */
export function mountTestPage(name: string, { css, html, rootStyle = '' }: { css: string; html: string; rootStyle?: string }): HTMLElement {
  const style = document.createElement('style');
  style.id = `${name}-style`;
  style.textContent = css;
  document.head.append(style);
  const root = document.createElement('div');
  root.id = `${name}-root`;
  root.style.cssText = rootStyle;
  root.innerHTML = html;
  document.body.append(root);
  return root;
}

/** Removes what `mountTestPage(name)` added and scrolls back to the top. */
export function unmountTestPage(name: string): void {
  document.getElementById(`${name}-root`)?.remove();
  document.getElementById(`${name}-style`)?.remove();
  window.scrollTo(0, 0);
}
