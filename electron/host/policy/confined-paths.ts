/**
 * Paths a client gave, confined to the folders the server allows (`serve --allow-files DIR`).
 *
 * A path is accepted only when it is absolute, holds no NUL byte, lies inside an allowed folder once
 * `.` and `..` are resolved, and its real path (every symlink followed) lies inside one too. Until the
 * path is known to lie inside an allowed folder nothing on disk is touched, so a refusal says nothing
 * about what exists elsewhere; every refusal outside the folders reads the same.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../../../shared/errors';

/** A folder a path may lie in: as given (resolved) and as it really is (symlinks followed). */
export interface FileRoot {
  given: string;
  real: string;
}

/** A path the policy refuses; the message names what to change, never what is on disk outside the folders. */
export class PathRefusedError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'PathRefusedError';
  }
}

/** Checks the folders of `--allow-files` once, at start: each must exist and be a directory. */
export async function fileRoots(dirs: readonly string[]): Promise<FileRoot[]> {
  const roots: FileRoot[] = [];
  for (const dir of dirs) {
    if (dir.includes('\0')) throw new Error(`--allow-files ${JSON.stringify(dir)}: a folder name cannot hold a NUL byte`);
    const given = resolve(dir);
    let real: string;
    try {
      real = await realpath(given);
    } catch {
      throw new Error(`--allow-files ${dir}: no such folder`);
    }
    if (!(await stat(real)).isDirectory()) throw new Error(`--allow-files ${dir}: not a folder`);
    roots.push({ given, real });
  }
  return roots;
}

/** `child` is `parent` or lies below it (both absolute and normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The real path of a regular file inside `roots` named by `path`, or a PathRefusedError. `what`
 * names the field for the message ("trace-replay path").
 */
export async function confinedFile(path: string, roots: readonly FileRoot[], what: string): Promise<string> {
  const outside = (): PathRefusedError =>
    new PathRefusedError(
      `${what}: not inside a folder this server allows (it was started with --allow-files ${roots.map((r) => r.given).join(', --allow-files ')})`,
    );
  if (path.includes('\0')) throw new PathRefusedError(`${what}: a path cannot hold a NUL byte`);
  if (!isAbsolute(path)) throw new PathRefusedError(`${what}: expected an absolute path inside ${roots.map((r) => r.given).join(' or ')}`);
  const lexical = resolve(path);
  if (!roots.some((r) => isInside(r.given, lexical) || isInside(r.real, lexical))) throw outside();
  let real: string;
  try {
    real = await realpath(lexical);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PathRefusedError(`${what}: ${code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : 'cannot be read'} in the allowed folders`);
  }
  // A symlink inside a folder that leads out of every folder is refused like any path outside.
  if (!roots.some((r) => isInside(r.real, real))) throw outside();
  let file;
  try {
    file = await stat(real);
  } catch {
    throw new PathRefusedError(`${what}: cannot be read in the allowed folders`);
  }
  if (!file.isFile()) throw new PathRefusedError(`${what}: not a file`);
  return real;
}
