/**
 * Files written so that a reader never sees half of one: write beside the target, then rename.
 * A failed write removes its temporary file and reports the target path.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorMessage } from '../../shared/errors';

function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempPath(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      if (typeof data === 'string') writeSync(fd, data);
      else writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new Error(`${path}: cannot write: ${errorMessage(error)}`, { cause: error });
  }
}

/** A text file written in pieces (buffered), then renamed into place by `commit`. */
export class AtomicTextWriter {
  private readonly tmp: string;
  private fd: number;
  private buf = '';

  constructor(readonly path: string) {
    this.tmp = tempPath(path);
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (error) {
      throw new Error(`${path}: cannot write: ${errorMessage(error)}`, { cause: error });
    }
  }

  write(text: string): void {
    this.buf += text;
    if (this.buf.length >= 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    try {
      writeSync(this.fd, this.buf);
    } catch (error) {
      this.abort();
      throw new Error(`${this.path}: cannot write: ${errorMessage(error)}`, { cause: error });
    }
    this.buf = '';
  }

  commit(): void {
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.path);
  }

  /** Drops the partial file. */
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.tmp, { force: true });
  }
}

/**
 * The asynchronous form for big files built piece by piece (a saved session): the pieces are written
 * as they come, synced, and the file renamed into place only when all of them are there, so the main
 * thread never waits on the disk and a reader sees the old file or the whole new one.
 */
export async function writeFileAtomicFrom(path: string, pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
  const tmp = tempPath(path);
  try {
    const handle = await open(tmp, 'w');
    try {
      for await (const piece of pieces) {
        let done = 0;
        while (done < piece.length) done += (await handle.write(piece, done, piece.length - done)).bytesWritten;
      }
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new Error(`${path}: cannot write: ${errorMessage(error)}`, { cause: error });
  }
}
