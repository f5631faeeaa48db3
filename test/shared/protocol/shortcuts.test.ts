// The keyboard shortcuts: one table for the app's menu and the browser page, keys matched exactly.
import { describe, expect, it } from 'vitest';
import { acceleratorOf, browserShortcut, keysText, matchesKeys, SHORTCUTS } from '../../../shared/protocol/shortcuts';

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('shortcuts', () => {
  it('match their keys exactly: modifiers, CmdOrCtrl by platform, letters without case', () => {
    expect(matchesKeys('CmdOrCtrl+E', press('e', { ctrlKey: true }), false)).toBe(true);
    expect(matchesKeys('CmdOrCtrl+E', press('E', { ctrlKey: true }), false)).toBe(true);
    expect(matchesKeys('CmdOrCtrl+E', press('e', { metaKey: true }), true)).toBe(true);
    expect(matchesKeys('CmdOrCtrl+E', press('e', { ctrlKey: true }), true)).toBe(false);
    expect(matchesKeys('CmdOrCtrl+E', press('e', { ctrlKey: true, shiftKey: true }), false)).toBe(false);
    expect(matchesKeys('CmdOrCtrl+Shift+D', press('D', { ctrlKey: true, shiftKey: true }), false)).toBe(true);
    expect(matchesKeys('F1', press('F1'), false)).toBe(true);
    expect(matchesKeys('F1', press('F1', { altKey: true }), false)).toBe(false);
    // '?' is typed with Shift on most layouts and without it on some: the printed key decides.
    expect(matchesKeys('Shift+?', press('?', { shiftKey: true }), false)).toBe(true);
  });

  it("give the browser page its own keys where the browser keeps the app's", () => {
    expect(browserShortcut(press('n', { ctrlKey: true }), false)).toBeUndefined();
    expect(browserShortcut(press('n', { altKey: true }), false)?.action).toBe('new-run');
    expect(browserShortcut(press('b', { ctrlKey: true }), false)?.action).toBe('toggle-run-list');
    expect(browserShortcut(press('x', { ctrlKey: true }), false)).toBeUndefined();
  });

  it('are written for the platform, and each action has one', () => {
    expect(keysText('CmdOrCtrl+Shift+D', false)).toBe('Ctrl+Shift+D');
    expect(keysText('CmdOrCtrl+Shift+D', true)).toBe('⌘⇧D');
    expect(acceleratorOf('export')).toBe('CmdOrCtrl+E');
    expect(new Set(SHORTCUTS.map((s) => s.action)).size).toBe(SHORTCUTS.length);
    expect(new Set(SHORTCUTS.map((s) => s.browserKeys ?? s.keys)).size).toBe(SHORTCUTS.length);
  });
});
