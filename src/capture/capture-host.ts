import type { MaskOptions } from './find-masks.js';

/**
 * What the capture loop needs from the visitor connection, and nothing more: the SDK implements
 * it, the loop uses it, so the loop can be tested without the SDK and the SDK without capture.
 */
export interface CaptureHost {
  /** Sends one binary frame message (see src/protocol/frame.ts); false when the socket is not open. */
  sendFrame(data: Uint8Array): boolean;
  /** Bytes queued on the visitor socket and not yet sent (WebSocket.bufferedAmount). */
  bufferedAmount(): number;
  /** Calls `cb` when the relay asks for a full frame (an observer joined or fell behind). Returns unsubscribe. */
  onKeyframeRequest(cb: () => void): () => void;
  /** How much to mask, read once per frame so a change applies to the next one. Default: the marked elements only. */
  maskOptions?(): MaskOptions;
  /**
   * The page's Content-Security-Policy keeps capture from working; `needs` is what the policy
   * lacks, as a site would add it (`img-src data:`). Called when that is found, and again on each
   * start and keyframe request (a new observer), since no frame will tell them. Default: ignored.
   */
  captureBlocked?(needs: string): void;
}

/** A capture loop the SDK starts while the session is `active` and stops otherwise. */
export interface CaptureController {
  start(): void;
  stop(): void;
  readonly running: boolean;
}
