// Patches kafkajs 2.2.4 after `npm install` (package.json's postinstall runs this).
//
// 1. kafkajs's RequestQueue re-arms its "check pending requests" timer after every check,
//    even with nothing pending: the delay is then `throttledUntil - Date.now()` with
//    throttledUntil = -1, a large negative number that runtimes clamp to 1 ms. Every broker
//    connection therefore wakes up about a thousand times a second, forever, and Bun prints
//    a TimeoutNegativeWarning at start (tulios/kafkajs#1704 and #1751, unfixed upstream).
//    Measured here: an idle `gateway --role producer` used 510-620 ms of CPU per 10 s
//    before, 250-260 ms after. With nothing pending there is nothing to check: a new
//    request and every finished one call checkPendingRequests themselves.
//
// 2. The producer's transaction manager (eosManager) builds its retrier from
//    `cluster.retry`, which the Cluster never sets (tulios/kafkajs#851 describes it), so
//    InitProducerId and TxnOffsetCommit ignore the client's retry settings and use
//    kafkajs's defaults, which also differ under NODE_ENV=test. Seen here: a refused
//    TxnOffsetCommit retried for 7.3 s (default backoff from 300 ms) whatever the client
//    said, long enough for the coordinator to expire the transaction. The Cluster now
//    keeps the retry settings it was given.
//
// 3. The producer groups a send's messages by partition with `[...current, message]` for
//    every message, which copies the partition's list each time: quadratic in the messages
//    a partition gets in one send. The intake sends up to 2,000 at once, often to one
//    partition (one sender's key). Measured here: in the batch phase of `gateway bench
//    intake`, that line was the gateway's hottest JavaScript (1.0 s of 15.8 s profiled). The
//    groups are now appended to in place, same order, same result.
//
// 4. The protocol Encoder zero-fills every buffer it allocates (`Buffer.alloc`), both its
//    first one and each doubling as a request grows, and then overwrites every byte it hands
//    out (all writes are sequential, after ensureAvailable, and `buffer` is sliced to the
//    bytes written). Bun's zero-filled allocation is slow: 5.3 us for 4 KiB and 59 us for
//    64 KiB, against 0.44 and 1.4 us unfilled (a loop of allocations on this machine). In a
//    profile of the drain's gateway, the encoder's allocations were 5.9% of its samples
//    and the copies after them 2.2%. It now allocates without the fill.
//
// Each edit is idempotent, and fails loudly when the source no longer matches (a kafkajs
// upgrade), so a patch is never silently lost.
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

interface Patch {
  readonly file: string
  readonly marker: string
  readonly before: string
  readonly after: string
  /** What to re-check when the source no longer matches. */
  readonly recheck: string
  readonly done: string
}

const src = join(import.meta.dir, "..", "node_modules", "kafkajs", "src")
const idleMarker = "// gateway: no timer when nothing is pending (scripts/patch-kafkajs.ts)"
const retryMarker = "// gateway: keep the retry settings for eosManager (scripts/patch-kafkajs.ts)"
const groupMarker = "// gateway: group messages by partition in linear time (scripts/patch-kafkajs.ts)"
const encoderMarker = "// gateway: no zero fill, every byte handed out is written first (scripts/patch-kafkajs.ts)"
const growthMarker = "// gateway: grow without zero fill, every byte handed out is written first (scripts/patch-kafkajs.ts)"

const patches: readonly Patch[] = [
  {
    file: join(src, "network", "requestQueue", "index.js"),
    marker: idleMarker,
    before: `      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      }
      this.throttleCheckTimeoutId = setTimeout(() => {`,
    after: `      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      } else if (scheduleAt <= 0) {
        ${idleMarker}
        return
      }
      this.throttleCheckTimeoutId = setTimeout(() => {`,
    recheck: "the scheduleCheckPendingRequests code; re-check the idle-timer loop (tulios/kafkajs#1704)",
    done: "RequestQueue no longer re-arms its timer when nothing is pending (tulios/kafkajs#1704)",
  },
  {
    file: join(src, "cluster", "index.js"),
    marker: retryMarker,
    before: `    this.retrier = createRetry(retry)
    this.connectionPoolBuilder = connectionPoolBuilder({`,
    after: `    ${retryMarker}
    this.retry = retry
    this.retrier = createRetry(retry)
    this.connectionPoolBuilder = connectionPoolBuilder({`,
    recheck: "the Cluster constructor's retrier; re-check that eosManager still reads cluster.retry (tulios/kafkajs#851)",
    done: "the Cluster keeps its retry settings, so transactions use the client's retries (tulios/kafkajs#851)",
  },
  {
    file: join(src, "producer", "groupMessagesPerPartition.js"),
    marker: groupMarker,
    before: `  return messages.reduce((result, message) => {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition] || []
    return Object.assign(result, { [partition]: [...current, message] })
  }, {})`,
    after: `  ${groupMarker}
  const result = {}
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition]
    if (current === undefined) result[partition] = [message]
    else current.push(message)
  }
  return result`,
    recheck: "the reduce that groups messages by partition; re-check whether it still copies the list for every message",
    done: "the producer groups a send's messages by partition in linear time",
  },
  {
    file: join(src, "protocol", "encoder.js"),
    marker: encoderMarker,
    before: `  constructor(initialSize = 511) {
    this.buf = Buffer.alloc(Encoder.nextPowerOfTwo(initialSize))
    this.offset = 0
  }`,
    after: `  constructor(initialSize = 511) {
    ${encoderMarker}
    this.buf = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(initialSize))
    this.offset = 0
  }`,
    recheck: "the Encoder constructor's allocation; re-check that every write is still sequential before dropping the fill",
    done: "the protocol Encoder allocates its first buffer without zero-filling it",
  },
  {
    file: join(src, "protocol", "encoder.js"),
    marker: growthMarker,
    before: `      const newLength = Encoder.nextPowerOfTwo(this.offset + length)
      const newBuffer = Buffer.alloc(newLength)`,
    after: `      const newLength = Encoder.nextPowerOfTwo(this.offset + length)
      ${growthMarker}
      const newBuffer = Buffer.allocUnsafe(newLength)`,
    recheck: "the Encoder's ensureAvailable; re-check that it still copies only the bytes written",
    done: "the protocol Encoder grows its buffer without zero-filling it",
  },
]

let failed = false
for (const patch of patches) {
  const source = readFileSync(patch.file, "utf8")
  if (source.includes(patch.marker)) continue
  if (!source.includes(patch.before)) {
    console.error(`patch-kafkajs: ${patch.file} does not contain ${patch.recheck}; kafkajs was upgraded? Update scripts/patch-kafkajs.ts`)
    failed = true
    continue
  }
  writeFileSync(patch.file, source.replace(patch.before, patch.after))
  console.error(`patch-kafkajs: ${patch.done}`)
}
if (failed) process.exit(1)
