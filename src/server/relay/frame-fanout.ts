/**
 * Frame fan-out with newest-wins backpressure, for one visitor room. Frames are binary tiles
 * (src/protocol/frame.ts), several per frame, sharing the frame's seq; the first tile of a frame
 * starts it, and a started frame's later tiles always follow it to a watcher, so what it draws is
 * whole.
 *
 * A watcher is sent a new frame only while fewer than `window` of its frames are unacknowledged
 * (`frameAck`, sent by the viewer for each frame it received) and, where the platform can tell,
 * its socket holds at most `maxBufferedBytes`. Otherwise the room holds the NEWEST frame for it
 * (one frame, replacing any held one) and sends it when an ack arrives or the socket drains. A
 * delta that cannot be sent or held (it would follow a frame the watcher never got) is dropped,
 * and the watcher waits for a keyframe, which the visitor is asked for. So one slow agent costs
 * the relay at most one frame, and never slows the others.
 *
 * The bytes a visitor sent are handed to every watcher as they are: no copy, no re-encoding.
 */
import type { Connection } from './seams.js';

/** Bytes a held frame may grow to (its tiles together); past it, it is dropped for a keyframe. */
export const MAX_HELD_FRAME_BYTES = 8 * 1024 * 1024;

interface Held {
  seq: number;
  tiles: Uint8Array[];
  bytes: number;
  /** Its last tile arrived. */
  complete: boolean;
}

/** One watcher's side of the fan-out. */
export interface FrameLane {
  readonly conn: Connection;
  /** Only lanes that watch get frames (a watch socket waits for consent first). */
  watching: boolean;
  /** After frames were dropped, forward nothing until the next keyframe. */
  needsKeyframe: boolean;
  /** The frame being forwarded, whose later tiles go through. */
  currentSeq: number | null;
  /** When a keyframe was last asked for on this watcher's behalf (epoch ms). */
  keyframeAskedAt: number;
  /** Seqs of frames sent and not acknowledged yet, oldest first (at most `window`). */
  inFlight: number[];
  held: Held | null;
}

export function newLane(conn: Connection): FrameLane {
  return { conn, watching: false, needsKeyframe: true, currentSeq: null, keyframeAskedAt: 0, inFlight: [], held: null };
}

export interface FrameFanoutOptions {
  /** Unacknowledged frames a watcher may have. Default 2. */
  window: number;
  /** Bytes a watcher's socket may hold before frames to it wait. */
  maxBufferedBytes: number;
  now: () => number;
  /** Asks the visitor for a keyframe. */
  requestKeyframe: () => void;
  /** A send to `conn` was made (the outgoing bound watches the sockets frames fill). */
  sent: (conn: Connection) => void;
}

export class FrameFanout {
  /** The seq of the last tile forwarded: a tile with another seq starts a frame. */
  private lastSeq: number | null = null;

  constructor(private readonly opts: FrameFanoutOptions) {}

  /** Hands one tile to every watching lane. True when any lane waits (for a keyframe, or with a frame held). */
  forward(lanes: Iterable<FrameLane>, data: Uint8Array, seq: number, keyframe: boolean, last: boolean): boolean {
    const start = seq !== this.lastSeq;
    this.lastSeq = seq;
    let waiting = false;
    for (const w of lanes) {
      if (!w.watching) continue;
      if (w.needsKeyframe || w.held !== null) waiting = true;
      if (w.currentSeq === seq) {
        if (last) w.currentSeq = null;
        this.send(w, data);
        continue;
      }
      if (w.held !== null && w.held.seq === seq) {
        this.hold(w, data, last);
        continue;
      }
      // Not a frame this watcher was given the start of: its tiles alone would draw nothing whole.
      if (!start) continue;
      if (!keyframe && (w.needsKeyframe || w.held !== null)) {
        // A delta onto a frame the watcher never got (or has not got yet): useless; a keyframe repairs it.
        w.needsKeyframe = true;
        continue;
      }
      if (keyframe) w.needsKeyframe = false;
      if (this.congested(w)) {
        w.held = { seq, tiles: [], bytes: 0, complete: false };
        this.hold(w, data, last);
        waiting = true;
        continue;
      }
      w.inFlight.push(seq);
      w.currentSeq = last ? null : seq;
      this.send(w, data);
    }
    return waiting;
  }

  /**
   * The watcher acknowledged frame `seq` (and with it every earlier one). Only a seq in flight to
   * it counts: an ack for a frame never sent to it, or from beyond the newest one sent (a forged
   * 2147483647), frees nothing. True when that freed something, so a flood of made-up acks can be
   * told from real ones (and is charged to the socket's message budget).
   */
  ack(w: FrameLane, seq: number): boolean {
    const i = w.inFlight.indexOf(seq);
    if (i < 0) return false;
    // One shift per freed frame (the window is a few): splice would allocate the array it returns.
    for (let n = 0; n <= i; n++) w.inFlight.shift();
    this.release(w);
    return true;
  }

  /**
   * A tile of frame `seq` was dropped (over the visitor's bandwidth budget): that frame cannot be
   * drawn whole, and its later tiles go to nobody. A watcher sent its start forgets it (no ack
   * will come for a frame it never gets whole: two such frames filled its window for good, and its
   * picture froze), one it was held for drops it, and every watcher waits for a keyframe (the
   * frames after it are deltas onto what it misses), which askForKeyframes asks the visitor for.
   */
  dropped(lanes: Iterable<FrameLane>, seq: number): void {
    this.lastSeq = seq;
    for (const w of lanes) {
      if (!w.watching) continue;
      if (w.currentSeq === seq) {
        w.currentSeq = null;
        const i = w.inFlight.indexOf(seq);
        if (i >= 0) w.inFlight.splice(i, 1);
      }
      if (w.held?.seq === seq) w.held = null;
      w.needsKeyframe = true;
    }
  }

  /** Sends the held frame if the watcher can take it now. */
  release(w: FrameLane): void {
    const h = w.held;
    if (h === null || this.congested(w)) return;
    w.held = null;
    w.inFlight.push(h.seq);
    w.currentSeq = h.complete ? null : h.seq;
    for (const tile of h.tiles) this.send(w, tile);
  }

  /**
   * Asks the visitor for one keyframe for the watchers that wait for one and can take it now:
   * not while they are still congested (it would only be held), and at most once a second per
   * watcher, so one slow agent cannot make the visitor capture full frames back to back.
   * True while any watcher waits (for a keyframe, or with a frame held).
   */
  askForKeyframes(lanes: Iterable<FrameLane>): boolean {
    const now = this.opts.now();
    let waiting = false;
    let ask = false;
    for (const w of lanes) {
      if (!w.watching) continue;
      if (w.held !== null) {
        this.release(w);
        waiting ||= w.held !== null;
      }
      if (!w.needsKeyframe) continue;
      waiting = true;
      if (this.congested(w) || now - w.keyframeAskedAt < 1000) continue;
      w.keyframeAskedAt = now;
      ask = true;
    }
    if (ask) this.opts.requestKeyframe();
    return waiting;
  }

  /** The watcher starts over (it was just allowed, or its visitor came back): from the next keyframe. */
  restart(w: FrameLane): void {
    w.needsKeyframe = true;
    w.currentSeq = null;
    w.held = null;
  }

  private congested(w: FrameLane): boolean {
    if (w.inFlight.length >= this.opts.window) return true;
    const queued = w.conn.bufferedAmount();
    return queued !== null && queued > this.opts.maxBufferedBytes;
  }

  private hold(w: FrameLane, data: Uint8Array, last: boolean): void {
    const h = w.held!;
    if (h.bytes + data.byteLength > MAX_HELD_FRAME_BYTES) {
      w.held = null;
      w.needsKeyframe = true;
      return;
    }
    h.tiles.push(data);
    h.bytes += data.byteLength;
    if (last) h.complete = true;
  }

  private send(w: FrameLane, data: Uint8Array): void {
    w.conn.send(data);
    this.opts.sent(w.conn);
  }
}
