/** The columnar series store with min/max pyramids (see series-store.ts). */
export { SeriesStore, type RunStats, type Axis, type Phase, type SeriesWindow } from './series-store';
export { CHUNK_ROWS } from './chunked-column';
export { FANOUT } from './min-max-pyramid';
export { type SpillSource, type SpillOptions, type SpillStats, DEFAULT_SPILL_BUDGET, PAGE_ROWS } from './run-spill';
