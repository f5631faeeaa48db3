/**
 * App-wide state: whether a host is connected and speaks our protocol.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { PROTOCOL_VERSION } from '../../../shared/protocol/bridge';
import type { Bridge } from '../../../shared/protocol/bridge';

export type Connection = 'no-bridge' | 'version-mismatch' | 'connected';

export const useAppStore = defineStore('app', () => {
  /** The host's protocol version, or `null` when there is no bridge. */
  const hostProtocolVersion = ref<number | null>(null);

  const connection = computed<Connection>(() => {
    if (hostProtocolVersion.value === null) return 'no-bridge';
    return hostProtocolVersion.value === PROTOCOL_VERSION ? 'connected' : 'version-mismatch';
  });

  function connect(bridge: Bridge | undefined): void {
    hostProtocolVersion.value = bridge?.protocolVersion ?? null;
  }

  return { hostProtocolVersion, connection, connect };
});
