import type { EndReason } from '../../../protocol/index.js';
import { LAUNCHER_STRINGS, widgetLanguage } from './upscope-widget.launcher-strings.js';

/** Every word the widget shows or announces, in one table per language. */
export interface WidgetStrings {
  helpButton: string;
  panelLabel: string;
  connecting: string;
  reconnecting: string;
  connectionError: string;
  retry: string;
  waiting: string;
  codeLabel: string;
  codeHint: string;
  /** The waiting panel's note when the relay gave no lookup code. */
  codeUnavailable: string;
  cancel: string;
  consentTitle: string;
  consentText: (agent: string) => string;
  /** Said after the prompt's text when focus stayed in the visitor's field. */
  consentShortcut: string;
  allow: string;
  deny: string;
  /** `agents` is the names already joined as a list ("Ann and Bob"); `count` how many. */
  viewing: (agents: string, count: number) => string;
  paused: (agents: string) => string;
  /**
   * Paused with no agent watching: the last one pressed Leave or lost its connection. Nothing is
   * shared any more, and an agent needs the visitor's consent again to watch (the relay ends the
   * session after a minute), so the visitor reads that sharing stopped, not that it is paused.
   * `agent` is the session's.
   */
  notWatching: (agent: string) => string;
  observers: (count: number) => string;
  stop: string;
  /** The button that ends a session nobody watches any more (after {@link notWatching}). */
  close: string;
  messagesLabel: string;
  replyLabel: string;
  replyPlaceholder: string;
  send: string;
  you: string;
  agent: string;
  messageFrom: (name: string, text: string) => string;
  sendFailed: string;
  ended: Record<EndReason, string>;
  endedBy: (agent: string) => string;
  /** After about 30 s without the relay: help is unavailable, retrying goes on. */
  unavailable: string;
  dismiss: string;
  /** The button that folds a panel away. */
  minimise: string;
  /** The folded widget while an agent watches. */
  sharing: string;
  /** The folded widget while the visitor waits for an agent. */
  waitingShort: string;
  /** After the folded widget's name: agent messages that arrived while it was folded. */
  unread: (count: number) => string;
  /** An agent asks to control the page (click, type, scroll). */
  controlTitle: string;
  controlText: (agent: string) => string;
  /** What the agent may do, from the site's settings: click, type, scroll (already a list). */
  controlAllows: (what: string) => string;
  controlWhat: { click: string; type: string; scroll: string };
  /** Said while an agent controls the page, with the way back. */
  controlling: (agent: string) => string;
  controlHint: string;
  controlStop: string;
  /** Names (a list) pointing at, or drawing on, the page. */
  pointing: (agents: string, count: number) => string;
  drawing: (agents: string, count: number) => string;
  clearDrawing: string;
}

const en: WidgetStrings = {
  helpButton: LAUNCHER_STRINGS.en.helpButton,
  panelLabel: 'Live help',
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  connectionError: 'We can’t reach the help service right now.',
  retry: LAUNCHER_STRINGS.en.retry,
  waiting: 'Waiting for an agent…',
  codeLabel: 'Your code',
  codeHint: 'If the agent asks, read them this code.',
  codeUnavailable: 'No code is free right now; an agent still sees your request.',
  cancel: 'Cancel',
  consentTitle: 'Show this page?',
  consentText: (agent) => `${agent} would like to see this page to help you. Only this page is shown, not your other tabs or apps; passwords and other private fields stay hidden.`,
  consentShortcut: 'Press Alt+Shift+Y to answer.',
  allow: 'Allow',
  deny: 'Deny',
  viewing: (agents, n) => `${agents} ${n > 1 ? 'are' : 'is'} viewing this page`,
  paused: (agent) => `Sharing this page with ${agent} is paused`,
  notWatching: (agent) => `${agent} has left. Your page is no longer shared.`,
  observers: (n) => (n === 1 ? '1 agent watching' : `${n} agents watching`),
  stop: LAUNCHER_STRINGS.en.stop,
  close: 'Close',
  messagesLabel: 'Messages',
  replyLabel: 'Reply to the agent',
  replyPlaceholder: 'Reply…',
  send: 'Send',
  you: 'You',
  agent: 'Agent',
  messageFrom: (name, text) => `Message from ${name}: ${text}`,
  sendFailed: 'Your message could not be sent.',
  ended: {
    visitorStopped: 'You stopped sharing this page.',
    agentStopped: 'The agent ended the session.',
    declined: 'You declined the request.',
    timeout: 'The session ended because the connection was idle.',
    error: 'The session was interrupted.',
    reset: 'The session was reset.',
  },
  endedBy: (agent) => `${agent} ended the session.`,
  unavailable: 'Help is unavailable right now. We keep trying to reconnect.',
  dismiss: 'Close',
  minimise: 'Minimise',
  sharing: 'Sharing this page',
  waitingShort: 'Waiting for an agent',
  unread: (n) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  controlTitle: 'Let the agent control this page?',
  controlText: (agent) => `${agent} would like to control this page for you.`,
  controlAllows: (what) => `They can ${what}. Passwords and other private fields stay out of reach. Press Escape to take control back at any time.`,
  controlWhat: { click: 'click', type: 'type', scroll: 'scroll' },
  controlling: (agent) => `${agent} is controlling this page`,
  controlHint: 'Press Escape to take control back.',
  controlStop: 'Take back control',
  pointing: (agents, n) => `${agents} ${n > 1 ? 'are' : 'is'} pointing`,
  drawing: (agents, n) => `${agents} ${n > 1 ? 'are' : 'is'} drawing`,
  clearDrawing: 'Clear drawing',
};

const de: WidgetStrings = {
  helpButton: LAUNCHER_STRINGS.de.helpButton,
  panelLabel: 'Live-Hilfe',
  connecting: 'Verbindung wird aufgebaut…',
  reconnecting: 'Verbindung unterbrochen. Neuer Versuch…',
  connectionError: 'Der Hilfe-Dienst ist gerade nicht erreichbar.',
  retry: LAUNCHER_STRINGS.de.retry,
  waiting: 'Warten auf eine Mitarbeiterin oder einen Mitarbeiter…',
  codeLabel: 'Ihr Code',
  codeHint: 'Nennen Sie diesen Code, wenn Sie danach gefragt werden.',
  codeUnavailable: 'Gerade ist kein Code frei; Ihre Anfrage sieht ein Mitarbeiter trotzdem.',
  cancel: 'Abbrechen',
  consentTitle: 'Diese Seite zeigen?',
  consentText: (agent) => `${agent} möchte diese Seite sehen, um Ihnen zu helfen. Nur diese Seite wird gezeigt, nicht Ihre anderen Tabs oder Programme; Passwörter und andere private Felder bleiben verborgen.`,
  consentShortcut: 'Mit Alt+Umschalt+Y gelangen Sie zur Frage.',
  allow: 'Erlauben',
  deny: 'Ablehnen',
  viewing: (agents, n) => `${agents} ${n > 1 ? 'sehen' : 'sieht'} diese Seite`,
  paused: (agent) => `Die Freigabe dieser Seite für ${agent} ist pausiert`,
  notWatching: (agent) => `${agent} hat die Sitzung verlassen. Ihre Seite wird nicht mehr geteilt.`,
  observers: (n) => (n === 1 ? '1 Person sieht zu' : `${n} Personen sehen zu`),
  stop: LAUNCHER_STRINGS.de.stop,
  close: 'Schließen',
  messagesLabel: 'Nachrichten',
  replyLabel: 'Antwort an den Support',
  replyPlaceholder: 'Antworten…',
  send: 'Senden',
  you: 'Sie',
  agent: 'Support',
  messageFrom: (name, text) => `Nachricht von ${name}: ${text}`,
  sendFailed: 'Ihre Nachricht konnte nicht gesendet werden.',
  ended: {
    visitorStopped: 'Sie haben die Freigabe dieser Seite beendet.',
    agentStopped: 'Der Support hat die Sitzung beendet.',
    declined: 'Sie haben die Anfrage abgelehnt.',
    timeout: 'Die Sitzung wurde wegen Inaktivität beendet.',
    error: 'Die Sitzung wurde unterbrochen.',
    reset: 'Die Sitzung wurde zurückgesetzt.',
  },
  endedBy: (agent) => `${agent} hat die Sitzung beendet.`,
  unavailable: 'Die Hilfe ist gerade nicht verfügbar. Wir versuchen weiter, die Verbindung herzustellen.',
  dismiss: 'Schließen',
  minimise: 'Minimieren',
  sharing: 'Diese Seite wird geteilt',
  waitingShort: 'Warten auf Support',
  unread: (n) => (n === 1 ? '1 ungelesene Nachricht' : `${n} ungelesene Nachrichten`),
  controlTitle: 'Die Steuerung dieser Seite überlassen?',
  controlText: (agent) => `${agent} möchte diese Seite für Sie bedienen.`,
  controlAllows: (what) => `Erlaubt ist: ${what}. Passwörter und andere private Felder bleiben unerreichbar. Mit Escape übernehmen Sie jederzeit wieder.`,
  controlWhat: { click: 'klicken', type: 'tippen', scroll: 'scrollen' },
  controlling: (agent) => `${agent} steuert diese Seite`,
  controlHint: 'Drücken Sie Escape, um die Steuerung zurückzunehmen.',
  controlStop: 'Steuerung zurücknehmen',
  pointing: (agents, n) => `${agents} ${n > 1 ? 'zeigen' : 'zeigt'} auf die Seite`,
  drawing: (agents, n) => `${agents} ${n > 1 ? 'zeichnen' : 'zeichnet'} auf der Seite`,
  clearDrawing: 'Zeichnung löschen',
};

const es: WidgetStrings = {
  helpButton: LAUNCHER_STRINGS.es.helpButton,
  panelLabel: 'Ayuda en directo',
  connecting: 'Conectando…',
  reconnecting: 'Se perdió la conexión. Reconectando…',
  connectionError: 'No podemos contactar con el servicio de ayuda en este momento.',
  retry: LAUNCHER_STRINGS.es.retry,
  waiting: 'Esperando a un agente…',
  codeLabel: 'Su código',
  codeHint: 'Si el agente se lo pide, léale este código.',
  codeUnavailable: 'Ahora no hay ningún código libre; un agente ve su solicitud igualmente.',
  cancel: 'Cancelar',
  consentTitle: '¿Mostrar esta página?',
  consentText: (agent) => `${agent} quiere ver esta página para ayudarle. Solo se muestra esta página, no sus otras pestañas ni aplicaciones; las contraseñas y otros campos privados siguen ocultos.`,
  consentShortcut: 'Pulse Alt+Mayús+Y para responder.',
  allow: 'Permitir',
  deny: 'Rechazar',
  viewing: (agents, n) => `${agents} ${n > 1 ? 'están' : 'está'} viendo esta página`,
  paused: (agent) => `Compartir esta página con ${agent} está en pausa`,
  notWatching: (agent) => `${agent} se ha ido. Su página ya no se comparte.`,
  observers: (n) => (n === 1 ? '1 agente mirando' : `${n} agentes mirando`),
  stop: LAUNCHER_STRINGS.es.stop,
  close: 'Cerrar',
  messagesLabel: 'Mensajes',
  replyLabel: 'Responder al agente',
  replyPlaceholder: 'Responder…',
  send: 'Enviar',
  you: 'Usted',
  agent: 'Agente',
  messageFrom: (name, text) => `Mensaje de ${name}: ${text}`,
  sendFailed: 'No se pudo enviar su mensaje.',
  ended: {
    visitorStopped: 'Ha dejado de compartir esta página.',
    agentStopped: 'El agente terminó la sesión.',
    declined: 'Ha rechazado la solicitud.',
    timeout: 'La sesión terminó por inactividad.',
    error: 'La sesión se interrumpió.',
    reset: 'La sesión se reinició.',
  },
  endedBy: (agent) => `${agent} terminó la sesión.`,
  unavailable: 'La ayuda no está disponible ahora mismo. Seguimos intentando reconectar.',
  dismiss: 'Cerrar',
  minimise: 'Minimizar',
  sharing: 'Compartiendo esta página',
  waitingShort: 'Esperando a un agente',
  unread: (n) => (n === 1 ? '1 mensaje sin leer' : `${n} mensajes sin leer`),
  controlTitle: '¿Dejar que el agente controle esta página?',
  controlText: (agent) => `${agent} quiere controlar esta página para ayudarle.`,
  controlAllows: (what) => `Podrá ${what}. Las contraseñas y otros campos privados quedan fuera de su alcance. Pulse Escape para recuperar el control en cualquier momento.`,
  controlWhat: { click: 'hacer clic', type: 'escribir', scroll: 'desplazarse' },
  controlling: (agent) => `${agent} está controlando esta página`,
  controlHint: 'Pulse Escape para recuperar el control.',
  controlStop: 'Recuperar el control',
  pointing: (agents, n) => `${agents} ${n > 1 ? 'están señalando' : 'está señalando'}`,
  drawing: (agents, n) => `${agents} ${n > 1 ? 'están dibujando' : 'está dibujando'}`,
  clearDrawing: 'Borrar dibujo',
};

export const WIDGET_STRINGS: Readonly<Record<string, WidgetStrings>> = { en, de, es };

/** The table for a BCP 47 tag (`de-AT` uses `de`); English when the language is not in the table. */
export function stringsFor(lang: string | null | undefined): WidgetStrings {
  return WIDGET_STRINGS[widgetLanguage(lang)];
}
