/**
 * The agent's site table (agent/src/agent_origins.c), on fake thread states, frames and code objects
 * built in ctypes memory by site_table_check.py: interning, parents, the frames the hook skips, the
 * references it takes (and the immortal ones it leaves alone), growth. No CPython layout is involved,
 * so every answer is known; any CPython 3 with ctypes drives it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureAgentBuilt } from '../support/agent-build';
import { pythonsFrom } from '../support/pythons';

const agent = ensureAgentBuilt();
const py = pythonsFrom([3, 8], 'agent site table').at(-1);
const HERE = fileURLToPath(new URL('.', import.meta.url));

interface Results {
  one_frame: { sites: number[]; entry: [number, number, number]; code: number; refcnt: number };
  two_frames: {
    x: number;
    y: number;
    x_entry: [number, number, number];
    x_parent_entry: [number, number, number];
    y_parent_entry: [number, number, number];
    outer1: number;
    outer2: number;
    inner: number;
    count: number;
  };
  skips: { shim: [number, number, number]; not_started: [number, number, number]; real: number; shim_refcnt: number; count: number };
  no_frame: { sites: number[]; unknown: number };
  immortal: { immortal: number; mortal: number };
  growth: { distinct: number; same_again: boolean; count: number; entries_ok: boolean; max: number };
}

describe.skipIf(!py)('agent site table', () => {
  const r = (): Results => JSON.parse(execFileSync(py!.path, [join(HERE, 'site_table_check.py'), agent.library], { encoding: 'utf8' })) as Results;
  let results: Results | undefined;
  const get = (): Results => (results ??= r());

  it('interns (code, offset) once, and takes one reference per new site', () => {
    const { one_frame: o } = get();
    expect(o.sites).toEqual([1, 1, 2]);
    expect(o.entry).toEqual([o.code, 12, 0]);
    expect(o.refcnt).toBe(5 + 2);
  });

  it('with two frames, a site is its frame under its caller’s site', () => {
    const { two_frames: t } = get();
    expect(t.x).not.toBe(t.y);
    expect(t.x_entry).toEqual([t.inner, 20, expect.any(Number)]);
    expect(t.x_parent_entry).toEqual([t.outer1, 4, 0]);
    expect(t.y_parent_entry).toEqual([t.outer2, 6, 0]);
    // outer1, inner-under-outer1, outer2, inner-under-outer2.
    expect(t.count).toBe(4);
  });

  it('skips C-stack shims and frames not started, and takes no reference for them', () => {
    const { skips: s } = get();
    expect(s.shim).toEqual([s.real, 8, 0]);
    expect(s.not_started).toEqual([s.real, 8, 0]);
    expect(s.shim_refcnt).toBe(1);
    expect(s.count).toBe(1);
  });

  it('no thread state or no frame is site 0, counted', () => {
    expect(get().no_frame).toEqual({ sites: [0, 0], unknown: 2 });
  });

  it('leaves an immortal object’s count alone (3.12+ rule), counts a mortal one', () => {
    expect(get().immortal).toEqual({ immortal: 0xffffffff, mortal: 8 });
  });

  it('grows past its first slots and keeps 10,000 sites apart', () => {
    expect(get().growth).toEqual({ distinct: 10_000, same_again: true, count: 10_000, entries_ok: true, max: 10_000 });
  });
});
