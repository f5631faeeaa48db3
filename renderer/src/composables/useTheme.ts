/**
 * Applies the app store's theme to the page (its palette as the CSS custom properties, and the
 * `data-theme` attribute that sets the browser's own colour scheme) and remembers it across sessions.
 */
import { watch } from 'vue';
import { applyPalette } from '../charts/theme-colors';
import { useAppStore } from '../stores/app';
import type { Theme } from '../stores/app';

const KEY = 'arenascope.theme';

function stored(): Theme | null {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : null;
  } catch {
    return null; // storage disabled: the theme simply is not remembered
  }
}

export function useTheme(): { toggle: () => void } {
  const app = useAppStore();
  app.theme = stored() ?? (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  watch(
    () => app.theme,
    (t) => {
      applyPalette(t, document.documentElement);
      document.documentElement.dataset['theme'] = t;
      try {
        localStorage.setItem(KEY, t);
      } catch {
        // not remembered; nothing the user needs to hear about
      }
    },
    { immediate: true },
  );
  return { toggle: () => (app.theme = app.theme === 'dark' ? 'light' : 'dark') };
}
