/**
 * How a failed valibot parse is told, everywhere a schema refuses something: a bridge request, a
 * worker message, a run configuration, a session record. One formatter, so every refusal reads the
 * same and names the field.
 */
import * as v from 'valibot';

/**
 * The first issue as `field a.b.c: message` (the field as a dotted path; the message alone when the
 * value itself is at fault). A union's own issue only says that no option matched: the deepest issue
 * under it names the field and says what is wrong with it. Valibot gives an issue under a union a
 * path from the union's value, so the paths of the levels are joined.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  let issue = issues[0]!;
  const path: string[] = [];
  for (;;) {
    const here = v.getDotPath(issue);
    if (here) path.push(here);
    if (!issue.issues?.length) break;
    issue = issue.issues[0]!;
  }
  return path.length > 0 ? `field ${path.join('.')}: ${issue.message}` : issue.message;
}
