/** Chart definitions built from series data, shared by the dashboard and the exports. */
export * from './bands';
export * from './colors';
export * from './definitions';
export * from './format';
export * from './run-info';
export * from './run-labels';
export * from './spec';
export * from './ticks';
export * from './window';
export * from './summary';
