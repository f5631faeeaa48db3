/**
 * A catalogue workload's generator on a thread of its own, ahead of the run loop (shared/ops/op-ring.ts):
 * the worker's main thread applies operations while the second core writes the next ones.
 *
 * The thread's entry is this module's own file: started off the main thread with a request, it pumps
 * the generator (the check at the end). Built, this code is part of the worker's bundle, so the
 * thread runs from whatever file the worker runs from and the app needs no second bundle.
 */
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { threadEntry } from '../node/tsx-exec-argv';
import { OpBatch } from '../../shared/ops/op-batch';
import { CHECKED_AS_WRITTEN, createOpRing, OpRingReader, pumpGenerator, type OpRingBuffers } from '../../shared/ops/op-ring';
import type { ParamValue, WorkloadTarget } from '../../shared/workloads/workload';
import { getWorkload } from '../../shared/workloads/registry';
import { resolveParams } from '../../shared/workloads/params';
import { OpGuard } from '../../shared/run/op-guard';

/** What the thread needs to make the very generator the run loop's thread would have made. */
export interface GeneratorRequest {
  workload: string;
  params: Readonly<Record<string, ParamValue>>;
  seed: bigint;
  target: WorkloadTarget;
}

export interface GeneratorThreadData {
  kind: 'arenascope-generator';
  request: GeneratorRequest;
  ring: OpRingBuffers;
}

export function isGeneratorThreadData(data: unknown): data is GeneratorThreadData {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'arenascope-generator';
}

/** The thread's body: make the generator and pump it into the ring until it ends. */
export function runGeneratorThread(data: GeneratorThreadData): void {
  try {
    const def = getWorkload(data.request.workload);
    const generator = def.create(resolveParams(def, data.request.params), data.request.seed, data.request.target);
    // The run loop's check of every operation, here on the generator's core (the reader says
    // `checked`); none for a generator whose live table checked each operation as it wrote it.
    const { workload, params, seed } = data.request;
    const source = { workload, params, seed };
    pumpGenerator(generator, data.ring, new OpBatch(data.ring.capacity), generator.checked === true ? CHECKED_AS_WRITTEN : new OpGuard(source), source);
  } catch (error) {
    // Before the pump (a generator that cannot be made): the reader hears of it through the ring.
    new OpRingReader(data.ring).failWith(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
}

/** The run loop's generator: reads the ring; `close` ends the thread (a run stopped before its end). */
export class ThreadedGenerator extends OpRingReader {
  constructor(
    ring: OpRingBuffers,
    private readonly worker: Worker,
  ) {
    super(ring);
    // An exit the ring did not hear of (the thread was killed, or failed before pumping) ends the run with it.
    worker.on('error', (error) => this.failWith(`${error.name}: ${error.message}`));
  }

  close(): void {
    void this.worker.terminate();
  }
}

/**
 * Starts the generator of `request` on a thread of its own (this module's file: under tsx, through
 * tsx's loader).
 */
export function startGeneratorThread(request: GeneratorRequest): ThreadedGenerator {
  const ring = createOpRing();
  const data: GeneratorThreadData = { kind: 'arenascope-generator', request, ring };
  const start = threadEntry(new URL(import.meta.url));
  const worker = new Worker(start.filename, { workerData: data, eval: start.eval });
  worker.unref();
  return new ThreadedGenerator(ring, worker);
}

if (!isMainThread && isGeneratorThreadData(workerData)) runGeneratorThread(workerData);
