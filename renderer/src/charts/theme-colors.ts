/**
 * Canvas drawing cannot use CSS variables, so charts read the theme's colours from the page.
 */
export interface ThemeColors {
  text: string;
  muted: string;
  grid: string;
  accent: string;
  surface: string;
}

export function themeColors(): ThemeColors {
  const css = getComputedStyle(document.documentElement);
  const get = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  return {
    text: get('--text', '#222'),
    muted: get('--muted', '#777'),
    grid: get('--grid', '#ddd'),
    accent: get('--accent', '#e03131'),
    surface: get('--surface', '#fff'),
  };
}
