/**
 * The status store with its writes on a worker thread (`store-writer.ts`) and its reads
 * here, on a second connection to the same file (SQLite's WAL lets one writer and many
 * readers work at once). A write returns at once; a read waits only when it needs a write
 * still in flight: `get`, `history` and `batch` of an id or batch written moments ago (an
 * intake answering the status of the request it just accepted, which must never be a
 * 404), and the whole-store reads (lists, counts, nonces, read positions), which wait for every write
 * posted before them. So every reader sees what was applied before it asked, as with
 * the plain store, and the event loop does not pay for the B-tree and WAL writes.
 */
import type { StatusRecord } from "../domain/status.ts"
import { encodeStatus } from "../domain/wire.ts"
import { type StatusStore, openStatusStore } from "./store.ts"
import { failedSlot, progressSlot, reasonLengthSlot, reasonOffset, recordLines, sharedBytes, type WriterMessage } from "./writer-protocol.ts"

// Batches are tracked beside ids, so a batch's status waits only for writes of that batch.
const batchKey = (batchId: string) => `batch:${batchId}`

/**
 * Most ids a host may have in flight before a write waits for the writer to work them
 * down to half: a burst faster than the disk takes then slows the intake a little rather
 * than growing the writer's queue without bound.
 */
const mostInFlight = 50_000

/**
 * How long applied records wait for more before they go to the writer. Sending each
 * event-loop turn's records on its own cost the single-call intake a twentieth of its CPU
 * in messages (profiled at 5,500 requests/s); nothing reads them sooner without asking.
 */
const gatherMs = 5

/** How long a reader waits for the writer before it gives up and says so. */
const waitLimitMs = 30_000

// From source the writer is the module next to this one; in the compiled binary it is an
// extra entrypoint of the build (scripts/build.ts), found relative to the bundle's root.
const writerEntry = (): string => (import.meta.url.includes("/$bunfs/") ? "./status/store-writer.ts" : new URL("./store-writer.ts", import.meta.url).href)

/** Opens the store file with a writer thread; the file must be this process's own (see store-lock.ts). */
export const openWriteBehindStore = (path: string, options: { readonly historyMax: number }): StatusStore => {
  // The reading connection opens first, so the tables exist before the writer's opens.
  const reader = openStatusStore(path, options)
  const shared = new SharedArrayBuffer(sharedBytes)
  const progress = new Int32Array(shared, 0, 3)
  const worker = new Worker(writerEntry())
  const reason = () => new TextDecoder().decode(new Uint8Array(shared, reasonOffset, Atomics.load(progress, reasonLengthSlot)).slice())
  let seq = 0
  // The newest write of each id still in flight, and the ids of each write, oldest first.
  const inFlight = new Map<string, number>()
  const writes: Array<{ readonly seq: number; readonly ids: string[] }> = []
  let idsQueued = 0
  // Records applied within `gatherMs` leave together, as one message and one SQLite
  // transaction (a single-request intake otherwise pays a commit per request, and a
  // message per Kafka ack). A read that needs them sends them at once (`waitFor`).
  let gathering: { readonly seq: number; readonly texts: string[] } | undefined

  const post = (message: WriterMessage) => worker.postMessage(message)
  const send = () => {
    if (gathering === undefined) return
    const { seq: s, texts } = gathering
    gathering = undefined
    post({ seq: s, op: "apply", lines: recordLines(texts) })
  }
  const next = () => (seq += 1)
  const applied = () => Atomics.load(progress, progressSlot)
  const forget = () => {
    const done = applied()
    while (writes.length > 0 && (writes[0]?.seq ?? Infinity) <= done) {
      const w = writes.shift()
      if (w === undefined) break
      idsQueued -= w.ids.length
      for (const id of w.ids) if (inFlight.get(id) === w.seq) inFlight.delete(id)
    }
  }
  const waitFor = (target: number) => {
    if (gathering !== undefined && gathering.seq <= target) send()
    const deadline = performance.now() + waitLimitMs
    for (;;) {
      const failed = Atomics.load(progress, failedSlot)
      if (failed !== 0) throw new Error(`the status store's writer failed on write ${failed} (${reason()}); the store file is ${path}`)
      const done = applied()
      if (done >= target) return
      if (performance.now() > deadline) throw new Error(`the status store's writer has applied ${done} of ${target} writes after ${waitLimitMs} ms; the store file is ${path}`)
      Atomics.wait(progress, progressSlot, done, 100)
    }
  }
  const waitForAll = () => {
    waitFor(seq)
    forget()
  }
  const waitForId = (id: string) => {
    forget()
    const pending = inFlight.get(id)
    if (pending !== undefined) waitFor(pending)
  }
  // Waits until at most half of `mostInFlight` ids are still queued.
  const relieve = () => {
    forget()
    if (idsQueued <= mostInFlight) return
    let left = idsQueued
    for (const w of writes) {
      left -= w.ids.length
      if (left <= mostInFlight / 2) {
        waitFor(w.seq)
        break
      }
    }
    forget()
  }
  const track = (s: number, ids: readonly string[]) => {
    for (const id of ids) inFlight.set(id, s)
    const last = writes.at(-1)
    if (last?.seq === s) last.ids.push(...ids)
    else if (ids.length > 0) writes.push({ seq: s, ids: [...ids] })
    idsQueued += ids.length
  }
  // Any other message keeps its place in line behind the records gathered before it.
  const write = (ids: readonly string[], message: (seq: number) => WriterMessage) => {
    send()
    const s = next()
    track(s, ids)
    post(message(s))
    if (idsQueued > mostInFlight || writes.length > 4096) relieve()
  }
  const gather = (records: readonly StatusRecord[], texts?: readonly string[]) => {
    if (records.length === 0) return
    if (gathering === undefined) {
      gathering = { seq: next(), texts: [] }
      setTimeout(send, gatherMs)
    }
    const gathered = gathering.texts
    for (let i = 0; i < records.length; i++) {
      // A text read from the topic goes as it came, unless a line break in it would split it.
      const text = texts?.[i]
      gathered.push(text !== undefined && !text.includes("\n") ? text : encodeStatus(records[i] as StatusRecord))
    }
    const keys = records.map((r) => r.id)
    for (const r of records) if (r.batch_id !== undefined) keys.push(batchKey(r.batch_id))
    track(gathering.seq, keys)
    if (idsQueued > mostInFlight) (send(), relieve())
  }

  // The lanes' comparison (every 15 s a partition) wants the few rows that stood still for
  // 30 s. It reads what the writer has applied, and waits for the writer only when a row it
  // found has a write queued: waiting for everything held the event loop for as long as a
  // burst's backlog took to apply (4% of the gateway's time in a slow drain). A row that
  // only a queued write would add is found by the next comparison.
  const stoodStill = (partition: number, before?: number) => {
    forget()
    const found = reader.awaitingRecordedIn(partition, before)
    if (!found.some((r) => inFlight.has(r.id))) return found
    waitForAll()
    return reader.awaitingRecordedIn(partition, before)
  }

  post({ seq: next(), op: "open", path, historyMax: options.historyMax, progress: shared })

  return {
    apply: (record) => gather([record]),
    applyMany: (records, texts) => gather(records, texts),
    remove: (ids) => write(ids, (s) => ({ seq: s, op: "remove", ids })),
    saveReadPosition: (topic, partition, nextOffset) => write([], (s) => ({ seq: s, op: "position", topic, partition, next: nextOffset.toString() })),
    get: (id) => (waitForId(id), reader.get(id)),
    history: (id) => (waitForId(id), reader.history(id)),
    batch: (batchId, page) => (waitForId(batchKey(batchId)), reader.batch(batchId, page)),
    list: (query) => (waitForAll(), reader.list(query)),
    countByStatus: () => (waitForAll(), reader.countByStatus()),
    countsSoFar: () => reader.countsSoFar(),
    size: () => (waitForAll(), reader.size()),
    highestNonce: (sender) => (waitForAll(), reader.highestNonce(sender)),
    awaitingConfirmation: (partitions) => (waitForAll(), reader.awaitingConfirmation(partitions)),
    awaitingOfSender: (sender) => (waitForAll(), reader.awaitingOfSender(sender)),
    awaitingRecordedIn: (partition, before) => stoodStill(partition, before),
    idsOfKind: (kind) => (waitForAll(), reader.idsOfKind(kind)),
    readPositions: (topic) => (waitForAll(), reader.readPositions(topic)),
    expired: (before, limit) => (waitForAll(), reader.expired(before, limit)),
    // Rare (start-up, a store from another source): done on the reading connection once the writer is idle.
    claimSource: (source) => (waitForAll(), reader.claimSource(source)),
    clear: () => (waitForAll(), reader.clear()),
    flush: waitForAll,
    close: () => {
      send()
      post({ seq: next(), op: "close" })
      try {
        waitForAll()
      } catch {
        // A writer that failed has said so to the readers; closing still frees the file.
      } finally {
        worker.terminate()
        reader.close()
      }
    },
  }
}
