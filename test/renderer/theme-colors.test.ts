// One palette (shared/charts/colors.ts): the page's CSS variables are set from it, the canvases and
// the exports read it, and the stylesheets hold no colour of their own.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPalette, themeColors } from '../../renderer/src/charts/theme-colors';
import { cssVariables, PALETTES, THEMES, type ThemeName } from '../../shared/charts/colors';

const SRC = join(__dirname, '../../renderer/src');
const THEME_NAMES: ThemeName[] = ['light', 'dark'];

function styleSources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return styleSources(path);
    return /\.(css|vue)$/.test(e.name) ? [{ file: path, text: readFileSync(path, 'utf8') }] : [];
  });
}

function applied(theme: ThemeName): Map<string, string> {
  const set = new Map<string, string>();
  applyPalette(theme, { style: { setProperty: (name: string, value: string) => void set.set(name, value) } });
  return set;
}

describe('the palette', () => {
  it('names its CSS variables in kebab case', () => {
    expect(cssVariables({ ...PALETTES.light, errorBg: '#010203' })).toContainEqual(['--error-bg', '#010203']);
    expect(cssVariables(PALETTES.light).map(([n]) => n)).toContain('--on-primary');
  });

  it('sets every colour of the theme on the page, and switching theme sets the other one', () => {
    for (const theme of THEME_NAMES) {
      const set = applied(theme);
      expect(set.get('--bg')).toBe(PALETTES[theme].bg);
      expect(set.get('--text')).toBe(PALETTES[theme].text);
      expect(set.get('--error-bg')).toBe(PALETTES[theme].errorBg);
      expect(set.size).toBe(Object.keys(PALETTES[theme]).length);
    }
    expect(applied('dark').get('--surface')).not.toBe(applied('light').get('--surface'));
  });

  it('is what the canvases draw with and what the exported charts are drawn on', () => {
    for (const theme of THEME_NAMES) {
      expect(themeColors(theme)).toBe(PALETTES[theme]);
      expect(THEMES[theme]).toEqual({
        background: PALETTES[theme].surface,
        text: PALETTES[theme].text,
        muted: PALETTES[theme].muted,
        grid: PALETTES[theme].grid,
        accent: PALETTES[theme].accent,
        error: PALETTES[theme].error,
        ok: PALETTES[theme].ok,
      });
    }
  });

  it('is the only source of the stylesheets’ colours: every var(--x) they use is set, and they hold no colour literal', () => {
    const sources = styleSources(SRC);
    expect(sources.some((s) => s.file.endsWith('style.css'))).toBe(true);
    const variables = new Set(cssVariables(PALETTES.light).map(([n]) => n));
    for (const { file, text } of sources) {
      for (const m of text.matchAll(/var\((--[a-z-]+)/g)) expect(variables, `${file}: ${m[1]}`).toContain(m[1]);
      // In the styles (the script part may hold test ids and such): no #rgb / #rrggbb of their own.
      const style = file.endsWith('.vue') ? (text.match(/<style[\s\S]*?<\/style>/g) ?? []).join('\n') : text;
      expect(style.match(/#[0-9a-fA-F]{3,8}\b/g), file).toBeNull();
    }
  });
});
