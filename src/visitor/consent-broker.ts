/**
 * Whether an agent may watch: asks the page's consent handler (the widget's dialog, or
 * `window.confirm`), answers the relay once per request, and remembers the yes for the rest of the
 * session (in the visitor's storage, so a reload does not ask again). Knows nothing of sockets:
 * `answer` sends, and the SDK feeds it what the relay says.
 */
import { agentKey, type MessageOf } from '../protocol/index.js';
import { LIVE } from './session-reducer.js';
import type { ConsentMemory } from './visitor-store.js';

/** An agent asking to watch, as the consent handler sees it. */
export interface ConsentRequest {
  agentId: string;
  agentName: string;
  /** Aborted when the request is withdrawn (the agent left, the session ended): close the prompt. */
  signal?: AbortSignal;
}

/**
 * Answers whether `request.agentName` may watch; a rejected promise or a throw counts as no.
 * `null` means "no answer from me" (the prompt went away with its element): the request is
 * then put to the handler installed now, if that is another one.
 */
export type ConsentHandler = (request: ConsentRequest) => Promise<boolean | null> | boolean | null;

/**
 * How long consent given in a session the relay then lost (it restarted) still lets the same
 * agent back in without asking, in ms. Long enough for the relay to come back and the agent to
 * find the visitor again; short enough that a later, unrelated session asks afresh.
 */
export const LOST_SESSION_CONSENT_MS = 10 * 60_000;

/** Answers remembered per request, in case the relay asks again because one was lost. */
const ANSWERS_REMEMBERED = 20;


export interface ConsentBrokerDeps {
  /** Where the yes of this session is kept. */
  memory: { consent(): ConsentMemory | null; setConsent(memory: ConsentMemory | null): void };
  /** The visitor's shortId now (consent is bound to it). */
  shortId(): string | null;
  /** `requireConsent`: false lets every agent in without asking. */
  required(): boolean;
  /** Sends the answer to the relay (dropped when offline: the relay asks again). */
  answer(requestId: string, allow: boolean): void;
  log(...args: unknown[]): void;
}

export class ConsentBroker {
  /** Installed handlers, newest last: removing one gives the prompt back to the one before. */
  private readonly handlers: ConsentHandler[] = [];
  /** Consent requests whose prompt is open, with what withdraws them. */
  private readonly open = new Map<string, AbortController>();
  /** Recent answers by requestId. */
  private readonly answers = new Map<string, boolean>();

  constructor(private readonly deps: ConsentBrokerDeps) {}

  /** Installs a handler; returns the function that uninstalls it. */
  install(handler: ConsentHandler): () => void {
    this.handlers.push(handler);
    return () => {
      const i = this.handlers.lastIndexOf(handler);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  /** The relay asks whether an agent may watch. */
  async request(msg: MessageOf<'consentRequest'>): Promise<void> {
    // After a reconnect the relay repeats requests still open: one prompt per request, and an
    // answer lost with the old socket is given again without asking.
    if (this.open.has(msg.requestId)) return;
    const given = this.answers.get(msg.requestId);
    if (given !== undefined) return this.deps.answer(msg.requestId, given);
    let allow = !this.deps.required() || this.remembers(agentKey(msg));
    if (!allow) {
      const withdrawn = new AbortController();
      this.open.set(msg.requestId, withdrawn);
      const request: ConsentRequest = { agentId: msg.agentId, agentName: msg.agentName, signal: withdrawn.signal };
      try {
        for (;;) {
          const handler = this.handlers.at(-1) ?? confirmConsent;
          const answer = await handler(request);
          // A withdrawn request gets no answer: the relay has forgotten it.
          if (withdrawn.signal.aborted) return;
          if (answer === null && handler !== (this.handlers.at(-1) ?? confirmConsent)) continue;
          allow = answer === true;
          break;
        }
      } catch (err) {
        if (withdrawn.signal.aborted) return;
        this.deps.log('consent handler failed; declining', err);
        allow = false;
      } finally {
        this.open.delete(msg.requestId);
      }
    }
    if (allow) this.remember(agentKey(msg));
    this.answers.set(msg.requestId, allow);
    if (this.answers.size > ANSWERS_REMEMBERED) this.answers.delete(this.answers.keys().next().value!);
    // If the socket dropped meanwhile, the relay asks again after the reconnect, and the answer
    // remembered above is given without a second prompt.
    this.deps.answer(msg.requestId, allow);
  }

  /** The relay withdrew a request: its prompt closes unanswered. */
  withdraw(requestId: string): void {
    this.open.get(requestId)?.abort();
  }

  /** The session became live: consent is no longer on a deadline. */
  sessionLive(): void {
    const memory = this.deps.memory.consent();
    if (memory?.until != null) this.deps.memory.setConsent({ ...memory, until: null });
  }

  /** The session ended: the next one asks afresh. */
  sessionEnded(): void {
    this.deps.memory.setConsent(null);
  }

  /** `reset()`: answers given to this visitor's requests no longer apply. */
  forgetAnswers(): void {
    this.answers.clear();
  }

  /**
   * Consent lasts for one session. A welcome into the same live session keeps it (a reload); a
   * session the relay lost keeps it, bound to the new shortId, for a while, so the same agent
   * finding the visitor again is let in; anything else (a session that ended while the page was
   * closed) forgets it.
   */
  welcome(msg: MessageOf<'welcome'>, lost: boolean): void {
    const memory = this.deps.memory.consent();
    if (!memory) return;
    if (lost) {
      this.deps.memory.setConsent({ ...memory, shortId: msg.shortId, until: Date.now() + LOST_SESSION_CONSENT_MS });
    } else if (memory.shortId !== msg.shortId || (!LIVE.has(msg.sessionState) && memory.until === null)) {
      this.deps.memory.setConsent(null);
    }
  }

  /** `key`: the agent's {@link agentKey} (its id alone for the relay's own accounts, as memory kept before issuers were told apart). */
  private remembers(key: string): boolean {
    const memory = this.deps.memory.consent();
    return memory !== null && memory.shortId === this.deps.shortId() && memory.agentIds.includes(key) && (memory.until === null || Date.now() < memory.until);
  }

  private remember(key: string): void {
    const shortId = this.deps.shortId();
    if (shortId === null) return;
    const memory = this.deps.memory.consent();
    const agentIds = memory?.shortId === shortId ? memory.agentIds.filter((id) => id !== key) : [];
    this.deps.memory.setConsent({ shortId, agentIds: [...agentIds, key], until: memory?.shortId === shortId ? memory.until : null });
  }
}

function confirmConsent(request: ConsentRequest): boolean {
  return window.confirm(`${request.agentName} would like to see this page to help you. Allow?`);
}
