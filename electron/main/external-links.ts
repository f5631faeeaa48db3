/**
 * Which links may leave the app for the user's browser (`shell.openExternal`). Everything else a
 * page tries to open is refused (lock-down.ts). `openExternal` hands a URL to the operating system,
 * which runs whatever handles its scheme, so only plain https links to a few documentation hosts
 * pass: no other scheme (file:, smb:, custom protocol handlers), no credentials, no other port.
 */

/** Hosts the app links to (documentation and source of what it models). Exact names: no wildcards. */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [
  'github.com', // CPython's source (Objects/obmalloc.c), this project's issues
  'docs.python.org', // the memory management documentation
  'peps.python.org',
  'www.electronjs.org',
];

/** True when `url` may be opened in the user's browser. */
export function isAllowedExternalUrl(url: string, hosts: readonly string[] = EXTERNAL_LINK_HOSTS): boolean {
  // Refuse anything a lax parser might read differently from the OS handler: whitespace, control
  // characters, backslashes.
  if (url.length > 2048 || /[\s\\\u0000-\u001f\u007f]/.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.port === '' && hosts.includes(parsed.hostname);
}
