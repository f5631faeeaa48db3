/**
 * The real-interpreter run kind: a `Launcher` whose "worker" replays the run's operation stream
 * through an installed interpreter's own allocator (electron/node/real/) and speaks the worker
 * protocol, so the run manager, the series store, session files and exports take a real run like
 * any other. The stream's generator runs in this process and hands batches to the helper process
 * over a pipe; samples are the helper's checkpoints, every `sampleEvery` operations (the model's
 * cadence, so both share the op axis) and at each phase.
 */
import type { HostToWorker } from '../../../shared/protocol/worker-messages';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { resolveRun } from '../../../shared/run/resolve-run';
import { SERIES_COUNT } from '../../../shared/run/sample';
import { ENGINE_VERSION } from '../../../shared/engine';
import { chooseModel } from '../../node/real/model-choice';
import { CADENCE_LABEL, walkStream, type StreamSource } from '../../node/real/op-stream';
import { RealHelper, type HelperCheckpoint } from '../../node/real/real-helper';
import { arenaModeFor, type RealInterpreter } from '../../node/real/real-interpreter';
import { RealSeries } from '../../node/real/real-series';
import type { Launcher, WorkerExit, WorkerHandle } from './launcher';
import { errorMessage } from '../../../shared/errors';

export class RealRunLauncher implements Launcher {
  constructor(readonly interpreter: RealInterpreter) {}

  launch(): WorkerHandle {
    return new RealRunHandle(this.interpreter);
  }
}

class RealRunHandle implements WorkerHandle {
  private readonly messageListeners: ((raw: unknown) => void)[] = [];
  private readonly exitListeners: ((exit: WorkerExit) => void)[] = [];
  private helper: RealHelper | null = null;
  private stopping = false;
  private exit: WorkerExit | null = null;
  private started = false;

  constructor(private readonly interpreter: RealInterpreter) {}

  get pid(): number | undefined {
    return this.helper?.pid;
  }

  send(message: HostToWorker): void {
    if (this.exit) return;
    switch (message.type) {
      case 'start':
        if (this.started) return;
        this.started = true;
        void this.run(message.config).then(
          () => this.finish(0),
          (error: unknown) => {
            this.emit({ type: 'error', message: errorMessage(error), fatal: true });
            this.finish(1, errorMessage(error));
          },
        );
        break;
      case 'stop':
        this.stopping = true;
        break;
      case 'ping':
        this.emit({ type: 'pong', protocolVersion: 1 });
        break;
      default:
        // A real allocator runs at its own speed: pausing and stepping would only stall the pipe.
        this.emit({ type: 'error', message: `a real-interpreter run does not support '${message.type}'`, fatal: false });
    }
  }

  onMessage(listener: (raw: unknown) => void): void {
    this.messageListeners.push(listener);
  }

  onExit(listener: (exit: WorkerExit) => void): void {
    if (this.exit) listener(this.exit);
    else this.exitListeners.push(listener);
  }

  kill(): void {
    this.stopping = true;
    this.helper?.kill();
  }

  private emit(message: unknown): void {
    // Asynchronously, like a process's messages: listeners never run inside `send`.
    setImmediate(() => {
      for (const l of this.messageListeners) l(message);
    });
  }

  private finish(code: number, reason?: string): void {
    if (this.exit) return;
    const exit: WorkerExit = { code, signal: null, reason: reason ? `exited with code ${code}: ${reason}` : `exited with code ${code}` };
    setImmediate(() => {
      this.exit = exit;
      for (const l of this.exitListeners.splice(0)) l(exit);
    });
  }

  private async run(config: RunConfig): Promise<'done' | 'stopped'> {
    const resolved = resolveRun(config);
    const mode = arenaModeFor(this.interpreter, config.arenas);
    const source: StreamSource =
      resolved.tracePath !== null ? { kind: 'trace', path: resolved.tracePath } : { kind: 'workload', config, ops: resolved.opsBudget };
    const t0 = performance.now();
    const { helper, ready } = await RealHelper.start({ python: this.interpreter.info.path, mode });
    this.helper = helper;
    // Samples need the counts only: no sort of the live blocks per sample (except on 2.7, without a hook).
    await helper.setDetail(false);
    const model = chooseModel(this.interpreter.version, ready);
    this.emit({
      type: 'started',
      engineVersion: ENGINE_VERSION,
      workloadVersion: resolved.workload.version,
      python: { version: this.interpreter.info.version, family: model.version.preset.family, arenas: mode === 'misaligned' ? 'misaligned' : 'aligned' },
      params: resolved.params,
    });
    this.emit({ type: 'status', state: 'running', ops: 0, wallMs: 0 });
    const series = new RealSeries(ready);
    const labels: (string | null)[] = [];
    let k = 0;
    let last = 0;
    helper.listen((c: HelperCheckpoint) => {
      const label = labels[k++] ?? null;
      const wallMs = performance.now() - t0;
      if (label !== CADENCE_LABEL && label !== 'end' && label !== null) this.emit({ type: 'phase', op: c.applied, label: label.slice(0, 200) });
      const row = series.row(c, wallMs);
      const columns: number[][] = [];
      for (let i = 0; i < SERIES_COUNT; i++) columns.push([row[i]!]);
      this.emit({ type: 'samples', columns, coalesced: 0 });
      last = c.applied;
    });
    const durationMs = resolved.durationMs;
    const stop = (): boolean => this.stopping || performance.now() - t0 > durationMs;
    try {
      await walkStream(source, resolved.sampleEvery, { ops: (c, f, t) => helper.sendOps(c, f, t), checkpoint: () => helper.checkpoint() }, labels, stop);
      await helper.end();
    } catch (error) {
      helper.kill();
      throw error;
    }
    const wallMs = performance.now() - t0;
    const state = this.stopping ? 'stopped' : 'done';
    this.emit({ type: 'done', state, ops: last, wallMs });
    this.emit({ type: 'status', state, ops: last, wallMs });
    return state;
  }
}
