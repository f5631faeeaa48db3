/**
 * A request to profile a Python program from the dashboard (`bridge.profileProgram`): the program
 * runs under the recording agent (docs/recording.md) in an interpreter on the host, and each model
 * version becomes a run, with one more run for the real process's own arena count. The same
 * recording as `npm run cli -- record`, started from a page instead of a terminal.
 */
import * as v from 'valibot';

const Path = (what: string) => v.pipe(v.string(`${what} must be a string`), v.minLength(1, `${what} must not be empty`), v.maxLength(4096));

export const MAX_PROGRAM_ARGS = 256;

/** What a native path dialog is asked for (bridge.choosePath): the program dialog's path fields. */
export const PATH_PURPOSES = ['interpreter', 'script', 'folder'] as const;
export type PathPurpose = (typeof PATH_PURPOSES)[number];
/** A whole count of operations ≥ 0 (0: off), as `record`'s `--checkpoint-every` and `--max-ops` take. */
const OpCount = (what: string) =>
  v.pipe(v.number(`${what} must be a number`), v.safeInteger(`${what} must be a whole number`), v.minValue(0, `${what} must be ≥ 0 (0: off)`));
export const MAX_PROGRAM_MODELS = 16;

export const ProgramRequestSchema = v.pipe(
  v.strictObject({
    /** The interpreter to run it with: a path (one `interpreters()` offers, or any on the desktop). */
    interpreter: Path('interpreter'),
    /** The script to run (relative to `cwd`), or… */
    script: v.optional(Path('script')),
    /** …the module to run (`python -m module`). */
    module: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/, 'module must be a dotted module name (package.module)'))),
    /** The program's own arguments. */
    args: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(4096))), v.maxLength(MAX_PROGRAM_ARGS)), []),
    /** Its working directory (absolute; absent: the host's). */
    cwd: v.optional(Path('cwd')),
    /** Versions to model besides the interpreter's own ("3.12", "3.7.17"). */
    models: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(40))), v.maxLength(MAX_PROGRAM_MODELS)), []),
    /** The recording options `record` takes, with its defaults (docs/recording.md). Allocator domains to record: */
    domains: v.optional(v.picklist(['obj', 'mem', 'both'], 'domains must be obj, mem or both'), 'obj'),
    /** A `c` checkpoint every N operations (0: none). */
    checkpointEvery: v.optional(OpCount('checkpointEvery'), 0),
    /** Stop recording after N operations, the program running on (0: no limit). */
    maxOps: v.optional(OpCount('maxOps'), 0),
    /** Store the records while the program runs and model them after it exits (the runs chart then). */
    deferred: v.optional(v.boolean('deferred must be true or false'), false),
  }),
  v.check((r) => (r.script === undefined) !== (r.module === undefined), 'give either script or module (exactly one)'),
);

export type ProgramRequest = v.InferInput<typeof ProgramRequestSchema>;

/** What `profileProgram` started: the model runs (the interpreter's own version first) and the real process's run. */
export interface ProgramStarted {
  runIds: string[];
  realRunId: string;
}
