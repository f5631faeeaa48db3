/**
 * The site names a recorded program leaves at exit (`record --origins`): agent/python/record_origins.py
 * writes one JSON line per site, `[site, [[file, line, function], ...]]` (frames innermost first),
 * once the hooks are out. Read once the program has ended, then removed.
 */
import { readFile, unlink } from 'node:fs/promises';
import { parseSiteFrames, type SiteFrame } from '../../../shared/trace';
import { AgentStreamError } from './agent-frames';

/** Site id → frames; empty when the program died before naming its sites (no file). */
export async function readSitesFile(path: string): Promise<Map<number, SiteFrame[]>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const sites = new Map<number, SiteFrame[]>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^\[(\d+),\s*(.*)\]$/.exec(line.trim());
    const frames = m ? parseSiteFrames(m[2]!) : null;
    // Our own bootstrap wrote it: a line we cannot read is our bug, said with where it is.
    if (!m || !frames) throw new AgentStreamError(`${path}:${i + 1}: not a site line: ${line.slice(0, 200)}`);
    sites.set(Number(m[1]), frames);
  });
  await unlink(path).catch(() => undefined);
  return sites;
}
