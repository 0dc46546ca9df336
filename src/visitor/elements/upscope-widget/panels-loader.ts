/**
 * Loads the widget's panels (upscope-widget.panels.ts) the first time a widget needs one. From
 * source (tests, bundlers that take src/), a plain dynamic import. The visitor bundles call
 * {@link loadPanelsFrom} with their own URL: the panels are then dist/upscope-panels.js beside the
 * bundle, for the ESM bundle and the classic script alike (a classic script passes the URL of its
 * `<script>`, as for the capture engine).
 */
import { CspViolations } from '../../../capture/csp-violations.js';

export type PanelsModule = typeof import('./upscope-widget.panels.js');

/** The panels' bundle, beside the visitor bundle in dist/. */
export const PANELS_BUNDLE = 'upscope-panels.js';

/** The visitor bundles keep this import out of themselves (rollup.config.mjs). */
let importPanels = (): Promise<PanelsModule> => import('./upscope-widget.panels.js');
let loading: Promise<PanelsModule> | null = null;

/** Why the panels could not be loaded: the page's policy when it refused them, or the network. */
export class PanelsUnavailableError extends Error {
  override readonly name = 'PanelsUnavailableError';
  constructor(
    /** What the page's Content-Security-Policy lacks, or null when it was not the policy. */
    readonly needs: string | null,
    options: { cause: unknown },
  ) {
    super(
      needs
        ? `the widget's panels (${PANELS_BUNDLE}) are blocked by this page's Content-Security-Policy: it needs ${needs}`
        : `the widget's panels (${PANELS_BUNDLE}) could not be loaded`,
      options,
    );
  }
}

/** Loads the panels from {@link PANELS_BUNDLE} next to `bundleUrl` (the script that calls this). */
export function loadPanelsFrom(bundleUrl: string): void {
  const url = new URL(PANELS_BUNDLE, bundleUrl).href;
  importPanels = async () => {
    const csp = new CspViolations(document);
    const since = performance.now();
    try {
      return (await import(/* @vite-ignore */ /* webpackIgnore: true */ url)) as PanelsModule;
    } catch (err) {
      throw new PanelsUnavailableError(await csp.explainImport(url, since), { cause: err });
    } finally {
      csp.dispose();
    }
  };
  loading = null;
}

/** The panels, loaded once for every widget of the page; a failed load is tried again on the next call. */
export function loadPanels(): Promise<PanelsModule> {
  return (loading ??= importPanels().catch((err: unknown) => {
    loading = null;
    throw err instanceof PanelsUnavailableError ? err : new PanelsUnavailableError(null, { cause: err });
  }));
}
