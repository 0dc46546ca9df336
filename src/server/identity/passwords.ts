/**
 * Password hashing with the platform's own KDF: PBKDF2-HMAC-SHA256 through WebCrypto, 600,000
 * iterations (OWASP's 2023 figure for PBKDF2-SHA256), a random 16-byte salt per password. Chosen
 * over node:crypto scrypt so the same code runs on the Cloudflare host; over a library because
 * WebCrypto is the platform's own, audited implementation and npm skips native builds here.
 * Stored as `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url), so the count can rise later
 * and old hashes still verify; a host may hash with its own count (the Cloudflare host uses
 * {@link CLOUDFLARE_PBKDF2_ITERATIONS}) and verifies any count it can compute. Comparison is constant-time (an HMAC of both sides compared).
 */
import { base64url, fromBase64url } from '../relay/agent-token.js';

export const PBKDF2_ITERATIONS = 600_000;
/** Shortest and longest password accepted, in characters (NIST SP 800-63B: at least 8, allow long ones). */
export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 256;

const enc = new TextEncoder();

/**
 * Password hashes at once, relay-wide (this process; on Cloudflare, this isolate). Node runs
 * WebCrypto's PBKDF2 on libuv's thread pool (4 threads), which also runs every visitor's SHA-256
 * (admission's shortId), the hashes of cookies and links, and file reads: however many addresses
 * sign-in attempts come from (each has its own budget), they never take more than these threads,
 * so a visitor connecting meanwhile is not kept waiting behind them.
 */
export const MAX_HASHES_AT_ONCE = 2;
/** Hashes that may wait for one of those; past it an attempt is refused at once ({@link HashesBusy}). */
export const MAX_HASHES_WAITING = 8;

/** Thrown instead of hashing when MAX_HASHES_WAITING hashes already wait: nothing was hashed (identity/http.ts answers 503). */
export class HashesBusy extends Error {}

let hashing = 0;
const waiting: (() => void)[] = [];

/** Runs `fn` (one hash) within MAX_HASHES_AT_ONCE, after those that wait before it. */
async function gated<T>(fn: () => Promise<T>): Promise<T> {
  if (hashing < MAX_HASHES_AT_ONCE) hashing++;
  else if (waiting.length >= MAX_HASHES_WAITING) throw new HashesBusy('too many sign-ins are being checked right now');
  else await new Promise<void>((run) => waiting.push(run));
  try {
    return await fn();
  } finally {
    // The slot goes to the next in line, or is freed.
    const next = waiting.shift();
    if (next) next();
    else hashing--;
  }
}

function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array<ArrayBuffer>> {
  return gated(async () => {
    const key = await crypto.subtle.importKey('raw', enc.encode(password.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
    return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256));
  });
}

/** Why `password` cannot be used, or null. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string' || !password) return 'enter a password';
  const length = [...password].length;
  if (length < MIN_PASSWORD) return `the password must be at least ${MIN_PASSWORD} characters`;
  if (length > MAX_PASSWORD) return `the password must be at most ${MAX_PASSWORD} characters`;
  return null;
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${iterations}$${base64url(salt)}$${base64url(await derive(password, salt, iterations))}`;
}

/** True when `password` matches `stored` (constant time); false for anything malformed. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, count, saltText, hashText] = stored.split('$');
  const iterations = Number(count);
  const salt = fromBase64url(saltText ?? '');
  const expected = fromBase64url(hashText ?? '');
  if (scheme !== 'pbkdf2-sha256' || !Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000 || !salt || !expected) return false;
  const got = await derive(password, salt, iterations);
  const k = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  return crypto.subtle.verify('HMAC', k, await crypto.subtle.sign('HMAC', k, expected), got);
}

/** Cloudflare Workers' WebCrypto refuses PBKDF2 above this many iterations (docs/security.md says why it is still acceptable there). */
export const CLOUDFLARE_PBKDF2_ITERATIONS = 100_000;

/** A dummy hash (at `iterations`) to verify against when the name is unknown, so a wrong name costs what a wrong password does. */
export const dummyHash = (iterations = PBKDF2_ITERATIONS) => `pbkdf2-sha256$${iterations}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
export const DUMMY_HASH = dummyHash();
