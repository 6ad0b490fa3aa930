/**
 * The status store each host keeps, fed from the compacted `sendto.results` topic: the
 * latest `StatusRecord` per request id, the request's recent transitions, the highest
 * nonce recorded per Ethereum sender, and how far each partition of the topic has been
 * read. It lives in SQLite: a file under the host's data folder (`[status].data_dir`), so
 * a restart resumes from the stored read positions instead of replaying the topic, or in
 * memory for unit tests. SQLite's page cache is bounded, so the process stays the same
 * size however many requests the file holds.
 *
 * A record with a higher revision (`rev`, counted by the partition's executor) always
 * replaces the stored one, which is how a reorg moves a `confirmed` request back to
 * `submitted`. Between records of one revision, a record replaces the stored one only if
 * it is newer (later `at`; on a tie, further along), never moves a final status back to a
 * non-final one, and never moves a request back to `accepted`, so replaying the topic out
 * of order, or a republished duplicate, still converges (see `schema.ts`).
 */
import { Database } from "bun:sqlite"
import { isFinal, type RecordKind, type RequestStatus, type StatusRecord } from "../domain/status.ts"
import { encodeStatus, statusFromText } from "../domain/wire.ts"
import type { ListPage, ListQuery } from "./list-query.ts"
import { decodeCursor, encodeCursor } from "./list-query.ts"
import { addTransition, awaitingRecordedSql, otherKindIds, raiseNonce, repairPartitions, schema, schemaVersion, tables, trimHistory, upsert } from "./schema.ts"

/** Every status, in the order a request moves through them; the index breaks ties on `at`. */
export const statusOrder: readonly RequestStatus[] = ["accepted", "intent", "signed", "submitted", "confirmed", "failed", "dlq", "cancelled"]

/** How many requests are in each status. */
export type StatusCounts = Record<RequestStatus, number>

/** Which slice of a batch's ids to list. */
export interface BatchPage {
  readonly offset: number
  readonly limit: number
  /** Only ids in this status (e.g. `failed`, to retry them). */
  readonly status?: RequestStatus
}

/** A batch as the status view knows it. */
export interface BatchStatus {
  readonly batch_id: string
  /** Requests of the batch the view has a status for. */
  readonly total: number
  readonly counts: StatusCounts
  /** Ids of this page, ordered by id (stable across pages). */
  readonly ids: readonly string[]
}

/** One step in a request's life, as its history keeps it. */
export interface Transition {
  readonly status: RequestStatus
  readonly at: number
  readonly rev: number
  readonly reason?: string
  readonly txid?: string
}

/** The status view's API. */
export interface StatusStore {
  /** Upserts one record under the newer-wins, final-stays-final, no-return-to-accepted rule. */
  readonly apply: (record: StatusRecord) => void
  /**
   * Applies many records in one transaction: the fast path for consuming `sendto.results`.
   * `texts`, when given, holds each record's JSON as read (`texts[i]` is `records[i]`), and
   * is stored as it is instead of being written again.
   */
  readonly applyMany: (records: readonly StatusRecord[], texts?: readonly string[]) => void
  /** The latest record for `id`, or `undefined` if the view has none. */
  readonly get: (id: string) => StatusRecord | undefined
  /** The request's transitions, oldest first (the newest `historyMax` are kept). */
  readonly history: (id: string) => readonly Transition[]
  /** Counts and one page of ids for `batchId`, or `undefined` if the view has none of its requests. */
  readonly batch: (batchId: string, page?: BatchPage) => BatchStatus | undefined
  /** One page of client requests (not the executor's own records), oldest first, filtered. */
  readonly list: (query: ListQuery) => ListPage
  /** Counts over every request in the view. */
  readonly countByStatus: () => StatusCounts
  /**
   * Counts of what the store holds now, without waiting for writes still in flight (the
   * write-behind store's writer thread): a sample for a chart, which may trail the
   * newest writes by a moment but never stalls the event loop behind a burst.
   */
  readonly countsSoFar: () => StatusCounts
  /** The highest nonce recorded for an Ethereum sender. */
  readonly highestNonce: (sender: string) => number | undefined
  /** Records signed or submitted and not final, in the given `sendto` partitions (what a new owner tracks). */
  readonly awaitingConfirmation: (partitions: ReadonlySet<number>) => StatusRecord[]
  /** One sender's requests signed or submitted and not final, of any partition. */
  readonly awaitingOfSender: (sender: string) => StatusRecord[]
  /**
   * Requests signed or submitted and not final whose record names `partition`: the same
   * question as `awaitingConfirmation`, asked of the records themselves rather than the
   * partition column, as a second opinion (the column once stayed -1 on a host with both
   * roles, and hid those requests from every takeover). With `before` (ms), only those whose
   * newest record is older: a lane comparing its book with the store skips the young ones
   * anyway, and in a burst they are thousands of records to read and parse for nothing.
   * The write-behind store answers from what its writer has applied: a row it returns is
   * never staler than a write still queued, but a row that only a queued write would add
   * may be missing until the next call.
   */
  readonly awaitingRecordedIn: (partition: number, before?: number) => StatusRecord[]
  /**
   * Ids of every record of `kind` other than requests (e.g. the `cancel` records, few,
   * which the view keeps in memory), through an index of those kinds alone: a scan for
   * them took 184–814 ms of a producer's start with 1,000,000 requests in the store.
   */
  readonly idsOfKind: (kind: Exclude<RecordKind, "request">) => string[]
  /** Where each partition of `topic` has been read to (the offset of the next record). */
  readonly readPositions: (topic: string) => Map<number, bigint>
  /** Records that `partition` of `topic` has been read up to `next`; call after its records were applied. */
  readonly saveReadPosition: (topic: string, partition: number, next: bigint) => void
  /**
   * The store's source (e.g. the Kafka cluster id and the topic). When it differs from what
   * the store was filled from, the store is emptied first and `true` returned: its records
   * and read positions belong to another cluster or topic.
   */
  readonly claimSource: (source: string) => boolean
  /** Empties the store: records, history, nonces, read positions and source. */
  readonly clear: () => void
  /** How many records the store holds (requests and the executor's own). */
  readonly size: () => number
  /** Deletes these ids (tombstones read from the topic, or expired records). */
  readonly remove: (ids: readonly string[]) => void
  /** Ids of up to `limit` final records whose last change is older than `before` (epoch ms). */
  readonly expired: (before: number, limit: number) => string[]
  /** Returns once every write made so far is in the file (the plain store writes at once). */
  readonly flush: () => void
  /** Closes the database. */
  readonly close: () => void
}

/** The page `batch()` answers when none is asked for. */
export const defaultBatchPage: BatchPage = { offset: 0, limit: 1000 }

/** Transitions kept per request when the caller does not say. */
export const defaultHistoryMax = 32

/** SQLite's page cache, in KiB: what the store may keep in memory, whatever the file's size. */
const pageCacheKib = 8 * 1024

const rankOf = (status: RequestStatus): number => (isFinal(status) ? statusOrder.indexOf("confirmed") : statusOrder.indexOf(status))

const emptyCounts = (): StatusCounts => ({ accepted: 0, intent: 0, signed: 0, submitted: 0, confirmed: 0, failed: 0, dlq: 0, cancelled: 0 })

interface StoredRow {
  readonly record: string
  readonly batch_id: string | null
  readonly body_hash: string | null
}

interface CountRow {
  readonly status: RequestStatus
  readonly n: number
}

interface TransitionRow {
  readonly status: RequestStatus
  readonly at: number
  readonly rev: number
  readonly reason: string | null
  readonly txid: string | null
}

interface ListRow {
  readonly id: string
  readonly first_at: number
  readonly record: string
}

/** Options of `openStatusStore`. */
export interface StoreOptions {
  /** Transitions kept per request (default `defaultHistoryMax`). */
  readonly historyMax?: number
}

/** Opens (or creates) the status store; `path` defaults to an in-memory database. */
export const openStatusStore = (path = ":memory:", options: StoreOptions = {}): StatusStore => {
  const historyMax = options.historyMax ?? defaultHistoryMax
  const db = new Database(path, { strict: true, create: true })
  // Another connection writing (an offline tool, the bench's fill) makes a write wait, not fail.
  db.run("PRAGMA busy_timeout = 5000")
  db.run("PRAGMA journal_mode = WAL")
  db.run("PRAGMA synchronous = NORMAL")
  db.run(`PRAGMA cache_size = -${pageCacheKib}`)
  db.run("PRAGMA mmap_size = 0")
  // The status_counts triggers make SQLite keep a statement journal for every upsert. In a
  // temporary file (the default) each costs file writes: 33 us a record in batches of 500,
  // against 14 us with the journal in memory (it holds one statement's changes).
  db.run("PRAGMA temp_store = MEMORY")
  // Checkpoints (the WAL copied into the file, with an fsync) every ~40 MB of WAL instead of 4 MB.
  db.run("PRAGMA wal_autocheckpoint = 10000")
  const version = db.query<{ user_version: number }, []>("PRAGMA user_version").get()?.user_version ?? 0
  if (version !== Number(schemaVersion)) {
    // Another layout (or a fresh file): start empty; the topic is the state.
    for (const t of tables) db.run(`DROP TABLE IF EXISTS ${t}`)
    db.run(`PRAGMA user_version = ${Number(schemaVersion)}`)
  }
  db.run(schema)
  db.run(repairPartitions)
  const put = db.prepare(upsert)
  const transition = db.prepare(addTransition)
  const trim = db.prepare(trimHistory)
  const historyCount = db.prepare<{ n: number }, [string]>("SELECT count(*) AS n FROM request_history WHERE id = ?")
  const nonce = db.prepare(raiseNonce)
  const one = db.prepare<StoredRow, [string]>("SELECT record, batch_id, body_hash FROM request_status WHERE id = ?")
  const steps = db.prepare<TransitionRow, [string]>("SELECT status, at, rev, reason, txid FROM request_history WHERE id = ? ORDER BY at, rev")
  const batchCounts = db.prepare<CountRow, [string]>("SELECT status, count(*) AS n FROM request_status WHERE batch_id = ? GROUP BY status")
  const batchIds = db.prepare<{ id: string }, [string, number, number]>("SELECT id FROM request_status WHERE batch_id = ? ORDER BY id LIMIT ? OFFSET ?")
  const batchIdsIn = db.prepare<{ id: string }, [string, string, number, number]>(
    "SELECT id FROM request_status WHERE batch_id = ? AND status = ? ORDER BY id LIMIT ? OFFSET ?",
  )
  const allCounts = db.prepare<CountRow, []>("SELECT status, n FROM status_counts WHERE n > 0")
  const senderNonce = db.prepare<{ nonce: number }, [string]>("SELECT nonce FROM sender_nonce WHERE sender = ?")
  const awaiting = db.prepare<{ record: string }, [number]>(
    "SELECT record FROM request_status WHERE status IN ('signed', 'submitted') AND partition = ?",
  )
  const awaitingRecorded = db.prepare<{ record: string }, [number, number]>(awaitingRecordedSql)
  const awaitingSender = db.prepare<{ record: string }, [string]>(
    "SELECT record FROM request_status WHERE sender = ? AND status IN ('signed', 'submitted')",
  )
  const positions = db.prepare<{ partition: number; next: string }, [string]>("SELECT partition, next FROM read_offsets WHERE topic = ?")
  const savePosition = db.prepare("INSERT INTO read_offsets (topic, partition, next) VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET next = excluded.next")
  const metaGet = db.prepare<{ value: string }, [string]>("SELECT value FROM meta WHERE key = ?")
  const metaSet = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
  const removeOne = db.prepare("DELETE FROM request_status WHERE id = ?")
  const removeSteps = db.prepare("DELETE FROM request_history WHERE id = ?")
  const rowCount = db.prepare<{ n: number }, []>("SELECT count(*) AS n FROM request_status")
  const kindIds = db.prepare<{ id: string }, [string]>(otherKindIds)
  const expiredIds = db.prepare<{ id: string }, [number, number]>("SELECT id FROM request_status WHERE final = 1 AND at < ? LIMIT ?")

  const apply = (r: StatusRecord, text?: string): void => {
    const rev = r.rev ?? 0
    put.run({
      id: r.id,
      status: r.status,
      final: isFinal(r.status) ? 1 : 0,
      rank: rankOf(r.status),
      rev,
      at: r.at,
      kind: r.kind ?? "request",
      chain: r.chain,
      sender: r.sender,
      partition: r.partition,
      batch_id: r.batch_id ?? null,
      body_hash: r.body_hash ?? null,
      owner: r.owner ?? null,
      record: text ?? encodeStatus(r),
    })
    const added = transition.run({ id: r.id, at: r.at, rev, status: r.status, reason: r.reason ?? null, txid: r.txid ?? null })
    if (added.changes > 0 && (historyCount.get(r.id)?.n ?? 0) > historyMax) trim.run({ id: r.id, keep: historyMax })
    if (r.nonce !== undefined) nonce.run(r.sender, r.nonce)
  }
  const applyAll = db.transaction((records: readonly StatusRecord[], texts: readonly string[] | undefined) => {
    for (let i = 0; i < records.length; i++) apply(records[i] as StatusRecord, texts?.[i])
  })
  const removeAll = db.transaction((ids: readonly string[]) => {
    for (const id of ids) {
      removeOne.run(id)
      removeSteps.run(id)
    }
  })
  const empty = db.transaction(() => {
    for (const t of tables) db.run(`DELETE FROM ${t}`)
  })
  const counted = (rows: readonly CountRow[]): StatusCounts => {
    const counts = emptyCounts()
    for (const row of rows) counts[row.status] = row.n
    return counts
  }
  // Our own JSON, written by `apply` from a StatusRecord (`encodeStatus`), read back whole.
  const parsed = statusFromText

  const list = (q: ListQuery): ListPage => {
    const where = ["kind = 'request'"]
    const args: (string | number)[] = []
    if (q.status !== undefined) (where.push("status = ?"), args.push(q.status))
    if (q.sender !== undefined) (where.push("sender = ?"), args.push(q.sender))
    if (q.chain !== undefined) (where.push("chain = ?"), args.push(q.chain))
    if (q.since !== undefined) (where.push("first_at >= ?"), args.push(q.since))
    // A key sees its own requests, and those written before records named their owner.
    if (q.owner !== undefined) (where.push("(owner = ? OR owner IS NULL)"), args.push(q.owner))
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor)
    if (after !== undefined) (where.push("(first_at, id) > (?, ?)"), args.push(after.at, after.id))
    const sql = `SELECT id, first_at, record FROM request_status WHERE ${where.join(" AND ")} ORDER BY first_at, id LIMIT ?`
    const rows = db.query<ListRow, (string | number)[]>(sql).all(...args, q.limit + 1)
    const page = rows.slice(0, q.limit)
    const last = page.at(-1)
    return {
      requests: page.map((row) => parsed(row.record)),
      next: rows.length > q.limit && last !== undefined ? encodeCursor({ at: last.first_at, id: last.id }) : null,
    }
  }

  return {
    apply: (record) => apply(record),
    applyMany: (records, texts) => void applyAll(records, texts),
    get: (id) => {
      const row = one.get(id)
      if (row === null) return undefined
      const record = parsed(row.record)
      return {
        ...record,
        ...(row.batch_id !== null && record.batch_id === undefined ? { batch_id: row.batch_id } : {}),
        ...(row.body_hash !== null && record.body_hash === undefined ? { body_hash: row.body_hash } : {}),
      }
    },
    history: (id) =>
      steps.all(id).map((s) => ({
        status: s.status,
        at: s.at,
        rev: s.rev,
        ...(s.reason === null ? {} : { reason: s.reason }),
        ...(s.txid === null ? {} : { txid: s.txid }),
      })),
    batch: (batchId, page = defaultBatchPage) => {
      const counts = counted(batchCounts.all(batchId))
      const total = Object.values(counts).reduce((a, b) => a + b, 0)
      if (total === 0) return undefined
      const rows = page.status === undefined ? batchIds.all(batchId, page.limit, page.offset) : batchIdsIn.all(batchId, page.status, page.limit, page.offset)
      return { batch_id: batchId, total, counts, ids: rows.map((r) => r.id) }
    },
    list,
    countByStatus: () => counted(allCounts.all()),
    countsSoFar: () => counted(allCounts.all()),
    highestNonce: (sender) => senderNonce.get(sender)?.nonce,
    idsOfKind: (kind) => kindIds.all(kind).map((row) => row.id),
    awaitingConfirmation: (partitions) => [...partitions].flatMap((p) => awaiting.all(p).map((row) => parsed(row.record))),
    awaitingOfSender: (sender) => awaitingSender.all(sender).map((row) => parsed(row.record)),
    awaitingRecordedIn: (partition, before = Number.MAX_SAFE_INTEGER) => awaitingRecorded.all(before, partition).map((row) => parsed(row.record)),
    readPositions: (topic) => new Map(positions.all(topic).map((row) => [row.partition, BigInt(row.next)])),
    saveReadPosition: (topic, partition, next) => void savePosition.run(topic, partition, next.toString()),
    claimSource: (source) => {
      const current = metaGet.get("source")?.value
      if (current === source) return false
      const emptied = current !== undefined
      if (emptied) empty()
      metaSet.run("source", source)
      return emptied
    },
    clear: () => void empty(),
    size: () => rowCount.get()?.n ?? 0,
    remove: (ids) => void removeAll(ids),
    expired: (before, limit) => expiredIds.all(before, limit).map((row) => row.id),
    flush: () => undefined,
    close: () => db.close(),
  }
}
