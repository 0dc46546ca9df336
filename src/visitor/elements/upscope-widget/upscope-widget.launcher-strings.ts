/**
 * The few words the widget shows before its panels have loaded (see upscope-widget.panels.ts):
 * the help button, and the note shown when the panels cannot be loaded. Every other word is in
 * upscope-widget.strings.ts, which loads with the panels.
 */
export interface LauncherStrings {
  helpButton: string;
  /** The panels' script could not be loaded (offline, or blocked by the page's policy). */
  panelsFailed: string;
  /** The same, when the page's Content-Security-Policy refused the script (retrying will not help until the site allows it). */
  panelsBlocked: string;
  /** An agent watches (the visitor allowed it in the browser's own dialog) and the panels could not be loaded: said with a way to stop. */
  sharing: string;
  stop: string;
  retry: string;
}

export const LAUNCHER_STRINGS: Readonly<Record<'en' | 'de' | 'es', LauncherStrings>> = {
  en: {
    helpButton: 'Get help',
    panelsFailed: 'Live help could not be loaded. Check your connection and try again.',
    panelsBlocked: 'Live help could not be loaded: this site’s security settings block it.',
    sharing: 'An agent can see this page.',
    stop: 'Stop sharing',
    retry: 'Try again',
  },
  de: {
    helpButton: 'Hilfe holen',
    panelsFailed: 'Die Live-Hilfe konnte nicht geladen werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    panelsBlocked: 'Die Live-Hilfe konnte nicht geladen werden: die Sicherheitseinstellungen dieser Website verhindern es.',
    sharing: 'Ein Mitarbeiter sieht diese Seite.',
    stop: 'Beenden',
    retry: 'Erneut versuchen',
  },
  es: {
    helpButton: 'Obtener ayuda',
    panelsFailed: 'No se pudo cargar la ayuda en directo. Compruebe su conexión e inténtelo de nuevo.',
    panelsBlocked: 'No se pudo cargar la ayuda en directo: la configuración de seguridad de este sitio lo impide.',
    sharing: 'Un agente puede ver esta página.',
    stop: 'Terminar',
    retry: 'Reintentar',
  },
};

/** The widget's language for a BCP 47 tag (`de-AT` is `de`); English when it is not one of ours. */
export function widgetLanguage(tag: string | null | undefined): keyof typeof LAUNCHER_STRINGS {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return primary in LAUNCHER_STRINGS ? (primary as keyof typeof LAUNCHER_STRINGS) : 'en';
}
