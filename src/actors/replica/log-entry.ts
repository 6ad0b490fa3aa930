/**
 * One request in the log, as stored at `Log/<index>`: the client's request id (what
 * apply de-duplicates on), the epoch of the leader that appended it, and the payload the
 * state machine applies. Stored as JSON; an entry that does not decode is applied as a
 * no-op by every replica alike, so they stay identical.
 */

/** A decoded log entry. */
export interface LogEntry {
  readonly id: string
  readonly epoch: number
  readonly payload: unknown
}

/** The stored form of an entry. */
export const encodeEntry = (entry: LogEntry): string => JSON.stringify({ id: entry.id, epoch: entry.epoch, payload: entry.payload })

/** The entry stored as `text`, or undefined when it is not one. */
export const decodeEntry = (text: string): LogEntry | undefined => {
  try {
    const v: unknown = JSON.parse(text)
    if (typeof v !== "object" || v === null) return undefined
    const { id, epoch, payload } = v as Record<string, unknown>
    if (typeof id !== "string" || id === "" || typeof epoch !== "number") return undefined
    return { id, epoch, payload }
  } catch {
    return undefined
  }
}
