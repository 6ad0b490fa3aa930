/**
 * One run at a time per key: the first caller starts it, and every caller that asks for
 * the same key while it runs gets the same promise. The key is free again once the run
 * has settled, failed or not. The read front merges identical node reads with it, and the
 * head reads of a chain whose head went stale.
 */
export const shareRun = <K, V>(running: Map<K, Promise<V>>, key: K, start: () => Promise<V>): { readonly running: Promise<V>; readonly joined: boolean } => {
  const waiting = running.get(key)
  if (waiting !== undefined) return { running: waiting, joined: true }
  const started = start().finally(() => {
    if (running.get(key) === started) running.delete(key)
  })
  running.set(key, started)
  return { running: started, joined: false }
}
