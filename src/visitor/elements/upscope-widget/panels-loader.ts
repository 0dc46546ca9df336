/**
 * Loads the widget's panels (upscope-widget.panels.ts) the first time a widget needs one. From
 * source (tests, bundlers that take src/), a plain dynamic import. The visitor bundles call
 * {@link loadPanelsFrom} with their own URL: the panels are then dist/upscope-panels.js beside the
 * bundle, for the ESM bundle and the classic script alike (see import-beside.ts).
 */
import { BesideImportError, importBeside } from '../../import-beside.js';

export type PanelsModule = typeof import('./upscope-widget.panels.js');

/** The panels' bundle, beside the visitor bundle in dist/. */
export const PANELS_BUNDLE = 'upscope-panels.js';

/** The visitor bundles keep this import out of themselves (rollup.config.mjs). */
let importPanels = (): Promise<PanelsModule> => import('./upscope-widget.panels.js');
let loading: Promise<PanelsModule> | null = null;

/** Loads the panels from {@link PANELS_BUNDLE} next to `bundleUrl` (the script that calls this). */
export function loadPanelsFrom(bundleUrl: string): void {
  importPanels = () => importBeside(bundleUrl, PANELS_BUNDLE);
  loading = null;
}

/**
 * The panels, loaded once for every widget of the page; a failed load is tried again on the next
 * call. Fails with an error that says why: the page's policy when it refused them, or the network.
 */
export function loadPanels(): Promise<PanelsModule> {
  return (loading ??= importPanels().catch((cause: unknown) => {
    loading = null;
    const needs = cause instanceof BesideImportError && cause.needs;
    throw new Error(
      needs
        ? `the widget's panels (${PANELS_BUNDLE}) are blocked by this page's Content-Security-Policy: it needs ${needs}`
        : `the widget's panels (${PANELS_BUNDLE}) could not be loaded`,
      { cause },
    );
  }));
}
