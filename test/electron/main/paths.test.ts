// Where the window's page comes from: our built file, or (developing) a server on this machine.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopbackHttpUrl, preloadPath, rendererLocation } from '../../../electron/main/paths';

const mainDir = join('/app', 'out', 'main');

describe('renderer location', () => {
  it('is the built index.html beside the main bundle when no dev server is given (always, when packaged)', () => {
    expect(rendererLocation(undefined, mainDir)).toEqual({ kind: 'file', path: join('/app', 'out', 'renderer', 'index.html') });
    expect(rendererLocation('', mainDir)).toEqual({ kind: 'file', path: join('/app', 'out', 'renderer', 'index.html') });
  });

  it('is the dev server only when it runs on this machine', () => {
    for (const url of ['http://localhost:5173/', 'http://127.0.0.1:5173', 'http://[::1]:5173/', 'https://localhost:5173/']) {
      expect(rendererLocation(url, mainDir)).toEqual({ kind: 'url', url });
    }
    for (const url of [
      'http://evil.example:5173/',
      'http://192.168.1.10:5173/',
      'file:///tmp/x.html',
      'http://user@localhost:5173/',
      'http://localhost.evil.example/',
      'not a url',
    ]) {
      expect(isLoopbackHttpUrl(url)).toBe(false);
      expect(() => rendererLocation(url, mainDir)).toThrow(/ELECTRON_RENDERER_URL must be an http\(s\) URL on this machine/);
    }
  });

  it('finds the sandboxed preload as CommonJS beside the main bundle', () => {
    expect(preloadPath(mainDir)).toBe(join('/app', 'out', 'preload', 'index.cjs'));
  });
});
