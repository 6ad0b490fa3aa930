/**
 * How the leader packs waiting requests into append transactions. Each transaction puts
 * its entries plus the new `LogSize`, and etcd caps a transaction's operations
 * (`--max-txn-ops`, 128 by default) and its request size (1.5 MiB by default), so a
 * batch stays under both.
 */
import { encodeEntry, type LogEntry } from "./log-entry.ts"

/** Entries per append transaction: 127 puts plus `LogSize` fit etcd's default of 128 operations. */
export const maxEntriesPerAppend = 100

/** Encoded bytes per append transaction, well under etcd's default 1.5 MiB request limit. */
export const maxBytesPerAppend = 1024 * 1024

/** One entry ready to append, with its index and stored form. */
export interface Placed {
  readonly index: number
  readonly entry: LogEntry
  readonly text: string
}

/**
 * Splits `entries` (in arrival order) into consecutive transactions, numbering them from
 * `logSize + 1`. Every transaction gets at least one entry, even one over `maxBytes`
 * (etcd then refuses it, and its clients get the error).
 */
export const planAppends = (
  logSize: number,
  entries: readonly LogEntry[],
  maxEntries: number = maxEntriesPerAppend,
  maxBytes: number = maxBytesPerAppend,
): Placed[][] => {
  const batches: Placed[][] = []
  let current: Placed[] = []
  let bytes = 0
  let index = logSize
  for (const entry of entries) {
    const text = encodeEntry(entry)
    const size = Buffer.byteLength(text)
    if (current.length > 0 && (current.length >= maxEntries || bytes + size > maxBytes)) {
      batches.push(current)
      current = []
      bytes = 0
    }
    index += 1
    current.push({ index, entry, text })
    bytes += size
  }
  if (current.length > 0) batches.push(current)
  return batches
}
