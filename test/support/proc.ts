// Processes as Linux lists them under /proc: the tests and the soak bench find a host's workers here.
import { readdirSync, readFileSync } from 'node:fs';

/** The pids of the live children of `parent`. */
export function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
