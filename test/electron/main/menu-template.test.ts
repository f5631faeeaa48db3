// The application menu as data: labels, accelerators, and what each item does.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from '../../../electron/main/menu-template';
import type { MenuAction } from '../../../shared/protocol/bridge';

function build(platform: NodeJS.Platform, devTools = false) {
  const calls: string[] = [];
  const template = buildMenuTemplate({
    platform,
    appName: 'Arenascope',
    devTools,
    handlers: { action: (a: MenuAction) => calls.push(a), openSession: () => calls.push('open'), saveSessionAs: () => calls.push('save') },
  });
  return { template, calls };
}

/** Every item, depth first. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

const byId = (template: MenuItemConstructorOptions[], id: string) => items(template).find((i) => i.id === id);
const click = (item: MenuItemConstructorOptions | undefined) => (item!.click as () => void)();

describe('menu template', () => {
  it('has File, Edit, View and Help on Windows and Linux; the app menu first on macOS', () => {
    expect(build('linux').template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(build('win32').template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    const mac = build('darwin').template;
    expect(mac[0]!.label).toBe('Arenascope');
    expect(mac.map((m) => m.label ?? m.role)).toEqual(['Arenascope', '&File', '&Edit', '&View', 'windowMenu', '&Help']);
  });

  it.each([
    ['new-run', 'New Run…', 'CmdOrCtrl+N'],
    ['open-session', 'Open Session…', 'CmdOrCtrl+O'],
    ['save-session', 'Save Session As…', 'CmdOrCtrl+S'],
    ['export', 'Export…', 'CmdOrCtrl+E'],
    ['quit', 'Quit', 'CmdOrCtrl+Q'],
    ['zoom-in', 'Zoom In', 'CmdOrCtrl+Plus'],
    ['zoom-out', 'Zoom Out', 'CmdOrCtrl+-'],
    ['zoom-reset', 'Actual Size', 'CmdOrCtrl+0'],
    ['toggle-run-list', 'Toggle Run List', 'CmdOrCtrl+B'],
    ['toggle-detail', 'Toggle Detail Panel', 'CmdOrCtrl+Shift+D'],
    ['metric-definitions', 'Metric Definitions', 'F1'],
  ])('%s is "%s" on %s', (id, label, accelerator) => {
    const item = byId(build('linux').template, id);
    expect(item).toMatchObject({ label, accelerator });
  });

  it('has no accelerator twice', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const accelerators = items(build(platform, true).template)
        .map((i) => i.accelerator)
        .filter((a) => a !== undefined);
      expect(new Set(accelerators).size).toBe(accelerators.length);
    }
  });

  it('sends page actions as menu actions and keeps sessions in main', () => {
    const { template, calls } = build('linux');
    const ids = ['new-run', 'profile-program', 'export', 'theme-dark', 'theme-light', 'theme-system'];
    ids.push('toggle-run-list', 'toggle-detail', 'about', 'metric-definitions', 'open-session', 'save-session');
    for (const id of ids) click(byId(template, id));
    // Each item sends the action of its name, but the session items, whose dialogs main keeps.
    const SESSION: Record<string, string> = { 'open-session': 'open', 'save-session': 'save' };
    expect(calls).toEqual(ids.map((id) => SESSION[id] ?? id));
  });

  it('leaves quitting and zoom to Electron roles, and developer tools out of a packaged app', () => {
    const { template } = build('linux');
    expect(byId(template, 'quit')!.role).toBe('quit');
    expect(byId(template, 'zoom-in')!.role).toBe('zoomIn');
    expect(items(template).some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(items(build('linux', true).template).some((i) => i.role === 'toggleDevTools')).toBe(true);
    // macOS: Quit and About in the application menu.
    const mac = build('darwin').template;
    expect((mac[0]!.submenu as MenuItemConstructorOptions[]).map((i) => i.id).filter(Boolean)).toEqual(['about', 'quit']);
  });
});
