/**
 * Helpers for the agent-side browser tests: a visitor played by a raw WebSocket to the real
 * relay (the test answers consent and sends frames itself), frames made from real encoded
 * images, and canvas pixel reads.
 */
import { encodeFrame, FrameEncoding, FrameFlags, type Message, type MessageOf, type MessageType } from '../../src/protocol/index.js';
import { saveAgentSession, clearAgentSession } from '../../src/agent/agent-session.js';
import { AgentSocket } from '../support/agent-driver.js';
import { near, type RGB } from '../support/colors.js';
import { shortIdFor } from '../../src/server/relay/admission.js';

import { relayInfo, type RelayInfo } from '../support/agent-driver.js';
export { agentToken, relayInfo, type RelayInfo } from '../support/agent-driver.js';

/** Stores a login in sessionStorage as the login form would. */
export function storeLogin(token: string, agentName = 'Test Agent'): void {
  saveAgentSession({ token, agentId: 'test-agent', agentName, expiresAt: Date.now() + 60 * 60 * 1000 });
}
export const forgetLogin = () => clearAgentSession();

const randomId = (prefix: string) => `${prefix}-${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`;

/** A visitor id whose shortId (derived from it by the relay) starts with `start`, e.g. "-". */
export async function visitorIdWithShortId(start: string): Promise<string> {
  for (;;) {
    const id = randomId('v');
    if ((await shortIdFor(id)).startsWith(start)) return id;
  }
}

/** A visitor's page, played by the test over a raw WebSocket to `/parties/visitor/{id}`. */
export class RawVisitor {
  private constructor(
    private readonly socket: AgentSocket,
    readonly welcome: MessageOf<'welcome'>,
  ) {}

  get shortId(): string {
    return this.welcome.shortId;
  }

  /** `visitorId`: the visitor's secret id (default a random one); see {@link visitorIdWithShortId}. */
  static async connect(host: string, identity?: MessageOf<'updateConnection'>['identity'], visitorId = randomId('v')): Promise<RawVisitor> {
    const socket = await AgentSocket.open(`ws://${host}/parties/visitor/${visitorId}`);
    const v = new RawVisitor(socket, await socket.next('welcome'));
    if (identity) v.send({ type: 'updateConnection', identity });
    return v;
  }

  send(msg: Message): void {
    this.socket.send(msg);
  }

  sendFrame(bytes: Uint8Array): void {
    this.socket.ws.send(bytes);
  }

  /** Every message received so far, taken or not. */
  get messages(): readonly Message[] {
    return this.socket.messages;
  }

  /** Types received and not yet taken (for asserting something did not arrive). */
  pendingTypes(): MessageType[] {
    return this.socket.untakenTypes();
  }

  /** The next message of `type` (optionally matching `where`) not yet taken. */
  next<T extends MessageType>(type: T, where?: (m: MessageOf<T>) => boolean, timeoutMs?: number): Promise<MessageOf<T>> {
    return this.socket.next(type, where, timeoutMs);
  }

  /** Answers the next request to watch. */
  async answer(allow: boolean): Promise<MessageOf<'consentRequest'>> {
    const req = await this.next('consentRequest');
    this.send({ type: 'consent', requestId: req.requestId, allow });
    return req;
  }

  close(): void {
    if (this.socket.ws.readyState <= WebSocket.OPEN) this.socket.close();
  }
}

/**
 * The relay and the raw visitors of one `describe` block: registers a `before` that reads the
 * relay's info and an `afterEach` that closes every visitor the test opened with `connect` (or
 * handed to `track`).
 */
export function relayVisitors() {
  let info: RelayInfo | null = null;
  const open: RawVisitor[] = [];
  before(async () => {
    info = await relayInfo();
  });
  afterEach(() => {
    for (const v of open.splice(0)) v.close();
  });
  return {
    get info(): RelayInfo {
      if (!info) throw new Error('relayVisitors: the relay info is read in `before`');
      return info;
    },
    track(v: RawVisitor): RawVisitor {
      open.push(v);
      return v;
    },
    async connect(identity?: MessageOf<'updateConnection'>['identity']): Promise<RawVisitor> {
      return this.track(await RawVisitor.connect(this.info.host, identity));
    },
  };
}

/** A `width` x `height` image of one colour, really encoded by the browser. */
export async function solidImage(color: string, width: number, height: number, type: 'image/png' | 'image/jpeg' = 'image/png'): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, width, height);
  const blob = await canvas.convertToBlob({ type, quality: 0.95 });
  return new Uint8Array(await blob.arrayBuffer());
}

export interface TileSpec {
  color: string;
  x?: number;
  y?: number;
  width: number;
  height: number;
}

let nextSeq = 1;

/**
 * One frame as wire messages: each tile a solid colour, encoded as PNG (exact colours) or JPEG.
 * The last tile carries the `last` flag.
 */
export async function makeFrame(
  frameWidth: number,
  frameHeight: number,
  tiles: TileSpec[],
  { keyframe = true, encoding = 'png' as 'png' | 'jpeg' } = {},
): Promise<Uint8Array[]> {
  const seq = nextSeq++;
  const type = encoding === 'png' ? 'image/png' : 'image/jpeg';
  return Promise.all(
    tiles.map(async (t, i) =>
      encodeFrame(
        {
          encoding: encoding === 'png' ? FrameEncoding.png : FrameEncoding.jpeg,
          flags: (i === tiles.length - 1 ? FrameFlags.last : 0) | (keyframe ? FrameFlags.keyframe : 0),
          tileCount: tiles.length,
          seq,
          x: t.x ?? 0,
          y: t.y ?? 0,
          width: t.width,
          height: t.height,
          frameWidth,
          frameHeight,
          capturedAt: Date.now(),
        },
        await solidImage(t.color, t.width, t.height, type),
      ),
    ),
  );
}

/** RGBA of one pixel of a canvas. */
export function pixel(canvas: HTMLCanvasElement, x: number, y: number): [number, number, number, number] {
  const d = canvas.getContext('2d')!.getImageData(x, y, 1, 1).data;
  return [d[0], d[1], d[2], d[3]];
}

/** An opaque pixel of about `rgb` (test/support/colors.ts). */
export const isColor = (rgba: number[], rgb: RGB) => near(rgba, rgb) && rgba[3] === 255;
export const RED: [number, number, number] = [255, 0, 0];
export const BLUE: [number, number, number] = [0, 0, 255];
export const GREEN: [number, number, number] = [0, 128, 0];
export const YELLOW: [number, number, number] = [255, 255, 0];

/** The shadow-DOM element with `part` inside `host` (one level deep). */
export function part<T extends Element = HTMLElement>(host: Element, name: string): T | null {
  return host.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

/** A markup string that would run script if it were ever parsed as HTML. */
export const INJECTION = '<img src=x onerror="window.__upscopePwned=1">';

/** The viewer's canvas and its status line as one line of text. */
export const viewerScreen = (el: Element) => part<HTMLCanvasElement>(el, 'screen')!;
export const viewerStatus = (el: Element) => part(el, 'status')!.textContent!.replace(/\s+/g, ' ').trim();
