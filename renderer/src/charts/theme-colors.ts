/**
 * The page's colours are the theme's palette (shared/charts/colors.ts), the one the exports draw
 * with too: set on the page as CSS custom properties for the stylesheets (`var(--text)` …), and
 * read as they are by the canvas drawings, which cannot use CSS variables.
 */
import { cssVariables, PALETTES, type Palette, type ThemeName } from '../../../shared/charts/colors';

export function themeColors(theme: ThemeName): Readonly<Palette> {
  return PALETTES[theme];
}

/** Sets the theme's palette as CSS custom properties (`--bg`, `--error-bg` …) of `root`: the page's root element. */
export function applyPalette(theme: ThemeName, root: { style: { setProperty(name: string, value: string): void } }): void {
  for (const [name, value] of cssVariables(PALETTES[theme])) root.style.setProperty(name, value);
}
