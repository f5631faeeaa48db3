/**
 * Source sites of a recorded program (`record --origins`), as the pymtrace sites extension carries
 * them (docs/trace-format.md). Both lines are comments to a plain v1 reader (and to the reference
 * oracle), so a trace with sites is still a v1 trace:
 *
 *     #pymtrace-ext sites 1               the extension is in use (informative)
 *     #@ <site>                           the `a` lines after it were allocated at <site> (0: unknown)
 *     #site <site> <json>                 <site>'s frames, innermost first: [[file, line, function], ...]
 *
 * A `#@` line is written only when the site changes, so a loop's allocations cost one line between
 * them. `#site` lines may come anywhere (a recording writes them at the end, once the program has
 * named its sites).
 */

/** One frame of a site: where the allocating code was. */
export interface SiteFrame {
  readonly file: string;
  readonly line: number;
  readonly func: string;
}

/** Site id → its frames, innermost first. */
export type SiteTable = Map<number, readonly SiteFrame[]>;

export const SITES_EXTENSION = '#pymtrace-ext sites 1';

/**
 * Parses the JSON of a `#site` line; null when it is not a list of [file, line, function] (a bad
 * site line is ignored like any comment: it must not make a v1 trace unreadable).
 */
export function parseSiteFrames(json: string): SiteFrame[] | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  const frames: SiteFrame[] = [];
  for (const f of value) {
    if (!Array.isArray(f) || f.length !== 3) return null;
    const [file, line, func] = f as unknown[];
    if (typeof file !== 'string' || typeof func !== 'string' || typeof line !== 'number' || !Number.isInteger(line)) return null;
    frames.push({ file, line, func });
  }
  return frames;
}

/** `#site <site> <json>` for a writer. */
export function siteLine(site: number, frames: readonly SiteFrame[]): string {
  return `#site ${site} ${JSON.stringify(frames.map((f) => [f.file, f.line, f.func]))}`;
}
