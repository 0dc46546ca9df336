/**
 * What an agent may do in a visitor's session, as carried in its token's `capabilities` claim.
 * A token without the claim grants {@link DEFAULT_CAPABILITIES}. The relay checks every agent
 * action against these; the visitor's own settings (allowAgentPointer, allowRemoteClick, ...)
 * can only narrow them further.
 */
export const CAPABILITIES = ['watch', 'message', 'pointer', 'draw', 'control'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What a token without a `capabilities` claim grants. */
export const DEFAULT_CAPABILITIES: readonly Capability[] = ['watch', 'message'];

export function isCapability(x: unknown): x is Capability {
  return typeof x === 'string' && (CAPABILITIES as readonly string[]).includes(x);
}
