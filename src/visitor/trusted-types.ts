/**
 * The one Trusted Types policy of upscope-widget, named `upscope`.
 *
 * A page that enforces Trusted Types (`require-trusted-types-for 'script'`) refuses plain strings
 * at HTML and script-URL sinks. Ours are few, and every one goes through this policy:
 * - lit's templates (`template.innerHTML`): lit-html would make a policy of its own named
 *   `lit-html`; the build routes it here instead (see rollup.config.mjs), so a site lists one name,
 *   and our copy of lit never collides with a copy the site runs itself;
 * - the capture's sandbox document (`document.write` of a fixed empty page, clone-styles.ts);
 * - the encoder's worker, made from a `blob:` URL of this page (frame-encoder.ts).
 *
 * A site whose policy names the allowed policies adds `trusted-types upscope` (see the README).
 * The policy object never leaves this module, except to the capture bundle of the same page
 * ({@link adoptTrustedTypes}): one page has one `upscope` policy, as `trusted-types` without
 * `'allow-duplicates'` requires.
 */

/** The policy name a site's `trusted-types` directive must list. */
export const TRUSTED_TYPES_POLICY = 'upscope';

/** The part of a TrustedTypePolicy used here (TypeScript's DOM typings do not describe Trusted Types). */
export interface UpscopePolicy {
  createHTML(html: string): unknown;
  createScriptURL(url: string): unknown;
}

/** What one bundle hands the capture bundle: its policy, or why there is none. */
export interface TrustedTypesState {
  policy: UpscopePolicy | null;
  /** True when the page's `trusted-types` directive refused the name `upscope`. */
  refused: boolean;
}

interface PolicyFactory {
  createPolicy(name: string, rules: { createHTML(s: string): string; createScriptURL(s: string): string }): UpscopePolicy;
}

/** Undefined until first needed; null where the browser has no Trusted Types or the page refused the name. */
let state: TrustedTypesState | undefined;

function current(): TrustedTypesState {
  if (state) return state;
  const factory = (globalThis as { trustedTypes?: PolicyFactory }).trustedTypes;
  if (!factory) return (state = { policy: null, refused: false });
  try {
    const policy = factory.createPolicy(TRUSTED_TYPES_POLICY, {
      // Only our own markup reaches this: lit's templates (constants written in this package, parsed
      // before any value is put in, which lit then sets as text or attributes) and the sandbox page.
      createHTML: (html) => html,
      // Only the encoder's worker, made from a Blob of our own code on this page.
      createScriptURL: (url) => {
        if (!url.startsWith(`blob:${location.origin}/`)) throw new TypeError(`upscope: the Trusted Types policy only creates blob: URLs of this page, not ${url.slice(0, 80)}`);
        return url;
      },
    });
    return (state = { policy, refused: false });
  } catch (err) {
    console.error(
      `[upscope] this page's Content-Security-Policy refuses the Trusted Types policy "${TRUSTED_TYPES_POLICY}": add it to the trusted-types directive (trusted-types ${TRUSTED_TYPES_POLICY}); until then the widget cannot render and agents see no picture`,
      err,
    );
    return (state = { policy: null, refused: true });
  }
}

/** `html` as the page's HTML sinks accept it: a TrustedHTML where Trusted Types are enforced. Typed as string for the DOM typings. */
export function trustedHTML(html: string): string {
  return (current().policy?.createHTML(html) ?? html) as string;
}

/** A `blob:` URL of this page as script-URL sinks (`new Worker`) accept it. */
export function trustedScriptURL(url: string): string {
  return (current().policy?.createScriptURL(url) ?? url) as string;
}

/** True when the page's policy refused the name `upscope` (capture and the widget then fail). */
export function trustedTypesRefused(): boolean {
  return current().refused;
}

/** This bundle's policy, made now if it was not, for {@link adoptTrustedTypes} in another bundle of the same page. */
export function trustedTypesState(): TrustedTypesState {
  return current();
}

/**
 * Makes this copy of the module use another bundle's policy (the visitor bundle hands its own to
 * the capture bundle it loads), so the page has one `upscope` policy. Ignored once this copy has
 * made or adopted one.
 */
export function adoptTrustedTypes(from: TrustedTypesState): void {
  state ??= { policy: from.policy, refused: from.refused };
}

/**
 * What lit-html gets in place of the policy it would make itself (the build substitutes a call to
 * this for lit's `trustedTypes.createPolicy('lit-html', …)`). Undefined without a policy, as lit
 * expects where there are no Trusted Types.
 */
export function litTrustedTypesPolicy(): { createHTML(html: string): unknown } | undefined {
  const { policy } = current();
  return policy ? { createHTML: (html) => policy.createHTML(html) } : undefined;
}
