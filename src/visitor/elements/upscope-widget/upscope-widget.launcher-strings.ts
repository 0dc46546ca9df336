/**
 * The few words the widget shows before its panels have loaded (see upscope-widget.panels.ts):
 * the help button, and the note shown when the panels cannot be loaded. Every other word is in
 * upscope-widget.strings.ts, which loads with the panels.
 */
export interface LauncherStrings {
  helpButton: string;
  /** The panels' script could not be loaded (offline, or blocked by the page's policy). */
  panelsFailed: string;
  retry: string;
}

export const LAUNCHER_STRINGS: Readonly<Record<'en' | 'de' | 'es', LauncherStrings>> = {
  en: { helpButton: 'Get help', panelsFailed: 'Live help could not be loaded. Check your connection and try again.', retry: 'Try again' },
  de: {
    helpButton: 'Hilfe holen',
    panelsFailed: 'Die Live-Hilfe konnte nicht geladen werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    retry: 'Erneut versuchen',
  },
  es: {
    helpButton: 'Obtener ayuda',
    panelsFailed: 'No se pudo cargar la ayuda en directo. Compruebe su conexión e inténtelo de nuevo.',
    retry: 'Reintentar',
  },
};

/** The widget's language for a BCP 47 tag (`de-AT` is `de`); English when it is not one of ours. */
export function widgetLanguage(tag: string | null | undefined): keyof typeof LAUNCHER_STRINGS {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return primary in LAUNCHER_STRINGS ? (primary as keyof typeof LAUNCHER_STRINGS) : 'en';
}
