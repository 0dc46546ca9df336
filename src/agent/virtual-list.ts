/**
 * A list that renders only the rows in view, for lobbies of thousands of visitors: the host
 * renders rows `start..end` of a fixed pitch inside a scrolling viewport, with a spacer above and
 * below, so the DOM holds about a screenful of rows whatever the list's length.
 *
 * Keyboard: one row is active (roving tabindex: its focus target alone is in the tab order);
 * ArrowUp/ArrowDown, PageUp/PageDown, Home and End move it, scrolling it into view and focusing
 * it once rendered, so every row is reachable without a mouse.
 *
 * A Lit controller: it listens to the viewport's scroll and size while the host is connected,
 * and asks the host to render only when the visible window changes.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface VirtualListOptions {
  /** The scrolling element (looked up after each render). */
  viewport: () => HTMLElement | null | undefined;
  /** The element to focus for row `index`, when it is rendered. */
  focusTarget: (index: number) => HTMLElement | null | undefined;
  /** Distance between the tops of two rows, in CSS px, before the first row is measured. Default 72. */
  pitch?: number;
  /** Rows rendered beyond each edge of the view. Default 6. */
  overscan?: number;
}

export interface VirtualWindow {
  /** First row rendered. */
  start: number;
  /** One past the last row rendered. */
  end: number;
  /** Space above the first rendered row, px. */
  before: number;
  /** Space below the last rendered row, px. */
  after: number;
}

const KEYS = new Set(['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End']);

export class VirtualList implements ReactiveController {
  /** The row that is in the tab order (and focused by the arrow keys). */
  active = 0;
  private total = 0;
  private scrollTop = 0;
  private height = 600;
  private pitch: number;
  private readonly overscan: number;
  private last: VirtualWindow = { start: 0, end: 0, before: 0, after: 0 };
  private observed: HTMLElement | null = null;
  private focusAfterRender = false;
  private pitchKnown = false;
  private readonly resize = new ResizeObserver(() => this.measure());

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: VirtualListOptions,
  ) {
    this.pitch = options.pitch ?? 72;
    this.overscan = options.overscan ?? 6;
    host.addController(this);
  }

  hostConnected(): void {
    this.observed = null;
  }

  hostDisconnected(): void {
    this.observed?.removeEventListener('scroll', this.onScroll);
    this.resize.disconnect();
    this.observed = null;
  }

  /** After each render: follow a new viewport, and focus the active row if a key moved it. */
  hostUpdated(): void {
    const viewport = this.options.viewport() ?? null;
    if (viewport !== this.observed) {
      this.observed?.removeEventListener('scroll', this.onScroll);
      this.resize.disconnect();
      this.observed = viewport;
      if (viewport) {
        viewport.addEventListener('scroll', this.onScroll, { passive: true });
        this.resize.observe(viewport);
        this.measure();
      }
    }
    if (this.focusAfterRender) {
      const target = this.options.focusTarget(this.active);
      if (target) {
        this.focusAfterRender = false;
        target.focus({ preventScroll: true });
      }
    }
  }

  /** The rows to render for a list of `total` rows (call from the host's render). */
  window(total: number): VirtualWindow {
    this.total = total;
    if (this.active >= total) this.active = Math.max(0, total - 1);
    this.last = this.compute(total);
    return this.last;
  }

  private compute(total: number): VirtualWindow {
    const first = Math.floor(this.scrollTop / this.pitch);
    const visible = Math.ceil(this.height / this.pitch) + 1;
    const start = Math.max(0, Math.min(first, total - visible) - this.overscan);
    const end = Math.min(total, first + visible + this.overscan);
    return { start, end, before: start * this.pitch, after: Math.max(0, total - end) * this.pitch };
  }

  /**
   * The distance between row tops the host's styles give, measured by `measure` (0: cannot tell
   * yet). Measured once, and again after the viewport is resized: reading a row's position makes
   * the browser lay the page out, which is not free on every update.
   */
  measurePitch(measure: () => number): void {
    if (this.pitchKnown) return;
    const px = measure();
    if (px <= 0) return;
    this.pitchKnown = true;
    if (Math.abs(px - this.pitch) > 0.5) {
      this.pitch = px;
      this.host.requestUpdate();
    }
  }

  /** Makes `index` the active row (a click or focus on it), without moving focus. */
  activate(index: number): void {
    if (index === this.active) return;
    this.active = index;
    this.host.requestUpdate();
  }

  /** Keyboard navigation; returns true when the key was used. Bind to the list's keydown. */
  onKeyDown(e: KeyboardEvent): boolean {
    if (!KEYS.has(e.key) || e.altKey || e.ctrlKey || e.metaKey || this.total === 0) return false;
    const page = Math.max(1, Math.floor(this.height / this.pitch) - 1);
    const to = { ArrowDown: this.active + 1, ArrowUp: this.active - 1, PageDown: this.active + page, PageUp: this.active - page, Home: 0, End: this.total - 1 }[e.key]!;
    e.preventDefault();
    this.moveTo(Math.max(0, Math.min(this.total - 1, to)));
    return true;
  }

  /** Activates row `index`, scrolls it into view and focuses it. */
  moveTo(index: number): void {
    this.active = index;
    const viewport = this.observed;
    if (viewport) {
      const top = index * this.pitch;
      if (top < viewport.scrollTop) viewport.scrollTop = top;
      else if (top + this.pitch > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + this.pitch - viewport.clientHeight;
      this.scrollTop = viewport.scrollTop;
    }
    this.focusAfterRender = true;
    this.host.requestUpdate();
  }

  private readonly onScroll = (): void => {
    this.scrollTop = this.observed?.scrollTop ?? 0;
    // Render only when the rows in view changed, not on every scroll event.
    const next = this.compute(this.total);
    if (next.start !== this.last.start || next.end !== this.last.end) this.host.requestUpdate();
  };

  private measure(): void {
    const viewport = this.observed;
    if (!viewport) return;
    const height = viewport.clientHeight;
    this.pitchKnown = false;
    if (height > 0 && height !== this.height) {
      this.height = height;
      this.host.requestUpdate();
    }
  }
}
