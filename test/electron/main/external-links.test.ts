// Which links may leave the app for the browser: https to the allow-listed hosts, nothing else.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EXTERNAL_LINK_HOSTS, isAllowedExternalUrl } from '../../../electron/main/external-links';

describe('isAllowedExternalUrl', () => {
  it.each([
    'https://github.com/python/cpython/blob/main/Objects/obmalloc.c',
    'https://docs.python.org/3/c-api/memory.html#the-pymalloc-allocator',
    'https://peps.python.org/pep-0445/',
    'https://GitHub.com/python',
  ])('allows %s', (url) => expect(isAllowedExternalUrl(url)).toBe(true));

  it.each([
    ['plain http', 'http://github.com/python'],
    ['a file', 'file:///etc/passwd'],
    ['a UNC-style file', 'file://server/share/x.exe'],
    ['a custom scheme', 'ms-msdt:/id PCWDiagnostic'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,<script>1</script>'],
    ['another host', 'https://evil.example/'],
    ['a look-alike subdomain', 'https://github.com.evil.example/'],
    ['a subdomain of an allowed host', 'https://gist.github.com/x'],
    ['credentials', 'https://user:pw@github.com/'],
    ['a user name alone', 'https://github.com@evil.example/'],
    ['another port', 'https://github.com:8443/'],
    ['whitespace', 'https://github.com/ x'],
    ['a backslash', 'https://github.com\\@evil.example/'],
    ['a control character', 'https://github.com/\u0000'],
    ['no URL at all', 'github.com'],
    ['empty', ''],
    ['very long', `https://github.com/${'a'.repeat(3000)}`],
  ])('refuses %s', (_what, url) => expect(isAllowedExternalUrl(url)).toBe(false));

  it('never allows a scheme other than https, whatever follows it', () => {
    fc.assert(
      fc.property(fc.constantFrom('http', 'file', 'ftp', 'smb', 'javascript', 'vscode', 'mailto', 'HTTP'), fc.string(), (scheme, rest) => {
        expect(isAllowedExternalUrl(`${scheme}:${rest}`)).toBe(false);
        expect(isAllowedExternalUrl(`${scheme}://github.com/${rest}`)).toBe(false);
      }),
    );
  });

  it('allows only the listed hosts, whatever the path', () => {
    const host = fc.oneof(fc.constantFrom(...EXTERNAL_LINK_HOSTS), fc.domain());
    const path = fc.webPath();
    fc.assert(
      fc.property(host, path, fc.webFragments(), (h, p, fragment) => {
        const url = `https://${h}${p}#${fragment}`;
        expect(isAllowedExternalUrl(url)).toBe(EXTERNAL_LINK_HOSTS.includes(new URL(url).hostname));
      }),
    );
  });
});
