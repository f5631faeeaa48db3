/** The obmalloc engine: pure, deterministic, one instance per simulated interpreter. */
import { Allocator, type AllocatorOptions } from './allocator';
import { resolveVersion, type Preset, type ResolvedVersion } from './presets';

export { Allocator, EngineError, type AllocatorOptions } from './allocator';
export * from './presets';
export * from './stats';
export * from './envelope';
export { applyBatch, HandleTable } from './replay';
export { checkInvariants, InvariantError } from './invariants';
export { visitArenas, visitLiveBlocks, type ArenaVisit, type PoolVisit, type PoolState } from './visit';

/** Engine version: bump when a change can alter any placement or statistic. */
export const ENGINE_VERSION = '1.0.0';

/** `createAllocator('3.11')`, `createAllocator(resolveVersion('2.4'))` or from a preset object. */
export function createAllocator(version: string | ResolvedVersion | Preset, options: AllocatorOptions = {}): Allocator {
  const preset = typeof version === 'string' ? resolveVersion(version).preset : 'preset' in version ? version.preset : version;
  return new Allocator(preset, options);
}
