/**
 * The installed interpreters a real-interpreter run may use (docs/real-runs.md): which ones the
 * host offers, each one opened as the policy allows (serve: `--allow-programs`, a discovered
 * interpreter), probed once and checked, and one run manager per interpreter (its launcher starts
 * that interpreter with the agent).
 */
import type { InterpreterChoice } from '../../../shared/protocol/bridge';
import { InputError } from '../../../shared/errors';
import { locateAgent } from '../../node/agent/locate';
import { discoverInterpreters } from '../../node/python/discover';
import { arenaModeFor, openRealInterpreter, type RealInterpreter } from '../../node/real/real-interpreter';
import type { HostPolicy } from '../policy/capabilities';
import { RealRunLauncher } from './real-run-launcher';
import { RunManager } from './run-manager';

export interface RealInterpretersOptions {
  policy: HostPolicy;
  log: (line: string) => void;
  graceMs?: number;
  /** Called with each new manager, so that the host hears its runs' events. */
  added: (manager: RunManager) => void;
}

/** A real run the host refuses: the message names the interpreter and what is wrong. */
export class RealRunRefusal extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'RealRunRefusal';
  }
}

export class RealInterpreters {
  /** One manager per interpreter, by its path. */
  private readonly managers = new Map<string, RunManager>();
  /** Interpreters probed for `choices()` and real runs, by the path asked for. */
  private readonly probed = new Map<string, Promise<RealInterpreter>>();

  constructor(private readonly options: RealInterpretersOptions) {}

  /** The run manager whose workers are this interpreter. */
  managerFor(real: RealInterpreter): RunManager {
    let manager = this.managers.get(real.info.path);
    if (manager === undefined) {
      manager = new RunManager(new RealRunLauncher(real), {
        log: this.options.log,
        quoteFileContent: this.options.policy.quoteFileContent,
        ...(this.options.graceMs !== undefined ? { graceMs: this.options.graceMs } : {}),
      });
      this.managers.set(real.info.path, manager);
      this.options.added(manager);
    }
    return manager;
  }

  /**
   * The interpreter for a real run, as the policy allows it, probed and checked, with the agent
   * built: each refusal a RealRunRefusal naming the interpreter and what is wrong.
   */
  async open(path: string, arenas: 'aligned' | 'misaligned' | undefined): Promise<RealInterpreter> {
    const allowed = await this.options.policy.interpreterPath(
      path,
      discoverInterpreters().map((d) => d.path),
      'real-interpreter run: interpreter',
    );
    try {
      // What the user named first (not an interpreter, one that cannot be used), then what the host lacks.
      const real = await this.probe(allowed);
      arenaModeFor(real, arenas);
      locateAgent();
      return real;
    } catch (error) {
      if (error instanceof InputError) throw new RealRunRefusal(`invalid run configuration: real: ${error.message}`);
      throw error;
    }
  }

  /**
   * Interpreters a real run may use here: the host's discovered ones that probe as usable, with their
   * versions; none where the policy starts no programs (a browser of serve without --allow-programs).
   */
  async choices(): Promise<InterpreterChoice[]> {
    if (!this.options.policy.capabilities.programs) return [];
    const out: InterpreterChoice[] = [];
    const seen = new Set<string>();
    for (const d of discoverInterpreters()) {
      try {
        const real = await this.probe(d.path);
        if (seen.has(real.info.executable)) continue;
        seen.add(real.info.executable);
        out.push({ path: d.path, version: real.info.version, label: `${real.info.version} (${d.source}: ${d.label})` });
      } catch {
        // Not usable for real runs (too old, free-threaded, not CPython, …): not offered.
      }
    }
    return out;
  }

  /** Every manager made so far (to dispose of them). */
  all(): RunManager[] {
    return [...this.managers.values()];
  }

  private probe(path: string): Promise<RealInterpreter> {
    let p = this.probed.get(path);
    if (p === undefined) {
      p = openRealInterpreter(path);
      this.probed.set(path, p);
      // A failed probe is asked again next time (the user may have fixed it).
      p.catch(() => this.probed.delete(path));
    }
    return p;
  }
}
