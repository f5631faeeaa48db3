/** The columnar series store with min/max pyramids (see series-store.ts). */
export { SeriesStore, type RunStats, type Axis, type Phase, type SeriesWindow } from './series-store';
export { CHUNK_ROWS } from './chunked-column';
export { FANOUT } from './min-max-pyramid';
