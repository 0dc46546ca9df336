/** What the scheduler runs: one capture. It resolves when the capture is over (sent, skipped or dropped). */
export type CaptureJob = () => Promise<CaptureOutcome>;

/**
 * - `done`: the capture ran (whether or not anything had changed).
 * - `busy`: it could not run now (the socket is still draining, a view transition is shown); try again soon, the page stays dirty.
 */
export type CaptureOutcome = 'done' | 'busy';

export interface SchedulerOptions {
  /** Shortest time from the start of one capture to the start of the next, in ms. */
  minIntervalMs: number;
  /** With nothing marked dirty, run anyway this long after the last capture, in ms; 0 never does. */
  idleCheckMs: number;
}

/**
 * Decides when to capture: soon after the page changed, never more often than the frame budget,
 * never while a capture is still running (so captures never pile up), and now and then while idle.
 */
export class CaptureScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dirty = false;
  private runningJob = false;
  private active = false;
  private lastStart = -Infinity;

  constructor(
    private readonly job: CaptureJob,
    private readonly options: SchedulerOptions,
  ) {}

  get running(): boolean {
    return this.active;
  }

  /** Starts with a capture as soon as the budget allows. */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.dirty = true;
    this.plan();
  }

  stop(): void {
    this.active = false;
    this.dirty = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The page changed: capture at the next slot the budget allows. */
  markDirty(): void {
    if (!this.active) return;
    const wasDirty = this.dirty;
    this.dirty = true;
    if (!wasDirty) this.plan();
  }

  private plan(): void {
    if (!this.active || this.runningJob) return;
    if (this.timer !== null) clearTimeout(this.timer);
    const now = performance.now();
    const wait = this.dirty
      ? Math.max(0, this.lastStart + this.options.minIntervalMs - now)
      : this.options.idleCheckMs > 0
        ? Math.max(0, this.lastStart + this.options.idleCheckMs - now)
        : null;
    this.timer = wait === null ? null : setTimeout(() => void this.run(), wait);
  }

  private async run(): Promise<void> {
    this.timer = null;
    if (!this.active || this.runningJob) return;
    this.runningJob = true;
    this.lastStart = performance.now();
    // Changes made while this capture runs must lead to another one, so clear the flag first.
    this.dirty = false;
    let outcome: CaptureOutcome = 'done';
    try {
      outcome = await this.job();
    } catch {
      // The job reports its own errors; a failed capture must not stop the schedule.
    } finally {
      this.runningJob = false;
    }
    if (outcome === 'busy') this.dirty = true;
    this.plan();
  }
}
