/**
 * What the host can run: CPython version families and workloads, loaded once per connection, and
 * what it lets this page do (a browser of `serve` may not be allowed to name files on the server).
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { InterpreterChoice, VersionInfo, WorkloadInfo } from '../../../shared/protocol/bridge';
import { DESKTOP_CAPABILITIES, type HostCapabilities } from '../../../shared/protocol/capabilities';
import { offeredWorkloads } from '../model/capabilities';

export const useCatalogStore = defineStore('catalog', () => {
  const versions = ref<VersionInfo[]>([]);
  const workloads = ref<WorkloadInfo[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** What the host lets this page do; the workloads offered follow it. */
  const capabilities = ref<HostCapabilities>(DESKTOP_CAPABILITIES);

  /** Interpreters a run may also use for real (empty where the host starts no programs). */
  const interpreters = ref<InterpreterChoice[]>([]);

  function setCatalog(v: VersionInfo[], w: WorkloadInfo[]): void {
    versions.value = v;
    workloads.value = offeredWorkloads(w, capabilities.value);
    error.value = null;
  }

  return { versions, workloads, loading, error, capabilities, interpreters, setCatalog };
});
