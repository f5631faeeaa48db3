/**
 * A workload's origin tags (op-batch.ts): the names it declares in `WorkloadDef.origins` and the
 * small integer each ALLOC carries, tag t naming `names[t − 1]` (0 is untagged). Declaring both
 * from one list keeps a generator's constants and the names the user reads from drifting apart.
 */

/** Tags fit the op batch's byte column. */
export const MAX_ORIGIN_TAGS = 255;

export interface OriginTags<N extends string> {
  readonly names: readonly N[];
  /** The tag of each name. */
  readonly tag: Readonly<Record<N, number>>;
}

export function originTags<const N extends string>(...names: N[]): OriginTags<N> {
  if (names.length > MAX_ORIGIN_TAGS) throw new RangeError(`at most ${MAX_ORIGIN_TAGS} origin tags, not ${names.length}`);
  const tag = {} as Record<N, number>;
  names.forEach((name, i) => {
    if (name in tag) throw new Error(`origin tag '${name}' declared twice`);
    tag[name] = i + 1;
  });
  return { names, tag };
}
