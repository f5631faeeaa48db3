// Main's sender check: our window, its top frame, our page; nothing else.
import { describe, expect, it } from 'vitest';
import { isAppUrl, isTrustedSender } from '../../../electron/main/sender-check';

const fileApp = { webContentsId: 7, appUrl: 'file:///opt/Arenascope/resources/app/out/renderer/index.html' };
const devApp = { webContentsId: 7, appUrl: 'http://localhost:5173/' };
const event = (id: number, url: string | null, parent: unknown = null) => ({ sender: { id }, senderFrame: url === null ? null : { url, parent } });

describe('sender check', () => {
  it('accepts our window top frame showing our page', () => {
    expect(isTrustedSender(event(7, `${fileApp.appUrl}?x=1#y`), fileApp)).toBe(true);
    expect(isTrustedSender(event(7, 'http://localhost:5173/src/main.ts'), devApp)).toBe(true);
  });

  it('refuses another window, a sub-frame, a destroyed frame, or another page', () => {
    expect(isTrustedSender(event(8, fileApp.appUrl), fileApp)).toBe(false);
    expect(isTrustedSender(event(7, fileApp.appUrl, {}), fileApp)).toBe(false);
    expect(isTrustedSender(event(7, null), fileApp)).toBe(false);
    expect(isTrustedSender(event(7, 'file:///tmp/evil.html'), fileApp)).toBe(false);
    expect(isTrustedSender(event(7, 'http://localhost:5174/'), devApp)).toBe(false);
    expect(isTrustedSender(event(7, 'https://example.com/'), devApp)).toBe(false);
  });

  it('compares file URLs by file and other URLs by origin', () => {
    expect(isAppUrl('file:///a/index.html', 'file:///a/index.html')).toBe(true);
    expect(isAppUrl('file:///a/other.html', 'file:///a/index.html')).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('not a url', 'http://localhost:5173/')).toBe(false);
  });
});
