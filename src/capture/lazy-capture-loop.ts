import type { CaptureController, CaptureHost } from './capture-host.js';
import { BesideImportError } from '../visitor/import-beside.js';

/** Makes a capture loop for a host: `createCaptureLoop` once the capture module has loaded. */
export type LoadCaptureLoop = () => Promise<(host: CaptureHost) => CaptureController>;

/**
 * A capture loop that loads the capture engine (the rasterizer, modern-screenshot, the encoder) the
 * first time it is started. Every visitor of every page loads the SDK and the widget, but few ever
 * share their page, so the bundles leave the engine out and fetch it only when a session becomes
 * active. The load is shared by every loop and tried again on the next start if it failed.
 *
 * `running` is what the SDK asked for, so a stop while the engine is still loading wins: the loop
 * made after the load is only started if the SDK still wants it.
 *
 * A load the page's Content-Security-Policy refused (a {@link BesideImportError} with `needs`) is
 * reported through `host.captureBlocked`, then again on each keyframe request (a new observer)
 * until the loop is stopped; the next start tries the load again.
 */
export function lazyCaptureLoop(load: LoadCaptureLoop): (host: CaptureHost) => CaptureController {
  let loading: ReturnType<LoadCaptureLoop> | null = null;
  const loadOnce = () =>
    (loading ??= load().catch((err: unknown) => {
      loading = null;
      throw err;
    }));

  return (host) => {
    let wanted = false;
    let loop: CaptureController | null = null;
    let stopTelling: (() => void) | null = null;
    return {
      get running() {
        return wanted;
      },
      start() {
        wanted = true;
        stopTelling?.();
        stopTelling = null;
        if (loop) return loop.start();
        loadOnce().then(
          (create) => {
            loop ??= create(host);
            if (wanted && !loop.running) loop.start();
          },
          (err: unknown) => {
            console.error('[upscope] the capture engine could not be loaded; agents will see no picture', err);
            const needs = err instanceof BesideImportError ? err.needs : null;
            if (!needs) {
              wanted = false;
              return;
            }
            // Still running as far as the SDK knows, so it stops this when the session ends;
            // until then each new observer hears why there is no picture.
            if (!wanted) return;
            host.captureBlocked?.(needs);
            stopTelling ??= host.onKeyframeRequest(() => host.captureBlocked?.(needs));
          },
        );
      },
      stop() {
        wanted = false;
        stopTelling?.();
        stopTelling = null;
        loop?.stop();
      },
    };
  };
}
