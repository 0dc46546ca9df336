/**
 * Tells an agent that a visitor asked for help, without watching the tab: the tab title counts
 * the waiting visitors ("(2) waiting · …"), a short tone plays (unless muted; the choice is kept
 * in localStorage), and a desktop notification appears once the agent has allowed them.
 * A Lit controller: it starts with its host and stops (restoring the title) when the host leaves.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VisitorSummary } from '../protocol/index.js';
import { isolate, visitorLabel } from './describe.js';

const MUTE_KEY = 'upscope-agent:muted';
/** A burst of requests rings (and notifies) once: at most once in this many ms. */
const RING_EVERY_MS = 4000;

export class RequestAlerts implements ReactiveController {
  /** shortIds seen asking (a visitor alerts once per request). */
  private alerted = new Map<string, number>();
  private baseTitle = '';
  private primed = false;
  private chime: HTMLAudioElement | null = null;
  private rungAt = -Infinity;
  /** Reading Notification.permission is a synchronous call into the browser: asked once, then after a change. */
  private knownPermission: NotificationPermission | 'unsupported' | null = null;

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
    return (this.knownPermission ??= typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  }

  /** Asks the browser for notification permission (call from a click). */
  async enableNotifications(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    await Notification.requestPermission().catch(() => undefined);
    this.knownPermission = null;
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.baseTitle = document.title;
  }

  hostDisconnected(): void {
    document.title = this.baseTitle;
    this.chime?.pause();
    this.chime = null;
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
    const now = performance.now();
    if (now - this.rungAt < RING_EVERY_MS) return;
    this.rungAt = now;
    if (!this.muted) this.tone();
    if (this.permission === 'granted') {
      const who = fresh.map((v) => isolate(visitorLabel(v))).join(', ');
      try {
        new Notification('A visitor asked for help', { body: `${who} is waiting.`, tag: 'upscope-request' });
      } catch {
        /* some browsers only notify from a service worker; the title still says it */
      }
    }
  }

  /**
   * Two short notes; silent where audio is not allowed yet (no click on the page so far). An
   * `<audio>` element plays a tiny WAV made once, rather than an AudioContext: creating one can
   * block the page for a long moment (it opens the audio device), and a lobby must not stall.
   */
  private tone(): void {
    try {
      this.chime ??= new Audio(chimeWav());
      this.chime.currentTime = 0;
      void this.chime.play().catch(() => undefined);
    } catch {
      /* no audio: the title and notification remain */
    }
  }
}

/** Two soft notes (660 Hz, then 880 Hz, 0.15 s each) as a `data:` WAV, 8 kHz mono 8-bit. */
function chimeWav(): string {
  const rate = 8000;
  const notes = [660, 880];
  const per = Math.round(rate * 0.15);
  const samples = new Uint8Array(per * notes.length);
  notes.forEach((freq, n) => {
    for (let i = 0; i < per; i++) {
      const fade = Math.exp((-5 * i) / per);
      samples[n * per + i] = 128 + Math.round(30 * fade * Math.sin((2 * Math.PI * freq * i) / rate));
    }
  });
  const out = new Uint8Array(44 + samples.length);
  const dv = new DataView(out.buffer);
  const text = (at: number, s: string) => [...s].forEach((c, i) => dv.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  dv.setUint32(4, 36 + samples.length, true);
  text(8, 'WAVEfmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true);
  dv.setUint16(22, 1, true);
  dv.setUint32(24, rate, true);
  dv.setUint32(28, rate, true);
  dv.setUint16(32, 1, true);
  dv.setUint16(34, 8, true);
  text(36, 'data');
  dv.setUint32(40, samples.length, true);
  out.set(samples, 44);
  let binary = '';
  for (const b of out) binary += String.fromCharCode(b);
  return `data:audio/wav;base64,${btoa(binary)}`;
}
