/**
 * The small, eager part of assist that the first script keeps: what agents are doing (the SDK's
 * `assistStatus`) and what the options allow (sent to the relay on every welcome); which relay
 * messages are assist's is `VISITOR_ASSIST_TYPES` (protocol/visitor-inbox.ts). The engine
 * (assist.ts and the remote-input engine) loads with a session.
 */
import type { AssistSettings } from '../protocol/index.js';
import type { UpscopeOptions } from './options.js';

/** What agents are doing on the page now, for the widget's active panel. */
export interface AssistStatus {
  /** Names of the agents whose pointer is on the page. */
  pointing: readonly string[];
  /** Names of the agents whose ink is on the page. */
  drawing: readonly string[];
  /** The agent controlling the page, or null. */
  controlling: { observerId: string; agentName: string } | null;
}

export const EMPTY_ASSIST_STATUS: AssistStatus = { pointing: [], drawing: [], controlling: null };

/** What the options allow, as the relay and agents see it. */
export function assistSettings(
  o: Pick<UpscopeOptions, 'allowAgentPointer' | 'allowAgentDrawing' | 'allowRemoteClick' | 'allowRemoteType' | 'allowRemoteScroll' | 'requireControlConsent'>,
): AssistSettings {
  return {
    pointer: o.allowAgentPointer !== false,
    draw: o.allowAgentDrawing !== false,
    click: o.allowRemoteClick === true,
    type: o.allowRemoteType === true,
    scroll: o.allowRemoteScroll === true,
    consent: o.requireControlConsent !== false,
  };
}
