/**
 * Writing an export's files into a folder so that none is ever seen half-written: every file goes
 * to a temporary name beside its target first; only when all of them are complete are they renamed
 * into place. A failure removes every temporary file, reports the path it failed at, and leaves the
 * folder as it was (a file renamed before the failure stays, whole).
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ExportFile } from './types';
import { errorMessage, InputError } from '../../../shared/errors';

/** An export that could not be written: `path` is the file (or folder) at fault. */
export class ExportWriteError extends InputError {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`${path}: cannot write: ${errorMessage(cause)}`, { cause });
    this.name = 'ExportWriteError';
  }
}

function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
}

/** Writes the files into `dir` (created if missing); returns their paths in order. */
export async function writeExportFiles(dir: string, files: readonly ExportFile[]): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new ExportWriteError(dir, error);
  }
  const staged: { tmp: string; path: string }[] = [];
  const cleanUp = async (): Promise<void> => {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true }).catch(() => undefined)));
  };
  for (const f of files) {
    const path = join(dir, f.name);
    const tmp = tempPath(path);
    try {
      await mkdir(dirname(path), { recursive: true });
      staged.push({ tmp, path });
      const handle = await open(tmp, 'wx');
      try {
        await handle.writeFile(f.data);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await cleanUp();
      throw new ExportWriteError(path, error);
    }
  }
  const done: string[] = [];
  for (const s of staged) {
    try {
      await rename(s.tmp, s.path);
      done.push(s.path);
    } catch (error) {
      await cleanUp();
      throw new ExportWriteError(s.path, error);
    }
  }
  return done;
}
