/**
 * App-wide state: whether a host is connected and speaks our protocol, the notices (errors and
 * news) shown at the top, the theme and whether the definitions panel is open.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { PROTOCOL_VERSION } from '../../../shared/protocol/bridge';
import type { Bridge } from '../../../shared/protocol/bridge';
import type { ThemeName } from '../../../shared/charts/colors';
import type { LinkState } from '../model/link-state';

export type Connection = 'connecting' | 'unreachable' | 'no-bridge' | 'version-mismatch' | 'connected';
export type Theme = ThemeName;

export interface Notice {
  id: number;
  level: 'info' | 'error';
  message: string;
}

/** Older notices beyond this are dropped: a flapping connection must not grow the page forever. */
const MAX_NOTICES = 5;

export const useAppStore = defineStore('app', () => {
  /** The host's protocol version, or `null` when there is no bridge. */
  const hostProtocolVersion = ref<number | null>(null);
  /** Until the bridge is known (a browser waits for the server's hello). */
  const connecting = ref(true);
  /** Why the host could not be reached, when it could not. */
  const unreachable = ref<string | null>(null);
  const notices = ref<Notice[]>([]);
  const theme = ref<Theme>('light');
  /** The series key the definitions panel highlights; the panel is open when not null. */
  const definitionsFocus = ref<string | null>(null);
  /** The page runs in a plain browser (serve), not in the app's window: it binds the shortcuts itself. */
  const inBrowser = ref(false);
  /** View toggles (View menu, shortcuts) and the Help dialog. */
  const runListHidden = ref(false);
  const detailHidden = ref(false);
  const helpOpen = ref(false);
  /** The link once connected (a browser's WebSocket can drop; Electron's IPC cannot). */
  const link = ref<LinkState>('connected');
  let nextNotice = 1;

  const connection = computed<Connection>(() => {
    if (connecting.value) return 'connecting';
    if (unreachable.value !== null) return 'unreachable';
    if (hostProtocolVersion.value === null) return 'no-bridge';
    return hostProtocolVersion.value === PROTOCOL_VERSION ? 'connected' : 'version-mismatch';
  });

  function connect(bridge: Bridge | undefined): void {
    connecting.value = false;
    hostProtocolVersion.value = bridge?.protocolVersion ?? null;
  }

  function fail(reason: string): void {
    connecting.value = false;
    unreachable.value = reason;
  }

  function notify(level: Notice['level'], message: string): void {
    notices.value = [...notices.value, { id: nextNotice++, level, message }].slice(-MAX_NOTICES);
  }

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }

  function showDefinitions(key: string | null): void {
    definitionsFocus.value = key ?? '';
  }

  function hideDefinitions(): void {
    definitionsFocus.value = null;
  }

  return {
    hostProtocolVersion,
    connection,
    link,
    connect,
    fail,
    unreachable,
    notices,
    notify,
    dismiss,
    theme,
    definitionsFocus,
    showDefinitions,
    hideDefinitions,
    inBrowser,
    runListHidden,
    detailHidden,
    helpOpen,
  };
});
