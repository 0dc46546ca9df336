/**
 * Tells an agent that a visitor asked for help, without watching the tab: the tab title counts
 * the waiting visitors ("(2) waiting · …"), a short tone plays (unless muted; the choice is kept
 * in localStorage), and a desktop notification appears once the agent has allowed them.
 * A Lit controller: it starts with its host and stops (restoring the title) when the host leaves.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VisitorSummary } from '../protocol/index.js';
import { visitorLabel } from './describe.js';

const MUTE_KEY = 'upscope-agent:muted';

export class RequestAlerts implements ReactiveController {
  /** shortIds seen asking (a visitor alerts once per request). */
  private alerted = new Map<string, number>();
  private baseTitle = '';
  private primed = false;
  private audio: AudioContext | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Whether the tone is off. */
  get muted(): boolean {
    try {
      return localStorage.getItem(MUTE_KEY) === '1';
    } catch {
      return false;
    }
  }

  set muted(value: boolean) {
    try {
      if (value) localStorage.setItem(MUTE_KEY, '1');
      else localStorage.removeItem(MUTE_KEY);
    } catch {
      /* storage off: the choice lasts for this page */
    }
    this.host.requestUpdate();
  }

  /** Desktop notifications: `default` until the agent answers the browser's question. */
  get permission(): NotificationPermission | 'unsupported' {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  }

  /** Asks the browser for notification permission (call from a click). */
  async enableNotifications(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    await Notification.requestPermission().catch(() => undefined);
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.baseTitle = document.title;
  }

  hostDisconnected(): void {
    document.title = this.baseTitle;
    void this.audio?.close().catch(() => undefined);
    this.audio = null;
  }

  /**
   * Call with the current list on every change. Requests already open when the list first
   * arrives set the title but do not ring: the agent did not just miss them.
   */
  update(visitors: readonly VisitorSummary[]): void {
    const waiting = visitors.filter((v) => v.connected && v.pendingRequestAt !== null);
    const count = `(${waiting.length}) waiting`;
    document.title = waiting.length ? (this.baseTitle ? `${count} · ${this.baseTitle}` : count) : this.baseTitle;
    const fresh = waiting.filter((v) => this.alerted.get(v.shortId) !== v.pendingRequestAt);
    this.alerted = new Map(waiting.map((v) => [v.shortId, v.pendingRequestAt!]));
    if (!this.primed) {
      this.primed = true;
      return;
    }
    if (fresh.length === 0) return;
    if (!this.muted) this.tone();
    if (this.permission === 'granted') {
      const who = fresh.map((v) => visitorLabel(v)).join(', ');
      try {
        new Notification('A visitor asked for help', { body: `${who} is waiting.`, tag: 'upscope-request' });
      } catch {
        /* some browsers only notify from a service worker; the title still says it */
      }
    }
  }

  /** Two short notes; silent where audio is not allowed yet (no click on the page so far). */
  private tone(): void {
    try {
      const ctx = (this.audio ??= new AudioContext());
      const now = ctx.currentTime;
      for (const [i, freq] of [660, 880].entries()) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.08, now + i * 0.15);
        gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.15 + 0.14);
        osc.connect(gain).connect(ctx.destination);
        osc.start(now + i * 0.15);
        osc.stop(now + i * 0.15 + 0.15);
      }
    } catch {
      /* no audio: the title and notification remain */
    }
  }
}
