// The Electron hardening checklist (docs/security.md), the parts that are facts about files: the
// page's Content-Security-Policy, the built renderer and preload, and how main wires the
// lock-down. Behaviour is tested beside each module (test/electron/main/*).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../../electron/serve/security-headers';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** The policy of an HTML file's CSP meta tag. */
function metaCsp(html: string): string {
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  expect(match, 'a Content-Security-Policy meta tag').not.toBeNull();
  return match![1]!;
}

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name, sources);
  }
  return map;
}

function expectStrictPolicy(policy: string): void {
  const d = directives(policy);
  expect(policy).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-hashes|strict-dynamic/);
  expect(d.get('default-src')).toEqual(["'self'"]);
  expect(d.get('script-src')).toEqual(["'self'"]);
  expect(d.get('object-src')).toEqual(["'none'"]);
  expect(d.get('base-uri')).toEqual(["'none'"]);
  expect(d.get('form-action')).toEqual(["'none'"]);
  // No remote content: every source is our own origin, an inline data/blob image, or nothing.
  for (const [name, sources] of d) {
    for (const source of sources) expect(["'self'", "'none'", "'unsafe-inline'", 'data:', 'blob:'], `${name} ${source}`).toContain(source);
    if (name !== 'style-src') expect(sources, name).not.toContain("'unsafe-inline'");
  }
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(join(ROOT, d), { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(path);
      } else if (pattern.test(e.name)) out.push(path);
    }
  };
  walk(dir);
  return out;
}

describe('Content-Security-Policy', () => {
  it('is strict in renderer/index.html: scripts from our files only, no eval, no remote sources', () => {
    const policy = metaCsp(read('renderer/index.html'));
    expectStrictPolicy(policy);
    expect(policy).toBe(RENDERER_CSP);
  });

  const built = join(ROOT, 'out', 'renderer', 'index.html');
  it.skipIf(!existsSync(built))('survives the build, with no inline script and no remote resource (out/renderer)', () => {
    const html = readFileSync(built, 'utf8');
    expectStrictPolicy(metaCsp(html));
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\ssrc="\.\/assets\/[^"]+\.js"/);
    for (const ref of html.match(/\s(?:src|href)="[^"]*"/g) ?? []) expect(ref).toMatch(/="(\.\/assets\/|data:)/);
  });
});

describe('preload', () => {
  const built = join(ROOT, 'out', 'preload', 'index.cjs');
  it.skipIf(!existsSync(built))('is one self-contained CommonJS file needing only electron (as a sandboxed preload must)', () => {
    const requires = readFileSync(built, 'utf8').match(/require\(\s*["'][^"']+["']\s*\)/g) ?? [];
    expect(new Set(requires.map((r) => r.replace(/'/g, '"').replace(/\s/g, '')))).toEqual(new Set(['require("electron")']));
  });

  it('exposes the bridge and nothing else; never ipcRenderer itself', () => {
    const source = read('electron/preload/index.ts');
    expect(source.match(/contextBridge\.exposeInMainWorld\(/g)).toHaveLength(1);
    expect(source).toMatch(/contextBridge\.exposeInMainWorld\(BRIDGE_GLOBAL, bridge\);/);
    expect(source).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});

describe('main process wiring', () => {
  const main = read('electron/main/index.ts');

  it('sandboxes every renderer and locks down every web contents as it is created', () => {
    expect(main).toMatch(/app\.enableSandbox\(\);/);
    expect(main).toMatch(
      /app\.on\('web-contents-created', \(_event, contents\) => lockDownWebContents\(contents, \{ openExternal: \(url\) => shell\.openExternal\(url\), log \}\)\);/,
    );
    expect(main).toMatch(/denyAllPermissions\(session\.defaultSession\);/);
  });

  it('checks the sender of every bridge request and builds the window from window-options.ts', () => {
    expect(main).toMatch(/registerBridgeIpc\(ipcMain, appHost, \(\) => trusted, log\);/);
    expect(main).toMatch(/new BrowserWindow\(mainWindowOptions\(preloadPath\(mainDir\)\)\)/);
  });

  it('loads only our page: the built file when packaged, a dev server on this machine otherwise', () => {
    expect(main).toMatch(/rendererLocation\(app\.isPackaged \? undefined : process\.env\.ELECTRON_RENDERER_URL, mainDir\)/);
    const loads = main.match(/\.load(URL|File)\([^)]*\)/g);
    expect(loads).toEqual(['.loadURL(location.url)', '.loadFile(location.path)']);
  });

  it('is the only place that creates windows or opens links, and nothing weakens a window', () => {
    const sources = [...filesUnder('electron', /\.ts$/), ...filesUnder('renderer', /\.(ts|vue|html)$/)];
    const weakening =
      /nodeIntegration\s*:\s*true|contextIsolation\s*:\s*false|sandbox\s*:\s*false|webSecurity\s*:\s*false|allowRunningInsecureContent\s*:\s*true|webviewTag\s*:\s*true|enableRemoteModule|nodeIntegrationInSubFrames\s*:\s*true|experimentalFeatures\s*:\s*true/;
    for (const file of sources) {
      const text = read(file);
      const name = relative(ROOT, join(ROOT, file)).split('\\').join('/');
      expect(text, name).not.toMatch(weakening);
      if (name !== 'electron/main/index.ts') {
        expect(text, name).not.toMatch(/new BrowserWindow\(|new BrowserView\(|new WebContentsView\(/);
        expect(text, name).not.toMatch(/shell\.openExternal\(|shell\.openPath\(/);
      }
    }
  });
});
