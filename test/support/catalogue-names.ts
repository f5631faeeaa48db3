// The fifteen catalogue workloads, in order, with the names the workload spec gives them: what the
// registry and the command line's `workloads` must list (written out here, not read from the code).
export const CATALOGUE_NAMES = [
  'seed-16b-fill-free',
  'steady-churn',
  'ramp-cycles',
  'keep-every-kth',
  'pareto-lifetimes',
  'lru-cache-server',
  'larson-server',
  'dict-of-lists-etl',
  'string-builder',
  'mixed-large-small',
  'int-list-del',
  'arena-edge-thrash',
  'interpreter-mix',
  'refcount-temporaries',
  'size-sweep-window',
] as const;
