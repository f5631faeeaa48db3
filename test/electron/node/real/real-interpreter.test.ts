import { describe, expect, it } from 'vitest';
import { InterpreterError, parseProbeOutput } from '../../../../electron/node/python/interpreter';
import { arenaModeFor, checkRealInterpreter } from '../../../../electron/node/real/real-interpreter';

function info(version: [number, number, number], extra: Record<string, unknown> = {}): ReturnType<typeof parseProbeOutput> {
  return parseProbeOutput(
    '/opt/py/bin/python',
    JSON.stringify({
      marker: 'arenascope-probe-1',
      implementation: 'CPython',
      version: [...version, 'final', 0],
      fullVersion: version.join('.'),
      executable: '/opt/py/bin/python',
      debugBuild: false,
      freeThreaded: false,
      withPymalloc: 1,
      pointerBits: 64,
      platform: 'linux',
      ...extra,
    }),
  );
}

describe('checkRealInterpreter', () => {
  it('accepts 2.7 and 3.6 to 3.14 and labels the run with version and executable', () => {
    for (const v of [
      [2, 7, 18],
      [3, 6, 15],
      [3, 9, 18],
      [3, 13, 0],
      [3, 14, 0],
    ] as [number, number, number][]) {
      const r = checkRealInterpreter(info(v));
      expect(r.label).toBe(`${v.join('.')} (/opt/py/bin/python)`);
    }
    expect(checkRealInterpreter(info([2, 7, 18])).version.preset.family).toBe('G3');
  });

  it('refuses, naming the interpreter, what it cannot serve', () => {
    const cases: [ReturnType<typeof info>, RegExp][] = [
      [info([2, 6, 9]), /needs CPython 2\.7 or newer/],
      [info([3, 5, 10]), /3\.0–3\.5 are not supported/],
      [info([3, 0, 1]), /3\.0–3\.5 are not supported/],
      [info([3, 12, 1], { implementation: 'PyPy' }), /needs CPython; this is PyPy/],
      [info([3, 12, 1], { debugBuild: true }), /debug build pads every request/],
      [info([3, 13, 0], { freeThreaded: true }), /free-threaded build/],
      [info([3, 15, 0]), /no model of CPython 3\.15\.0/],
    ];
    for (const [i, why] of cases) {
      let err: unknown;
      try {
        checkRealInterpreter(i);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InterpreterError);
      expect((err as Error).message).toMatch(why);
      expect((err as Error).message).toContain('/opt/py/bin/python');
    }
  });
});

describe('arenaModeFor', () => {
  it('watches native arenas by default, has no hook on 2.7, and places arenas only where pools exceed a page', () => {
    expect(arenaModeFor(checkRealInterpreter(info([2, 7, 18])), undefined)).toBe('none');
    expect(arenaModeFor(checkRealInterpreter(info([3, 8, 18])), undefined)).toBe('native');
    expect(arenaModeFor(checkRealInterpreter(info([3, 8, 18])), 'aligned')).toBe('native');
    expect(arenaModeFor(checkRealInterpreter(info([3, 11, 7])), 'aligned')).toBe('aligned');
    expect(arenaModeFor(checkRealInterpreter(info([3, 11, 7])), 'misaligned')).toBe('misaligned');
    expect(() => arenaModeFor(checkRealInterpreter(info([3, 9, 18])), 'misaligned')).toThrow(/misaligned applies to CPython 3\.10\+/);
  });
});
