/**
 * The attack path of the masking tests: this page runs the SDK with the real capture loop, an
 * agent watches it through the real relay, and every binary frame the agent's socket receives is
 * decoded and drawn onto one canvas, tile by tile, as the viewer draws it.
 */
import { createCaptureLoop, type CaptureHost } from '../../src/capture/index.js';
import { decodeFrame, FrameFlags, type Frame } from '../../src/protocol/index.js';
import { Upscope } from '../../src/visitor/upscope.js';
import type { AgentSocket } from '../support/agent-driver.js';
import { FrameCanvas } from '../support/frames.js';
import { cleanup, newSdk, startSession } from '../visitor/upscope-helpers.js';

export class WatchedPage {
  /** Frames the capture dropped (fail closed), for failure messages. */
  static errors: string[] = [];
  /** What the agent sees: every frame received so far, drawn in order. */
  readonly picture = new FrameCanvas();
  private drawn = 0;
  private askKeyframe: (() => void) | null = null;

  private constructor(
    readonly sdk: Upscope,
    private readonly watch: AgentSocket,
  ) {}

  /** Connects an SDK (mask-all if asked), starts a session and waits for the first frame. */
  static async start({ maskAll = false } = {}): Promise<WatchedPage> {
    let page: WatchedPage | null = null;
    let ask: (() => void) | null = null;
    Upscope.setCaptureFactory((host: CaptureHost) =>
      createCaptureLoop(
        {
          ...host,
          // The test asks for keyframes the way the relay does for a lagging observer.
          onKeyframeRequest: (cb) => {
            ask = cb;
            if (page) page.askKeyframe = cb;
            return host.onKeyframeRequest(cb);
          },
        },
        { type: 'image/png', maxFps: 20, idleCheckMs: 50, onError: (e) => WatchedPage.errors.push(e.message) },
      ),
    );
    const { sdk, relay } = await newSdk({ maskAll, requireConsent: false });
    const watch = await startSession(sdk, relay);
    page = new WatchedPage(sdk, watch);
    page.askKeyframe = ask;
    await page.next();
    return page;
  }

  /**
   * What the agent sees once the page as it is now has been captured: keyframes are asked for
   * until one whose capture began after this call arrives; every frame up to it is drawn.
   */
  async settled(): Promise<FrameCanvas> {
    const since = Date.now();
    for (;;) {
      this.askKeyframe?.();
      if ((await this.next(true)) >= since) return this.picture;
    }
  }

  /** Draws frames until a complete one (a keyframe if `keyframe`) has been drawn; returns when its capture began. */
  private async next(keyframe = false): Promise<number> {
    let tiles: Frame[] = [];
    for (;;) {
      const bytes = await this.watch.frame(this.drawn++, 15_000).catch((e: Error) => {
        throw new Error(`${e.message}; capture errors: ${WatchedPage.errors.slice(-3).join(' | ')}`);
      });
      const f = decodeFrame(new Uint8Array(bytes));
      tiles.push(f);
      if (!(f.flags & FrameFlags.last)) continue;
      await this.picture.draw(tiles);
      const done = !keyframe || f.flags & FrameFlags.keyframe;
      tiles = [];
      if (done) return f.capturedAt;
    }
  }

  static async stop(): Promise<void> {
    Upscope.setCaptureFactory(null);
    WatchedPage.errors = [];
    await cleanup();
  }
}
