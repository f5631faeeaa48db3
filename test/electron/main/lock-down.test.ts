// The lock-down of every web contents and session, with fakes in place of Electron's objects.
import { describe, expect, it, vi } from 'vitest';
import { denyAllPermissions, lockDownWebContents, type LockableContents } from '../../../electron/main/lock-down';

type Handler = (...args: unknown[]) => unknown;

class FakeContents {
  windowOpen: Handler | null = null;
  listeners = new Map<string, Handler>();
  setWindowOpenHandler(handler: Handler): void {
    this.windowOpen = handler;
  }
  on(event: string, listener: Handler): this {
    this.listeners.set(event, listener);
    return this;
  }
  /** Fires `event` with a preventable event object; says whether it was prevented. */
  fire(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.listeners.get(event)!({ preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

function lockedDown(): { contents: FakeContents; openExternal: ReturnType<typeof vi.fn>; log: string[] } {
  const contents = new FakeContents();
  const openExternal = vi.fn(async () => undefined);
  const log: string[] = [];
  lockDownWebContents(contents as unknown as LockableContents, { openExternal, log: (line) => log.push(line) });
  return { contents, openExternal, log };
}

describe('lockDownWebContents', () => {
  it('denies every new window; an allow-listed https link opens in the browser instead', () => {
    const { contents, openExternal } = lockedDown();
    expect(contents.windowOpen!({ url: 'https://docs.python.org/3/c-api/memory.html' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledExactlyOnceWith('https://docs.python.org/3/c-api/memory.html');
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'http://github.com/', 'about:blank', 'javascript:alert(1)']) {
      expect(contents.windowOpen!({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('prevents every navigation of the top frame and of subframes, and every webview', () => {
    const { contents, openExternal, log } = lockedDown();
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///home/u/other.html')).toBe(true);
    expect(contents.fire('will-frame-navigate')).toBe(true);
    expect(contents.fire('will-attach-webview')).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();
    expect(log).toEqual(['arenascope: refused to open https://evil.example/', 'arenascope: refused to open file:///home/u/other.html']);
    // A link the page follows in place still leaves only for the browser.
    expect(contents.fire('will-navigate', 'https://github.com/python/cpython')).toBe(true);
    expect(openExternal).toHaveBeenCalledExactlyOnceWith('https://github.com/python/cpython');
  });

  it('opens nothing externally when no opener is given', () => {
    const contents = new FakeContents();
    lockDownWebContents(contents as unknown as LockableContents);
    expect(contents.windowOpen!({ url: 'https://github.com/' })).toEqual({ action: 'deny' });
    expect(contents.fire('will-navigate', 'https://github.com/')).toBe(true);
  });
});

describe('denyAllPermissions', () => {
  /** The handlers denyAllPermissions installs on a session, by kind: request, check, device. */
  function lockedDownHandlers(): Record<string, Handler> {
    const handlers: Record<string, Handler> = {};
    denyAllPermissions({
      setPermissionRequestHandler: (h: Handler) => void (handlers['request'] = h),
      setPermissionCheckHandler: (h: Handler) => void (handlers['check'] = h),
      setDevicePermissionHandler: (h: Handler) => void (handlers['device'] = h),
    } as unknown as Parameters<typeof denyAllPermissions>[0]);
    return handlers;
  }

  it('answers no to every permission request, check and device', () => {
    const handlers = lockedDownHandlers();
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen']) {
      const callback = vi.fn();
      handlers['request']!({}, permission, callback, {});
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect(handlers['check']!({}, permission, 'file://', {})).toBe(false);
    }
    expect(handlers['device']!({ deviceType: 'usb' })).toBe(false);
  });

  it('lets the page write (never read) the clipboard, for "Copy chart as PNG"', () => {
    const handlers = lockedDownHandlers();
    const callback = vi.fn();
    handlers['request']!({}, 'clipboard-sanitized-write', callback, {});
    expect(callback).toHaveBeenCalledExactlyOnceWith(true);
    expect(handlers['check']!({}, 'clipboard-sanitized-write', 'file://', {})).toBe(true);
    expect(handlers['check']!({}, 'clipboard-read', 'file://', {})).toBe(false);
  });
});
