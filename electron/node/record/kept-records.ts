/**
 * The agent's records, kept in order while a recorded program runs live, for the trace text made
 * once it has exited (program-run.ts): in memory up to a budget, then appended to a file.
 *
 * Memory first because it is the cheaper of the two by far: copying a 1 MiB frame costs about
 * 0.5 ms here, writing it to a file about 2.8 ms (the page cache's fresh pages on a small VM), and
 * either is CPU taken from the program on a machine with two cores. The budget bounds the host's
 * memory whatever the program's length; beyond it the cost is the file's.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';

/** The default budget: 128 MiB, 8 M records of 16 bytes. */
export const KEPT_RECORDS_MEMORY_BYTES = 128 << 20;

export class KeptRecords {
  private blocks: Uint8Array[] = [];
  private memoryBytes = 0;
  private fd: number | null = null;
  /** Bytes that went to the file (0: all in memory). */
  spilledBytes = 0;

  constructor(
    private readonly spillPath: string,
    private readonly budgetBytes = KEPT_RECORDS_MEMORY_BYTES,
  ) {}

  /** Keeps a copy of `bytes` (the caller's memory may be reused). Once one piece has gone to the file, all later ones do: order is kept. */
  add(bytes: Uint8Array): void {
    if (this.fd === null && this.memoryBytes + bytes.length <= this.budgetBytes) {
      this.blocks.push(bytes.slice());
      this.memoryBytes += bytes.length;
      return;
    }
    this.fd ??= openSync(this.spillPath, 'w');
    writeSync(this.fd, bytes);
    this.spilledBytes += bytes.length;
  }

  /**
   * Hands every kept byte on in order, each piece a multiple of `unit` bytes (a whole number of
   * records, valid until the next is asked for), and lets go of them: the memory as it is handed on, the file when done (also when the
   * consumer stops early).
   */
  async *drain(unit: number, pieceBytes = 1 << 20): AsyncGenerator<Uint8Array> {
    while (this.blocks.length > 0) {
      const block = this.blocks.shift()!;
      this.memoryBytes -= block.length;
      yield block;
    }
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    const fh = await open(this.spillPath, 'r');
    try {
      const buf = Buffer.allocUnsafe(Math.max(unit, pieceBytes - (pieceBytes % unit)));
      // Read at a position: a short read's partial record is read again with the next piece.
      for (let at = 0; ;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, at);
        const whole = bytesRead - (bytesRead % unit);
        if (whole === 0) break;
        at += whole;
        yield buf.subarray(0, whole);
      }
    } finally {
      await fh.close();
      await unlink(this.spillPath).catch(() => undefined);
    }
  }
}
