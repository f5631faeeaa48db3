/**
 * The output of profiled programs (bridge.profileProgram), for the console panel of their runs:
 * the last MAX_CONSOLE_LINES lines of each program, so a chatty one does not grow the page; and
 * whether the "Profile a Python program…" dialog is open.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

/** Lines a console keeps (older ones leave, and the panel says how many). */
export const MAX_CONSOLE_LINES = 2000;

export interface ConsoleLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ProgramConsole {
  runIds: string[];
  lines: ConsoleLine[];
  /** Lines that left the console to keep it bounded. */
  dropped: number;
}

export const useProgramStore = defineStore('program', () => {
  const dialogOpen = ref(false);
  /** One console per program, found by any of its runs. */
  const consoles = ref<ProgramConsole[]>([]);

  function consoleOf(runId: string): ProgramConsole | null {
    return consoles.value.find((c) => c.runIds.includes(runId)) ?? null;
  }

  function append(runIds: string[], stream: 'stdout' | 'stderr', lines: string[]): void {
    let c = consoleOf(runIds[0] ?? '');
    if (c === null) {
      consoles.value.push({ runIds: [...runIds], lines: [], dropped: 0 });
      c = consoles.value[consoles.value.length - 1]!;
    }
    for (const text of lines) c.lines.push({ stream, text });
    const over = c.lines.length - MAX_CONSOLE_LINES;
    if (over > 0) {
      c.lines.splice(0, over);
      c.dropped += over;
    }
  }

  return { dialogOpen, consoles, consoleOf, append };
});
