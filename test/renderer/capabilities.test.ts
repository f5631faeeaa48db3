// The run form follows what the host allows: no file-reading workload without --allow-files, the
// allowed folders named with it, everything on the desktop.
import { describe, expect, it } from 'vitest';
import { nativePathDialogs, offeredWorkloads, typedPaths, withheldNote } from '../../renderer/src/model/capabilities';
import type { WorkloadInfo } from '../../shared/protocol/bridge';
import { DESKTOP_CAPABILITIES } from '../../shared/protocol/capabilities';

const churn = { name: 'steady-churn', id: 'W1', title: 'Churn', description: '', finite: false, params: [] } as WorkloadInfo;
const replay = {
  name: 'trace-replay',
  id: 'W16',
  title: 'Trace replay',
  description: '',
  finite: true,
  params: [{ kind: 'path', name: 'path', description: 'The trace file to replay.' }],
} as WorkloadInfo;

describe('offeredWorkloads', () => {
  it('offers everything on the desktop', () => {
    expect(offeredWorkloads([churn, replay], DESKTOP_CAPABILITIES)).toEqual([churn, replay]);
    expect(withheldNote(DESKTOP_CAPABILITIES)).toBeNull();
  });

  it('hides workloads that read a server file when the server reads none, and says why', () => {
    const none = { files: 'none', fileRoots: [], programs: false, uploads: null } as const;
    expect(offeredWorkloads([churn, replay], none)).toEqual([churn]);
    expect(withheldNote(none)).toMatch(/started without --allow-files/);
  });

  it('names the allowed folders on path fields when confined', () => {
    const offered = offeredWorkloads([churn, replay], { files: 'confined', fileRoots: ['/srv/traces', '/data'], programs: false, uploads: null });
    expect(offered[0]).toBe(churn);
    expect(offered[1]!.params[0]!.description).toBe('The trace file to replay. A path on the server inside /srv/traces or /data (the folders it allows).');
    expect(replay.params[0]!.description).toBe('The trace file to replay.');
  });

  it('takes an upload instead of a server path when the server takes uploads but reads no files', () => {
    const uploads = { files: 'none', fileRoots: [], programs: false, uploads: { maxBytes: 1 << 20, chunkBytes: 1 << 16 } } as const;
    const offered = offeredWorkloads([churn, replay], uploads);
    expect(offered.map((w) => w.name)).toEqual(['steady-churn', 'trace-replay']);
    expect(offered[1]!.params[0]!.description).toBe(
      'The trace file to replay. Upload a trace file (plain or .gz): the server keeps it until this page closes.',
    );
    expect(withheldNote(uploads)).toBe(
      'This server does not read its files for the browser (it was started without --allow-files): upload a trace to replay it.',
    );
    expect(typedPaths(uploads)).toBe(false);
    const both = offeredWorkloads([replay], { ...uploads, files: 'confined', fileRoots: ['/srv'] });
    expect(both[0]!.params[0]!.description).toBe('The trace file to replay. A path on the server inside /srv (the folders it allows), or upload a trace file.');
    expect(typedPaths({ ...uploads, files: 'confined', fileRoots: ['/srv'] })).toBe(true);
  });
});

describe('nativePathDialogs', () => {
  it('offers Browse buttons on the desktop only: a browser of serve types its paths, whatever it may read', () => {
    expect(nativePathDialogs(DESKTOP_CAPABILITIES)).toBe(true);
    const uploads = { maxBytes: 1 << 30, chunkBytes: 1 << 20 };
    expect(nativePathDialogs({ files: 'any', fileRoots: [], programs: true, uploads })).toBe(false);
    expect(nativePathDialogs({ files: 'confined', fileRoots: ['/data'], programs: true, uploads })).toBe(false);
    expect(nativePathDialogs({ files: 'none', fileRoots: [], programs: false, uploads: null })).toBe(false);
  });
});
