/** `workloads [--json]`: every workload with its parameters, defaults and ranges. */
import { rangeText } from '../../../shared/workloads/params';
import { TRACE_REPLAY } from '../../../shared/workloads/trace-replay';
import { WORKLOADS } from '../../../shared/workloads/registry';
import type { ParamSpec } from '../../../shared/workloads/workload';
import { parse } from '../options';

export const workloadsUsage = 'workloads [--json]';

function paramText(p: ParamSpec): string {
  switch (p.kind) {
    case 'number':
      return `${p.name} = ${p.default}${p.unit ? ` ${p.unit}` : ''}  ${rangeText(p)}: ${p.description}`;
    case 'choice':
      return `${p.name} = ${p.default}  (one of ${p.choices.join(', ')}): ${p.description}`;
    case 'sizes':
      return `${p.name} = ${p.default}  (a size distribution): ${p.description}`;
  }
}

export async function workloadsCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parse('workloads', argv, { options: { json: { type: 'boolean' } }, allowPositionals: false });
  if (values.json) {
    out(
      JSON.stringify(
        [
          ...WORKLOADS.map((w) => ({
            name: w.name,
            id: w.id,
            version: w.version,
            title: w.title,
            description: w.description,
            finite: w.finite,
            params: w.params,
          })),
          {
            name: TRACE_REPLAY.name,
            id: 'W16',
            version: TRACE_REPLAY.version,
            title: TRACE_REPLAY.title,
            description: TRACE_REPLAY.description,
            finite: true,
            params: TRACE_REPLAY.params,
          },
        ],
        null,
        2,
      ),
    );
    return 0;
  }
  for (const w of WORKLOADS) {
    out(`${w.id} ${w.name}${w.finite ? '' : ' (endless)'}: ${w.title}`);
    for (const p of w.params) out(`    ${paramText(p)}`);
  }
  out(`W16 ${TRACE_REPLAY.name}: ${TRACE_REPLAY.title} (run --workload trace-replay --set path=FILE)`);
  return 0;
}
