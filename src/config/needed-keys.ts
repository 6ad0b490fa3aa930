/**
 * The stand-in defaults' rule: a key whose default only stands in for configs that
 * never use it (the etcd cluster, the registry's RPC URL) must be set in the file
 * once a host runs the role that needs it. The issue names the hosts, so the fix is
 * obvious.
 */
import { type ConfigIssue, formatFound } from "./config-issue.ts"
import type { CheckedSections } from "./cross-checks.ts"
import { type ConfigDefault, DEFAULT_ROWS, type Need } from "./defaults.ts"
import { hasKeyAt } from "./key-path.ts"

/** One issue per stand-in key that `raw` (the file before defaults) leaves out although something needs it. */
export const neededKeyIssues = (
  raw: unknown,
  sections: CheckedSections,
  rows: ReadonlyArray<ConfigDefault> = DEFAULT_ROWS,
): ReadonlyArray<ConfigIssue> =>
  rows.flatMap((row) => {
    if (row.needed === undefined || hasKeyAt(raw, row.path)) return []
    const because = neededBecause(row.needed, sections)
    return because === undefined ? [] : [{ path: row.path, expected: `${row.needed.what}, because ${because}`, found: formatFound(undefined) }]
  })

/** Who needs the key, in words ("host broker-1 runs the replica role"), or undefined when no host does. */
const neededBecause = (need: Need, { hosts }: CheckedSections): string | undefined => {
  const names = (hosts ?? []).filter((h) => h.roles.includes(need.role)).map((h) => h.name)
  if (names.length === 0) return undefined
  return names.length === 1 ? `host ${names[0]} runs the ${need.role} role` : `hosts ${names.join(", ")} run the ${need.role} role`
}
