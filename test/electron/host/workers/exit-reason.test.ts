import { describe, expect, it } from 'vitest';
import { exitReason, LastLine } from '../../../../electron/host/workers/exit-reason';

const UNCAUGHT = `file:///app/worker.js:3
    throw new Error('boom');
    ^

Error: boom
    at Timeout._onTimeout (file:///app/worker.js:3:11)
    at listOnTimeout (node:internal/timers:581:17)

Node.js v20.20.2
`;

const OUT_OF_MEMORY = `
<--- Last few GCs --->
[123:0x5d1]   812 ms: Mark-Compact 2047.1 (2083.4) -> 2046.9 (2083.9) MB
<--- JS stacktrace --->

FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory
----- Native stack trace -----

 1: 0xb8d0a3 node::OOMErrorHandler(char const*, v8::OOMDetails const&) [node]
 2: 0xf06250 v8::Utils::ReportOOMFailure(v8::internal::Isolate*, char const*, v8::OOMDetails const&) [node]
`;

const NOT_FOUND = `node:internal/modules/cjs/loader:1228
  throw err;
  ^

Error: Cannot find module '/app/no-such-worker.js'
    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)
    at node:internal/main/run_main_module:28:49 {
  code: 'MODULE_NOT_FOUND',
  requireStack: []
}

Node.js v20.20.2
`;

function lastOf(text: string, chunk = 7): string | null {
  const tail = new LastLine();
  for (let i = 0; i < text.length; i += chunk) tail.push(text.slice(i, i + chunk));
  return tail.value;
}

describe('exit reasons', () => {
  it('quote the line that says what went wrong, however the output was chunked', () => {
    expect(lastOf(UNCAUGHT)).toBe('Error: boom');
    expect(lastOf(UNCAUGHT, 1000)).toBe('Error: boom');
    expect(lastOf(NOT_FOUND)).toBe("Error: Cannot find module '/app/no-such-worker.js'");
    expect(lastOf(OUT_OF_MEMORY)).toBe('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory');
    expect(lastOf('half a line without newline')).toBe('half a line without newline');
    expect(lastOf('')).toBeNull();
  });

  it('say how the process ended', () => {
    expect(exitReason(null, 'SIGKILL', null)).toBe('killed by SIGKILL');
    expect(exitReason(1, null, 'Error: boom')).toBe('exited with code 1: Error: boom');
    expect(exitReason(0, null, null)).toBe('exited with code 0');
  });
});
