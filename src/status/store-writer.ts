/**
 * The status store's writer thread. SQLite's writes to the store file (each record an
 * upsert into B-trees keyed by random request ids, and the WAL behind them) cost the
 * event loop 20–60 µs a record, which halved the intake's batch rate when they ran on
 * it. Here they run on a worker of their own: the host posts what to write
 * (`WriterMessage`), this thread applies each message in order on its own connection and
 * publishes the sequence number it has applied through shared memory, which the host's
 * readers wait on only when they need a record still in flight (`write-behind.ts`).
 */
import { openStatusStore, type StatusStore } from "./store.ts"
import { failedSlot, progressSlot, readRecordLines, reasonBytes, reasonLengthSlot, reasonOffset, type WriterMessage } from "./writer-protocol.ts"

declare const self: Worker

let store: StatusStore | undefined
let progress: Int32Array | undefined
let reason: Uint8Array | undefined

const publish = (slot: number, value: number) => {
  if (progress === undefined) return
  Atomics.store(progress, slot, value)
  Atomics.notify(progress, slot)
}

self.onmessage = (event: MessageEvent<WriterMessage>) => {
  const m = event.data
  try {
    switch (m.op) {
      case "open":
        progress = new Int32Array(m.progress, 0, 3)
        reason = new Uint8Array(m.progress, reasonOffset, reasonBytes)
        store = openStatusStore(m.path, { historyMax: m.historyMax })
        break
      case "apply": {
        const { records, texts } = readRecordLines(m.lines)
        store?.applyMany(records, texts)
        break
      }
      case "remove":
        store?.remove(m.ids)
        break
      case "position":
        store?.saveReadPosition(m.topic, m.partition, BigInt(m.next))
        break
      case "close":
        store?.close()
        store = undefined
        break
    }
    publish(progressSlot, m.seq)
  } catch (cause) {
    // The host learns of it the next time it waits: the reason first, then the failed write.
    const text = new TextEncoder().encode(cause instanceof Error ? cause.message : String(cause)).slice(0, reasonBytes)
    reason?.set(text)
    if (progress !== undefined) Atomics.store(progress, reasonLengthSlot, text.length)
    publish(failedSlot, m.seq)
  }
}
