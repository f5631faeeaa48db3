/**
 * Electronegativity findings that stay, each with the reason and where the concern is enforced
 * instead. test/security/electronegativity.ts fails on any finding not matched here, and on any
 * entry here that no longer matches a finding. An entry matches by check, file and (optionally)
 * a piece of the flagged source line — never by line number, so unrelated edits do not break it.
 */

export interface AllowedFinding {
  check: string;
  /** Repository-relative path, or 'N/A' for a project-wide (global) finding. */
  file: string;
  /** A substring of the flagged line. */
  sample?: string;
  why: string;
}

/** Checks not run at all (`className`: the name electronegativity's exclude list takes). */
export const EXCLUDED_CHECKS: readonly { check: string; className: string; why: string }[] = [
  {
    check: 'AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK',
    className: 'AvailableSecurityFixesGlobalCheck',
    why:
      "Downloads Electron's release list to say whether a newer patch exists: needs the network (CI has none) and " +
      'its answer changes with every Electron release, so a build would fail with no change of ours. The Electron ' +
      'version is pinned by package-lock.json and raised deliberately.',
  },
];

export const ALLOWED_FINDINGS: readonly AllowedFinding[] = [
  {
    check: 'CONTEXT_ISOLATION_JS_CHECK',
    file: 'electron/main/index.ts',
    sample: 'new BrowserWindow(mainWindowOptions(',
    why:
      'The scanner reads only object literals passed to `new BrowserWindow`; ours come from mainWindowOptions() in ' +
      'electron/main/window-options.ts, which sets contextIsolation: true, pinned by test/electron/main/window-options.test.ts.',
  },
  {
    check: 'SANDBOX_JS_CHECK',
    file: 'electron/main/index.ts',
    sample: 'new BrowserWindow(mainWindowOptions(',
    why:
      'Same constructor: sandbox: true is set in window-options.ts (pinned by window-options.test.ts), and main calls ' +
      'app.enableSandbox() before any window exists (test/security/hardening.test.ts).',
  },
  {
    check: 'AUXCLICK_JS_CHECK',
    file: 'electron/main/index.ts',
    sample: 'new BrowserWindow(mainWindowOptions(',
    why:
      "The check wants disableBlinkFeatures: 'Auxclick' so a middle-click cannot open a link in a new window. A " +
      'middle-click reaches the window-open handler, which denies every new window (electron/main/lock-down.ts, ' +
      'test/electron/main/lock-down.test.ts); the page contains no links to follow anyway.',
  },
  {
    check: 'CSP_GLOBAL_CHECK',
    file: 'renderer/index.html',
    sample: "style-src 'self' 'unsafe-inline'",
    why:
      "The policy is strict for scripts (script-src 'self': no inline script, no eval; object-src 'none'; base-uri " +
      "'none'). The flag is style-src 'unsafe-inline': Vue's style bindings and Chart.js set inline styles, and Vite " +
      'injects component styles as <style> tags in development. Inline styles cannot run code. Pinned by ' +
      'test/security/hardening.test.ts.',
  },
  {
    check: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'electron/main/index.ts',
    sample: 'openExternal: (url) => shell.openExternal(url)',
    why:
      'shell.openExternal is handed to the lock-down, which calls it only for URLs that isAllowedExternalUrl() ' +
      '(electron/main/external-links.ts) accepts: https, no credentials or port, an exact allow-listed host. ' +
      'Pinned by test/electron/main/external-links.test.ts and lock-down.test.ts.',
  },
];
