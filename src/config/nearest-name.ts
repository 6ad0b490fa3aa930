/**
 * "Did you mean ...?" for typos in flags, commands, hosts and config keys.
 * Uses the optimal-string-alignment distance so a swapped pair of letters
 * (`hots` for `host`) counts as one edit, the commonest typo.
 */

/** Edit distance between two strings, counting an adjacent swap as one edit. */
export const editDistance = (a: string, b: string): number => {
  const rows: number[][] = []
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i]
    for (let j = 1; j <= b.length; j++) row.push(i === 0 ? j : 0)
    rows.push(row)
  }
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1)
      }
      const row = rows[i]
      if (row !== undefined) row[j] = best
    }
  }
  return at(a.length, b.length)
}

/**
 * The candidate closest to `typed`, or undefined when none is close enough to
 * be a plausible typo (more than a third of the word changed). Leading dashes
 * are ignored so `--hots` is compared as `hots`.
 */
export const nearestName = (typed: string, candidates: readonly string[]): string | undefined => {
  const bare = (name: string): string => name.replace(/^-+/, "").toLowerCase()
  const word = bare(typed)
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)))
  let best: { readonly name: string; readonly distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(word, bare(candidate))
    if (distance <= limit && (best === undefined || distance < best.distance)) {
      best = { name: candidate, distance }
    }
  }
  return best?.name
}
