/**
 * What the host can run: CPython version families and workloads, loaded once per connection.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { VersionInfo, WorkloadInfo } from '../../../shared/protocol/bridge';

export const useCatalogStore = defineStore('catalog', () => {
  const versions = ref<VersionInfo[]>([]);
  const workloads = ref<WorkloadInfo[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);

  function setCatalog(v: VersionInfo[], w: WorkloadInfo[]): void {
    versions.value = v;
    workloads.value = w;
    error.value = null;
  }

  return { versions, workloads, loading, error, setCatalog };
});
