import { TRUSTED_TYPES_POLICY, trustedTypesRefused } from '../visitor/trusted-types.js';

/**
 * What capture needs from a page's Content-Security-Policy, as the directive and source a site
 * adds. These are the fatal ones: without them no picture can be made. (Without `worker-src blob:`
 * the encoder runs on the page instead; the widget's styles need no `style-src`.)
 */
export const CAPTURE_NEEDS = {
  /** The page is drawn by loading its clone as an SVG image from a `data:` URL (see rasterize.ts). */
  snapshot: 'img-src data:',
  /** Where Trusted Types are enforced, the sandbox page and the widget's templates go through this policy. */
  trustedTypes: `trusted-types ${TRUSTED_TYPES_POLICY}`,
} as const;

/** Violations remembered at most; a page that keeps breaking its own policy must not grow this. */
const MAX_REMEMBERED = 32;

interface Seen {
  /** performance.now() when the browser reported it. */
  at: number;
  directive: string;
  blocked: string;
}

/**
 * Tells whether a failed capture was the page's Content-Security-Policy at work, from the
 * `securitypolicyviolation` events the browser fires at the document.
 *
 * A policy whose `img-src` does not allow `data:` keeps the snapshot image from loading: the
 * browser rejects the image first and reports the violation a moment later (one task after, in
 * Chromium), so {@link explain} waits briefly for it. Such a block is for good (a page's policy
 * can only get stricter), so the capture loop stops trying and says what the policy lacks.
 */
export class CspViolations {
  private readonly seen: Seen[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly doc: Document) {
    doc.addEventListener('securitypolicyviolation', this.onViolation);
  }

  dispose(): void {
    this.doc.removeEventListener('securitypolicyviolation', this.onViolation);
    this.seen.length = 0;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /**
   * What the policy must allow for capture to work (a {@link CAPTURE_NEEDS} value), judged after a
   * capture that started at `since` (performance.now()) failed; null when the policy is not why.
   * Waits up to `waitMs` for a violation the browser has yet to report.
   */
  async explain(since: number, waitMs = 250): Promise<string | null> {
    if (trustedTypesRefused()) return CAPTURE_NEEDS.trustedTypes;
    return (await this.reported(since, blocksSnapshot, waitMs)) ? CAPTURE_NEEDS.snapshot : null;
  }

  /** Whether a violation `matching` was reported since `since`, waiting up to `waitMs` for one. */
  private async reported(since: number, matching: (v: Seen) => boolean, waitMs: number): Promise<boolean> {
    const deadline = performance.now() + waitMs;
    for (;;) {
      if (this.seen.some((v) => v.at >= since && matching(v))) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  private readonly onViolation = (e: SecurityPolicyViolationEvent): void => {
    if (e.disposition !== 'enforce') return;
    this.seen.push({ at: performance.now(), directive: e.effectiveDirective, blocked: e.blockedURI });
    if (this.seen.length > MAX_REMEMBERED) this.seen.shift();
    for (const wake of [...this.waiters]) wake();
  };
}

/** An image from a `data:` URL refused: the snapshot is one, so if any is refused, ours is. */
function blocksSnapshot(v: Seen): boolean {
  return v.directive === 'img-src' && v.blocked === 'data';
}
