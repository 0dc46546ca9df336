/**
 * Runs the capture loop exactly while it should: the SDK says when (`sync(shouldRun)`: connected,
 * the session active, not stopping, the tab visible), and the driver makes the loop with the
 * installed factory the first time, starts and stops it, and replaces it when another factory is
 * installed. Keyframe requests from the relay reach the loop through it.
 */
import type { CaptureController, CaptureHost } from '../capture/capture-host.js';
import { Stream } from './stream.js';

/** Makes the capture loop for one SDK instance; see `Upscope.setCaptureFactory`. */
export type CaptureFactory = (host: CaptureHost) => CaptureController;

export class CaptureDriver {
  private capture: CaptureController | null = null;
  private readonly keyframeRequests = new Stream<void>();
  private readonly host: CaptureHost;

  /**
   * @param factory The installed factory (read at each start; null: no capture, agents see no picture).
   * @param host What the loop gets, but for `onKeyframeRequest`, which the driver provides.
   */
  constructor(
    private readonly factory: () => CaptureFactory | null,
    host: Omit<CaptureHost, 'onKeyframeRequest'>,
  ) {
    this.host = { ...host, onKeyframeRequest: (cb) => this.keyframeRequests.listen(cb) };
  }

  get running(): boolean {
    return this.capture?.running ?? false;
  }

  /** Starts or stops the loop so that it runs exactly when `shouldRun`. */
  sync(shouldRun: boolean): void {
    if (shouldRun) {
      const factory = this.factory();
      if (!this.capture && factory) {
        try {
          this.capture = factory(this.host);
        } catch (err) {
          console.error('[upscope] the capture factory threw; agents will see no picture', err);
        }
      }
      if (this.capture && !this.capture.running) this.capture.start();
    } else if (this.capture?.running) {
      this.capture.stop();
    }
  }

  /** Another factory was installed: the next run uses it. */
  replace(shouldRun: boolean): void {
    if (this.capture?.running) this.capture.stop();
    this.capture = null;
    this.sync(shouldRun);
  }

  /** The relay asks for a keyframe (a new observer, a lost frame). */
  requestKeyframe(): void {
    this.keyframeRequests.emit();
  }
}
