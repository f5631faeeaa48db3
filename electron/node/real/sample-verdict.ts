/** The verdict of a real run against its model run is shared with the dashboard: shared/run/sample-verdict.ts. */
export { HOOK_ONLY_SERIES, UNMEASURED_SERIES, SamplesByOp, sampleVerdict, verdictText, type SampleVerdict } from '../../../shared/run/sample-verdict';
