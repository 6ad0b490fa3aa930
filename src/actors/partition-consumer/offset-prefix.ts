/**
 * Which offset a partition may commit: the end of the unbroken run of finished messages
 * from the start of the batch. Keys finish out of order (they run in parallel), but a
 * commit must never pass a message that is not finished, or a crash would drop it.
 */

/** The last offset of the finished prefix of `offsets` (in log order), or undefined if the first is unfinished. */
export const finishedPrefixEnd = (offsets: readonly string[], finished: ReadonlySet<string>): string | undefined => {
  let last: string | undefined
  for (const o of offsets) {
    if (!finished.has(o)) break
    last = o
  }
  return last
}

/** Groups messages by key, keeping log order within each key and first-seen order of keys. */
export const groupByKey = <M extends { readonly key: string }>(messages: readonly M[]): M[][] => {
  const groups = new Map<string, M[]>()
  for (const m of messages) {
    const g = groups.get(m.key)
    if (g) g.push(m)
    else groups.set(m.key, [m])
  }
  return [...groups.values()]
}
