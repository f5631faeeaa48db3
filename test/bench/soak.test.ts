/** The soak bench's arithmetic and its /proc reading (the soak itself is `npm run bench -- soak`). */
import { describe, expect, it } from 'vitest';
import { formatTable, rssMB, slope, windowPeaks } from '../../bench/soak';

describe('soak bench', () => {
  it('windowPeaks keeps the largest reading of each window, at its middle, in time order', () => {
    const readings: [number, number][] = [
      [0.5, 90],
      [1, 400],
      [4.9, 120],
      [5.2, 410],
      [7, 95],
      [12, 405],
    ];
    expect(windowPeaks(readings, 5)).toEqual([
      [2.5, 400],
      [7.5, 410],
      [12.5, 405],
    ]);
    // Fresh workers read at any point of their life: the peaks are flat where the readings are not.
    expect(slope(windowPeaks(readings, 5))).toBeCloseTo(0.5, 12);
  });

  it('slope is the least-squares slope, null without two distinct x', () => {
    expect(
      slope([
        [0, 5],
        [1, 7],
        [2, 9],
      ]),
    ).toBeCloseTo(2, 12);
    // Noise around a flat line: the fit, not the last difference.
    expect(
      slope([
        [0, 10],
        [1, 12],
        [2, 8],
        [3, 10],
      ]),
    ).toBeCloseTo(-0.4, 12);
    expect(slope([[1, 3]])).toBeNull();
    expect(
      slope([
        [1, 3],
        [1, 4],
      ]),
    ).toBeNull();
  });

  it("reads this process's resident memory, and null for a process that is gone", () => {
    const mb = rssMB(process.pid);
    expect(mb).not.toBeNull();
    expect(mb!).toBeGreaterThan(1);
    expect(rssMB(2 ** 22 + 1)).toBeNull();
  });

  it('the table names each run, an early end, and the verdict', () => {
    const table = formatTable([
      {
        workload: 'ramp-cycles',
        runs: [
          { python: '3.11', workerSlope: 0.25, workerEndMB: 300, samplesPerS: 19.96, state: 'done', endedAtMin: 1.5, restarts: 0 },
          { python: '2.7', workerSlope: 1.5, workerEndMB: 310, samplesPerS: 20, state: 'running', endedAtMin: null, restarts: 2 },
        ],
        hostSlope: 0.1,
        hostEndMB: 120,
        pass: false,
        measured: true,
      },
      {
        workload: 'int-list-del',
        runs: [{ python: '3.11', workerSlope: null, workerEndMB: 500, samplesPerS: 300, state: 'done', endedAtMin: 0.5, restarts: 0 }],
        hostSlope: 0.2,
        hostEndMB: 100,
        pass: true,
        measured: false,
      },
    ]);
    expect(table).toContain('| ramp-cycles | 3.11 (done at 1.5 min) | 300 | 0.25 | 20.0 | 120 | 0.10 | FAIL |');
    expect(table).toContain('|  | 2.7 (3 runs in turn) | 310 | 1.50 | 20.0 |  |  |  |');
    expect(table).toContain('| int-list-del | 3.11 (done at 0.5 min) | 500 | — | 300.0 | 100 | 0.20 | too short |');
  });
});
