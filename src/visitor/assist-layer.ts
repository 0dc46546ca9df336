/**
 * What agents show on the visitor's page: each agent's pointer with its name, and their ink. One
 * `<upscope-assist-layer>` element over the whole viewport, which takes no pointer events (clicks
 * and remote input go to the page under it) and is never captured (NEVER_CAPTURED in
 * src/capture/rasterize.ts), so agents' marks never cost a frame.
 *
 * Ink is kept in page coordinates (the viewport's at arrival plus the scroll then), so it stays on
 * what the agent marked when the visitor scrolls. Freehand strokes fade INK_FADE_MS after their
 * last point; rectangles and arrows stay until cleared. Bounded: MAX_SHAPES shapes, MAX_STROKE_POINTS
 * points per stroke (the oldest go first).
 */
import { INK_FADE_MS, MAX_SHAPES, MAX_STROKE_POINTS, type DrawShape } from '../protocol/index.js';

export const ASSIST_LAYER_TAG = 'upscope-assist-layer';

/** Colours given to agents in the order they first point or draw. */
const COLOURS = ['#e11d48', '#7c3aed', '#0891b2', '#ca8a04', '#16a34a'];
/** A pointer not moved for this long is hidden (the agent's mouse left without saying so), in ms. */
const POINTER_STALE_MS = 8000;
const FADE_OUT_MS = 600;

interface Shape {
  observerId: string;
  shape: DrawShape;
  /** Page coordinates, flat: x0, y0, x1, y1, ... */
  points: number[];
  colour: string;
  /** When its last point came (performance.now()). */
  at: number;
}

interface PointerView {
  el: HTMLElement;
  at: number;
}

const CSS = `
:host { all: initial; position: fixed; inset: 0; pointer-events: none; z-index: 2147482999; contain: strict; }
canvas { position: absolute; inset: 0; width: 100%; height: 100%; }
.pointer { position: absolute; left: 0; top: 0; will-change: transform; transition: opacity 150ms; }
.pointer svg { display: block; width: 22px; height: 22px; filter: drop-shadow(0 1px 2px rgb(0 0 0 / 0.45)); }
.label { position: absolute; left: 16px; top: 18px; padding: 2px 8px; border-radius: 10px; color: #fff; white-space: nowrap;
  font: 600 12px/18px system-ui, sans-serif; box-shadow: 0 1px 3px rgb(0 0 0 / 0.35); max-width: 220px; overflow: hidden; text-overflow: ellipsis; }
@media (prefers-reduced-motion: reduce) { .pointer { transition: none; } }
`;

export class AssistLayer {
  private host: HTMLElement | null = null;
  private canvas: HTMLCanvasElement | null = null;
  private readonly shapes = new Map<string, Shape>();
  private readonly pointers = new Map<string, PointerView>();
  private readonly colours = new Map<string, string>();
  private frame = 0;
  private staleTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly doc: Document = document) {}

  /** The agent's pointer at viewport (x, y), or hidden. */
  pointer(observerId: string, agentName: string, x: number, y: number, visible: boolean): void {
    let p = this.pointers.get(observerId);
    if (!visible || !Number.isFinite(x) || !Number.isFinite(y)) {
      p?.el.remove();
      this.pointers.delete(observerId);
      return;
    }
    const root = this.root();
    if (!p) {
      const el = this.doc.createElement('div');
      el.className = 'pointer';
      el.dataset.observer = observerId;
      const colour = this.colourOf(observerId);
      // Built node by node: a page enforcing Trusted Types refuses innerHTML.
      const NS = 'http://www.w3.org/2000/svg';
      const svg = this.doc.createElementNS(NS, 'svg');
      svg.setAttribute('viewBox', '0 0 24 24');
      const path = this.doc.createElementNS(NS, 'path');
      for (const [k, v] of [['d', 'M3 2l7.5 19 2.7-8.1L21 10.2z'], ['fill', colour], ['stroke', '#fff'], ['stroke-width', '1.6'], ['stroke-linejoin', 'round']]) path.setAttribute(k, v);
      svg.appendChild(path);
      const label = this.doc.createElement('span');
      label.className = 'label';
      label.textContent = agentName;
      el.append(svg, label);
      label.style.background = colour;
      root.appendChild(el);
      p = { el, at: 0 };
      this.pointers.set(observerId, p);
    }
    p.at = performance.now();
    // The tip of the arrow is at (3, 2) of its 22 px box.
    p.el.style.transform = `translate(${Math.round(x - 3)}px, ${Math.round(y - 2)}px)`;
    this.staleTimer ??= setInterval(() => this.hideStale(), 1000);
  }

  /** Ink from an agent, in viewport coordinates as it sent them. */
  draw(observerId: string, id: string, shape: DrawShape, points: readonly number[]): void {
    const view = this.doc.defaultView!;
    const page: number[] = [];
    for (let i = 0; i + 1 < points.length; i += 2) {
      if (!Number.isFinite(points[i]) || !Number.isFinite(points[i + 1])) continue;
      page.push(points[i] + view.scrollX, points[i + 1] + view.scrollY);
    }
    const key = `${observerId}/${id}`;
    let s = this.shapes.get(key);
    if (!s || s.shape !== shape) {
      s = { observerId, shape, points: [], colour: this.colourOf(observerId), at: 0 };
      this.shapes.delete(key);
      this.shapes.set(key, s);
      while (this.shapes.size > MAX_SHAPES) this.shapes.delete(this.shapes.keys().next().value!);
    }
    if (shape === 'stroke') {
      s.points.push(...page);
      if (s.points.length > MAX_STROKE_POINTS * 2) s.points.splice(0, s.points.length - MAX_STROKE_POINTS * 2);
    } else s.points = page.slice(0, 4);
    s.at = performance.now();
    this.root();
    this.schedule();
  }

  /** Clears one agent's ink, or everyone's (null). */
  clear(observerId: string | null): void {
    for (const [key, s] of this.shapes) if (observerId === null || s.observerId === observerId) this.shapes.delete(key);
    this.schedule();
  }

  /** An agent left: its pointer and ink go. */
  forget(observerId: string): void {
    this.pointer(observerId, '', 0, 0, false);
    this.clear(observerId);
  }

  /** Whether any of this agent's ink is on the page. */
  hasInkFrom(observerId: string): boolean {
    for (const s of this.shapes.values()) if (s.observerId === observerId) return true;
    return false;
  }

  /** Whether any ink is on the page. */
  get hasInk(): boolean {
    return this.shapes.size > 0;
  }

  /** Removes everything, and the element. */
  destroy(): void {
    this.shapes.clear();
    for (const p of this.pointers.values()) p.el.remove();
    this.pointers.clear();
    if (this.staleTimer !== null) clearInterval(this.staleTimer);
    this.staleTimer = null;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.host?.remove();
    this.host = null;
    this.canvas = null;
    this.doc.defaultView?.removeEventListener('scroll', this.onScroll, true);
    this.doc.defaultView?.removeEventListener('resize', this.onScroll);
  }

  // ------------------------------------------------------------------ drawing

  private root(): ShadowRoot {
    if (this.host?.isConnected && this.host.shadowRoot) return this.host.shadowRoot;
    const host = this.doc.createElement(ASSIST_LAYER_TAG);
    host.setAttribute('aria-hidden', 'true');
    const shadow = host.attachShadow({ mode: 'open' });
    const style = this.doc.createElement('style');
    style.textContent = CSS;
    this.canvas = this.doc.createElement('canvas');
    shadow.append(style, this.canvas);
    for (const p of this.pointers.values()) shadow.appendChild(p.el);
    this.doc.documentElement.appendChild(host);
    this.host = host;
    this.doc.defaultView!.addEventListener('scroll', this.onScroll, { capture: true, passive: true });
    this.doc.defaultView!.addEventListener('resize', this.onScroll, { passive: true });
    return shadow;
  }

  private readonly onScroll = () => {
    if (this.shapes.size > 0) this.schedule();
  };

  private schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.paint());
  }

  private paint(): void {
    this.frame = 0;
    const canvas = this.canvas;
    const view = this.doc.defaultView!;
    if (!canvas) return;
    const dpr = view.devicePixelRatio || 1;
    const w = view.innerWidth;
    const h = view.innerHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const now = performance.now();
    let fading = false;
    for (const [key, s] of this.shapes) {
      let alpha = 1;
      if (s.shape === 'stroke') {
        const age = now - s.at - INK_FADE_MS;
        if (age >= FADE_OUT_MS) {
          this.shapes.delete(key);
          continue;
        }
        if (age > 0) alpha = 1 - age / FADE_OUT_MS;
        fading = true;
      }
      drawShape(ctx, s, -view.scrollX, -view.scrollY, alpha);
    }
    if (fading) this.schedule();
  }

  private hideStale(): void {
    const now = performance.now();
    for (const [id, p] of this.pointers) {
      if (now - p.at > POINTER_STALE_MS) {
        p.el.remove();
        this.pointers.delete(id);
      }
    }
    if (this.pointers.size === 0 && this.staleTimer !== null) {
      clearInterval(this.staleTimer);
      this.staleTimer = null;
    }
  }

  private colourOf(observerId: string): string {
    let c = this.colours.get(observerId);
    if (!c) {
      c = COLOURS[this.colours.size % COLOURS.length];
      this.colours.set(observerId, c);
    }
    return c;
  }
}

/** Draws one shape, its points shifted by (dx, dy): shared with the agent's viewer, which draws the agent's own ink. */
export function drawShape(ctx: CanvasRenderingContext2D, s: { shape: DrawShape; points: readonly number[]; colour: string }, dx: number, dy: number, alpha = 1, scale = 1): void {
  const p = s.points;
  if (p.length < 2) return;
  ctx.save();
  ctx.globalAlpha = alpha;
  ctx.strokeStyle = s.colour;
  ctx.fillStyle = s.colour;
  ctx.lineWidth = 4 * scale;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  const X = (i: number) => (p[i] + dx) * scale;
  const Y = (i: number) => (p[i + 1] + dy) * scale;
  ctx.beginPath();
  if (s.shape === 'stroke') {
    ctx.moveTo(X(0), Y(0));
    if (p.length === 2) ctx.lineTo(X(0) + 0.1, Y(0));
    for (let i = 2; i + 1 < p.length; i += 2) ctx.lineTo(X(i), Y(i));
    ctx.stroke();
  } else if (p.length >= 4 && s.shape === 'rect') {
    ctx.strokeRect(Math.min(X(0), X(2)), Math.min(Y(0), Y(2)), Math.abs(X(2) - X(0)), Math.abs(Y(2) - Y(0)));
  } else if (p.length >= 4 && s.shape === 'arrow') {
    const [x0, y0, x1, y1] = [X(0), Y(0), X(2), Y(2)];
    const angle = Math.atan2(y1 - y0, x1 - x0);
    const head = 16 * scale;
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1 - Math.cos(angle) * head * 0.6, y1 - Math.sin(angle) * head * 0.6);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - head * Math.cos(angle - Math.PI / 7), y1 - head * Math.sin(angle - Math.PI / 7));
    ctx.lineTo(x1 - head * Math.cos(angle + Math.PI / 7), y1 - head * Math.sin(angle + Math.PI / 7));
    ctx.closePath();
    ctx.fill();
  }
  ctx.restore();
}
