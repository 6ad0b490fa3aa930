/**
 * A service's replica set as the registry stores it: every replica's location in one
 * string, comma-separated. A location is an http(s) URL, which never holds a comma
 * unescaped, so the list splits back exactly.
 */

/** An http(s) URL with no blank and no comma: what one stored member may be. */
const storableMember = (text: string): boolean => /^https?:\/\/[^\s,]+$/.test(text)

/** The locations in `stored`, in order, without blanks. */
export const splitMembers = (stored: string): ReadonlyArray<string> =>
  stored.split(",").map((m) => m.trim()).filter((m) => m !== "")

/** The stored form of `members`, or the first one that is not an http(s) URL without a comma. */
export const joinMembers = (members: ReadonlyArray<string>): { readonly ok: true; readonly stored: string } | { readonly ok: false; readonly bad: string } => {
  const bad = members.find((m) => !storableMember(m))
  return bad === undefined ? { ok: true, stored: members.join(",") } : { ok: false, bad }
}

/** True when `a` and `b` hold the same locations, in any order (replicas may list their peers differently). */
export const sameMembers = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  const left = new Set(a)
  const right = new Set(b)
  return left.size === right.size && [...left].every((m) => right.has(m))
}
