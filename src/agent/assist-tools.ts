/**
 * The agent's tools over the visitor's picture in `<upscope-viewer>`: the pointer (the mouse over
 * the picture moves a pointer on the visitor's page), ink (dragging draws, in draw mode) and
 * remote control (with a grant, clicks, the wheel and keys on the picture go to the page as
 * RemoteInput), and the marks drawn over the picture locally: the agent's own ink (never in
 * frames, so it costs no capture and shows at once) and the visitor's cursor and click ripples.
 *
 * Over 350 lines: the one mapping from the picture to the visitor's viewport is shared by every
 * tool, so the tools' input handling and the marks they draw stay together with it.
 *
 * Coordinates: the picture is the visitor's viewport, drawn scaled (and letterboxed by
 * `object-fit: contain`) in the screen canvas. {@link PictureMap} maps a point of the screen
 * canvas to CSS pixels of the visitor's viewport, using the viewport's CSS size the visitor
 * reports with its scroll position (the frame may be captured at another scale), at any size of
 * the viewer. Ink is kept in page coordinates (viewport plus the visitor's scroll), so it moves
 * with the page when the visitor scrolls, as it does on the visitor's side.
 */
import { INK_FADE_MS, MAX_KEY_NAME, MAX_REMOTE_TEXT, type DrawShape, type RemoteInput, type RemoteInputResult } from '../protocol/index.js';
import { drawShape } from '../visitor/assist-layer.js';
import type { VisitorLiveMessage, WatchClient } from './watch-client.js';

/** Keys sent by name (everything else of length 1 is text). */
const NAMED_KEYS = new Set(['Enter', 'Tab', 'Backspace', 'Delete', 'Escape', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);
const RIPPLE_MS = 600;
const FADE_OUT_MS = 600;
const OWN_INK = '#e11d48';
/** Ink kept locally at most (shapes). */
const MAX_LOCAL_SHAPES = 64;

export type Tool = 'pointer' | 'draw';

interface LocalShape {
  id: string;
  shape: DrawShape;
  /** Page coordinates of the visitor's page. */
  points: number[];
  at: number;
  done: boolean;
}

/** The visitor's viewport as last reported (CSS pixels), and its scroll. */
export interface VisitorScroll {
  x: number;
  y: number;
  width: number;
  height: number;
  viewportWidth: number;
  viewportHeight: number;
}

/** Maps between the screen canvas (client pixels) and the visitor's viewport (CSS pixels). */
export class PictureMap {
  constructor(
    private readonly screen: HTMLCanvasElement,
    private readonly scroll: VisitorScroll | null,
  ) {}

  /** The visitor's viewport in CSS pixels: as reported, when it matches the picture's shape; else the frame's own size. */
  get viewport(): { width: number; height: number } {
    const fw = this.screen.width;
    const fh = this.screen.height;
    const s = this.scroll;
    if (s && s.viewportWidth > 0 && s.viewportHeight > 0 && Math.abs(s.viewportWidth / s.viewportHeight - fw / fh) < 0.02) return { width: s.viewportWidth, height: s.viewportHeight };
    return { width: fw, height: fh };
  }

  /** Where the picture is drawn inside the canvas element (object-fit: contain), client pixels. */
  get content(): { left: number; top: number; width: number; height: number } {
    const r = this.screen.getBoundingClientRect();
    const fw = this.screen.width || 1;
    const fh = this.screen.height || 1;
    const k = Math.min(r.width / fw, r.height / fh);
    const width = fw * k;
    const height = fh * k;
    return { left: r.left + (r.width - width) / 2, top: r.top + (r.height - height) / 2, width, height };
  }

  /** A client point as visitor viewport CSS pixels; null outside the picture. */
  toVisitor(clientX: number, clientY: number): { x: number; y: number } | null {
    const c = this.content;
    const fx = (clientX - c.left) / c.width;
    const fy = (clientY - c.top) / c.height;
    if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) return null;
    const v = this.viewport;
    return { x: fx * v.width, y: fy * v.height };
  }
}

export interface AssistToolsHost {
  /** The screen canvas and the marks canvas over it (null before the first render). */
  screen(): HTMLCanvasElement | null;
  marks(): HTMLCanvasElement | null;
  client(): WatchClient | null;
  /** Something the toolbar shows changed. */
  changed(): void;
  /** The page refused an input (or it failed): shown to the agent. */
  refused(result: Extract<RemoteInputResult, { ok: false }>): void;
}

export class AssistTools {
  /** The pointer is shared while the mouse is over the picture. */
  pointerOn = true;
  /** Draw mode: dragging draws `shape`. */
  drawing = false;
  shape: DrawShape = 'stroke';

  private scroll: VisitorScroll | null = null;
  private cursor: { x: number; y: number; at: number } | null = null;
  private ripples: Array<{ x: number; y: number; at: number }> = [];
  private readonly ink = new Map<string, LocalShape>();
  private stroke: LocalShape | null = null;
  private seq = 0;
  private frame = 0;
  private bound: HTMLCanvasElement | null = null;
  private resize: ResizeObserver | null = null;

  constructor(private readonly host: AssistToolsHost) {}

  /** The visitor's scroll position, as last reported; null before. */
  get visitorScroll(): VisitorScroll | null {
    return this.scroll;
  }

  /** Listens on the screen canvas (call after each render; binds once per canvas). */
  attach(): void {
    const screen = this.host.screen();
    if (!screen || screen === this.bound) return;
    this.detach();
    this.bound = screen;
    screen.addEventListener('pointermove', this.onMove);
    screen.addEventListener('pointerdown', this.onDown);
    screen.addEventListener('pointerup', this.onUp);
    screen.addEventListener('pointercancel', this.onUp);
    screen.addEventListener('pointerleave', this.onLeave);
    screen.addEventListener('wheel', this.onWheel, { passive: false });
    screen.addEventListener('keydown', this.onKey);
    screen.addEventListener('contextmenu', this.onContextMenu);
    this.resize = new ResizeObserver(() => this.schedule());
    this.resize.observe(screen);
  }

  detach(): void {
    const screen = this.bound;
    this.bound = null;
    this.resize?.disconnect();
    this.resize = null;
    if (!screen) return;
    screen.removeEventListener('pointermove', this.onMove);
    screen.removeEventListener('pointerdown', this.onDown);
    screen.removeEventListener('pointerup', this.onUp);
    screen.removeEventListener('pointercancel', this.onUp);
    screen.removeEventListener('pointerleave', this.onLeave);
    screen.removeEventListener('wheel', this.onWheel);
    screen.removeEventListener('keydown', this.onKey);
    screen.removeEventListener('contextmenu', this.onContextMenu);
  }

  /** Forgets the visitor's marks and the agent's ink (a new session, the view closed). */
  reset(): void {
    this.scroll = null;
    this.cursor = null;
    this.ripples = [];
    this.ink.clear();
    this.stroke = null;
    this.schedule();
  }

  /** What the visitor's page reported. */
  onLive(msg: VisitorLiveMessage): void {
    const now = performance.now();
    switch (msg.type) {
      case 'visitorCursor':
        // Over masked content the visitor's page says only that the cursor is hidden.
        this.cursor = msg.hidden ? null : { x: msg.x, y: msg.y, at: now };
        break;
      case 'visitorClick':
        this.cursor = { x: msg.x, y: msg.y, at: now };
        this.ripples.push({ x: msg.x, y: msg.y, at: now });
        if (this.ripples.length > 16) this.ripples.shift();
        break;
      case 'visitorScroll': {
        const before = this.scroll;
        this.scroll = { x: msg.x, y: msg.y, width: msg.width, height: msg.height, viewportWidth: msg.viewportWidth, viewportHeight: msg.viewportHeight };
        if (!before || before.y !== msg.y || before.height !== msg.height || before.viewportHeight !== msg.viewportHeight) this.host.changed();
        break;
      }
      case 'drawingCleared':
        if (msg.observerId === null || msg.observerId === this.host.client()?.snapshot.observerId) this.ink.clear();
        break;
    }
    this.schedule();
  }

  /** Clears the agent's ink, here and on the visitor's page. */
  clearInk(): void {
    this.ink.clear();
    this.stroke = null;
    this.host.client()?.clearDrawing();
    this.schedule();
  }

  /** Whether the agent's ink is shown. */
  get hasInk(): boolean {
    return this.ink.size > 0;
  }

  /** The picture was redrawn or resized: the marks follow. */
  schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.paint());
  }

  // ------------------------------------------------------------------ input

  private map(): PictureMap | null {
    const screen = this.host.screen();
    return screen && screen.width > 0 ? new PictureMap(screen, this.scroll) : null;
  }

  private granted(): boolean {
    return this.host.client()?.snapshot.control === 'granted';
  }

  private readonly onMove = (e: PointerEvent) => {
    const client = this.host.client();
    const p = this.map()?.toVisitor(e.clientX, e.clientY);
    if (!client || !p) return;
    if (this.stroke) {
      this.extend(p.x, p.y);
      return;
    }
    if (this.pointerOn) client.pointer(p.x, p.y, true);
  };

  private readonly onLeave = () => {
    if (this.stroke) this.finishStroke();
    if (this.pointerOn) this.host.client()?.pointer(0, 0, false);
  };

  private readonly onDown = (e: PointerEvent) => {
    const p = this.map()?.toVisitor(e.clientX, e.clientY);
    const client = this.host.client();
    if (!p || !client) return;
    if (this.drawing && e.button === 0) {
      // preventDefault keeps the browser from focusing the picture: focus it here, so keys typed
      // next never act on the toolbar button still holding focus (a space would press it).
      (e.target as HTMLElement).focus({ preventScroll: true });
      e.preventDefault();
      (e.target as Element).setPointerCapture?.(e.pointerId);
      const sx = this.scroll?.x ?? 0;
      const sy = this.scroll?.y ?? 0;
      this.stroke = { id: `${client.snapshot.observerId ?? 'me'}-${++this.seq}`, shape: this.shape, points: [p.x + sx, p.y + sy], at: performance.now(), done: false };
      this.ink.set(this.stroke.id, this.stroke);
      while (this.ink.size > MAX_LOCAL_SHAPES) this.ink.delete(this.ink.keys().next().value!);
      if (this.shape === 'stroke') client.draw(this.stroke.id, 'stroke', [p.x, p.y]);
      this.schedule();
      return;
    }
    if (this.granted()) {
      // Keys go to the page while the picture has focus.
      (e.target as HTMLElement).focus({ preventScroll: true });
      e.preventDefault();
      this.send({ kind: 'click', x: round(p.x), y: round(p.y), button: e.button === 1 ? 1 : e.button === 2 ? 2 : 0 });
    }
  };

  private readonly onUp = () => {
    if (this.stroke) this.finishStroke();
  };

  private readonly onContextMenu = (e: Event) => {
    if (this.granted() || this.drawing) e.preventDefault();
  };

  private readonly onWheel = (e: WheelEvent) => {
    // A site that turned remote scrolling off: the wheel is the console's own, not a stream of
    // inputs each refused (a trackpad sends dozens a second).
    if (!this.granted() || this.host.client()?.snapshot.assist?.scroll === false) return;
    const p = this.map()?.toVisitor(e.clientX, e.clientY);
    if (!p) return;
    e.preventDefault();
    const k = e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? 800 : 1;
    this.send({ kind: 'wheel', x: round(p.x), y: round(p.y), deltaX: round(e.deltaX * k), deltaY: round(e.deltaY * k) });
  };

  private readonly onKey = (e: KeyboardEvent) => {
    if (!this.granted() || e.isComposing) return;
    if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      this.send({ kind: 'text', text: e.key.slice(0, MAX_REMOTE_TEXT) });
      return;
    }
    if (NAMED_KEYS.has(e.key) || (e.key.length === 1 && (e.ctrlKey || e.metaKey))) {
      // Tab stays in the page being helped, not in the agent's console.
      e.preventDefault();
      this.send({ kind: 'key', key: e.key.slice(0, MAX_KEY_NAME), shift: e.shiftKey, ctrl: e.ctrlKey, alt: e.altKey, meta: e.metaKey });
    }
  };

  private send(input: RemoteInput): void {
    const client = this.host.client();
    if (!client) return;
    void client.input(input).then((result) => {
      if (!result.ok) this.host.refused(result);
    });
  }

  private extend(x: number, y: number): void {
    const s = this.stroke!;
    const sx = this.scroll?.x ?? 0;
    const sy = this.scroll?.y ?? 0;
    if (s.shape === 'stroke') {
      s.points.push(x + sx, y + sy);
      this.host.client()?.draw(s.id, 'stroke', [x, y]);
    } else {
      s.points = [s.points[0], s.points[1], x + sx, y + sy];
      this.host.client()?.draw(s.id, s.shape, [s.points[0] - sx, s.points[1] - sy, x, y]);
    }
    s.at = performance.now();
    this.schedule();
  }

  private finishStroke(): void {
    const s = this.stroke!;
    this.stroke = null;
    s.done = true;
    s.at = performance.now();
    const sx = this.scroll?.x ?? 0;
    const sy = this.scroll?.y ?? 0;
    const last = s.shape === 'stroke' ? s.points.slice(-2) : s.points;
    if (s.points.length >= 4 || s.shape === 'stroke') this.host.client()?.draw(s.id, s.shape, last.map((v, i) => v - (i % 2 === 0 ? sx : sy)), true);
    this.schedule();
  }

  // ------------------------------------------------------------------ marks

  private paint(): void {
    this.frame = 0;
    const screen = this.host.screen();
    const marks = this.host.marks();
    if (!screen || !marks || screen.hidden || screen.width === 0) {
      marks?.getContext('2d')?.clearRect(0, 0, marks.width, marks.height);
      return;
    }
    // The marks canvas lies exactly over the screen canvas's box.
    marks.style.left = `${screen.offsetLeft}px`;
    marks.style.top = `${screen.offsetTop}px`;
    marks.style.width = `${screen.offsetWidth}px`;
    marks.style.height = `${screen.offsetHeight}px`;
    const dpr = window.devicePixelRatio || 1;
    const bw = Math.max(1, Math.round(screen.offsetWidth * dpr));
    const bh = Math.max(1, Math.round(screen.offsetHeight * dpr));
    if (marks.width !== bw || marks.height !== bh) {
      marks.width = bw;
      marks.height = bh;
    }
    const ctx = marks.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, bw, bh);
    const map = new PictureMap(screen, this.scroll);
    const r = screen.getBoundingClientRect();
    const c = map.content;
    const v = map.viewport;
    const k = c.width / v.width;
    // Visitor viewport CSS pixels -> marks canvas pixels.
    ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * (c.left - r.left), dpr * (c.top - r.top));
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 0, v.width, v.height);
    ctx.clip();
    const now = performance.now();
    let again = false;
    const sx = this.scroll?.x ?? 0;
    const sy = this.scroll?.y ?? 0;
    for (const [id, s] of this.ink) {
      let alpha = 1;
      if (s.shape === 'stroke' && s.done) {
        const age = now - s.at - INK_FADE_MS;
        if (age >= FADE_OUT_MS) {
          this.ink.delete(id);
          continue;
        }
        if (age > 0) alpha = 1 - age / FADE_OUT_MS;
        again = true;
      }
      drawShape(ctx, { shape: s.shape, points: s.points, colour: OWN_INK }, -sx, -sy, alpha);
    }
    this.ripples = this.ripples.filter((rp) => now - rp.at < RIPPLE_MS);
    for (const rp of this.ripples) {
      const t = (now - rp.at) / RIPPLE_MS;
      ctx.beginPath();
      ctx.arc(rp.x, rp.y, 6 + 22 * t, 0, Math.PI * 2);
      ctx.strokeStyle = `rgb(37 99 235 / ${1 - t})`;
      ctx.lineWidth = 3 / k;
      ctx.stroke();
      again = true;
    }
    if (this.cursor) drawCursor(ctx, this.cursor.x, this.cursor.y, 1 / Math.max(k, 0.35));
    ctx.restore();
    if (again) this.schedule();
  }
}

/** The visitor's cursor: a blue arrow, its tip at (x, y), kept legible when the picture is small. */
function drawCursor(ctx: CanvasRenderingContext2D, x: number, y: number, size: number): void {
  ctx.save();
  ctx.translate(x, y);
  ctx.scale(size, size);
  ctx.beginPath();
  ctx.moveTo(0, 0);
  ctx.lineTo(0, 17);
  ctx.lineTo(4.5, 13);
  ctx.lineTo(7.5, 19.5);
  ctx.lineTo(10.5, 18);
  ctx.lineTo(7.5, 12);
  ctx.lineTo(13, 12);
  ctx.closePath();
  ctx.fillStyle = '#2563eb';
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 1.5;
  ctx.lineJoin = 'round';
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

const round = (n: number) => Math.round(n * 10) / 10;
