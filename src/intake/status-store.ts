/**
 * The status view each intake host keeps, fed from the compacted `sendto.results`
 * topic: the latest `StatusRecord` per request id, in SQLite (in memory by default, or
 * a file that survives a restart). A record with a higher revision (`rev`, counted by the
 * partition's executor) always replaces the stored one, which is how a reorg moves a
 * `confirmed` request back to `submitted`. Between records of one revision, a record
 * replaces the stored one only if it is newer (later `at`; on a tie, further along),
 * never moves a final status back to a non-final one, and never moves a request back to
 * `accepted`, so replaying the topic out of order, or a republished duplicate, still
 * converges.
 */
import { Database } from "bun:sqlite"
import { isFinal, type RequestStatus, type StatusRecord } from "../domain/status.ts"

/** Every status, in the order a request moves through them; the index breaks ties on `at`. */
export const statusOrder: readonly RequestStatus[] = ["accepted", "intent", "signed", "submitted", "confirmed", "failed", "dlq"]

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

/** The status view's API. */
export interface StatusStore {
  /** Upserts one record under the newer-wins, final-stays-final, no-return-to-accepted rule. */
  readonly apply: (record: StatusRecord) => void
  /** Applies many records in one transaction: the fast path for consuming `sendto.results`. */
  readonly applyMany: (records: readonly StatusRecord[]) => void
  /** The latest record for `id`, or `undefined` if the view has none. */
  readonly get: (id: string) => StatusRecord | undefined
  /** Counts and one page of ids for `batchId`, or `undefined` if the view has none of its requests. */
  readonly batch: (batchId: string, page?: BatchPage) => BatchStatus | undefined
  /** Counts over every request in the view. */
  readonly countByStatus: () => StatusCounts
  /** Closes the database. */
  readonly close: () => void
}

/** The page `batch()` answers when none is asked for. */
export const defaultBatchPage: BatchPage = { offset: 0, limit: 1000 }

const rankOf = (status: RequestStatus): number => (isFinal(status) ? statusOrder.indexOf("confirmed") : statusOrder.indexOf(status))

const schema = `
CREATE TABLE IF NOT EXISTS request_status (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  final INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  rev INTEGER NOT NULL,
  at INTEGER NOT NULL,
  batch_id TEXT,
  body_hash TEXT,
  record TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS request_status_batch ON request_status (batch_id, status, id) WHERE batch_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS request_status_status ON request_status (status);
`

// A stored record is replaced when the new one is newer and does not undo a final status.
// `accepted` never replaces a later stage either: it is only ever written at intake, so a
// late one is a republished duplicate (an idempotent retry), not a step back.
// batch_id and body_hash are kept from whichever record had them, so a later record that
// omits them does not drop a request from its batch or from the idempotency check.
const upsert = `
INSERT INTO request_status (id, status, final, rank, rev, at, batch_id, body_hash, record)
VALUES ($id, $status, $final, $rank, $rev, $at, $batch_id, $body_hash, $record)
ON CONFLICT (id) DO UPDATE SET
  status    = CASE WHEN w THEN excluded.status ELSE request_status.status END,
  final     = CASE WHEN w THEN excluded.final  ELSE request_status.final  END,
  rank      = CASE WHEN w THEN excluded.rank   ELSE request_status.rank   END,
  rev       = CASE WHEN w THEN excluded.rev    ELSE request_status.rev    END,
  at        = CASE WHEN w THEN excluded.at     ELSE request_status.at     END,
  record    = CASE WHEN w THEN excluded.record ELSE request_status.record END,
  batch_id  = COALESCE(request_status.batch_id, excluded.batch_id),
  body_hash = COALESCE(request_status.body_hash, excluded.body_hash)
`.replaceAll(
  "WHEN w",
  "WHEN excluded.rev > request_status.rev OR (excluded.rev = request_status.rev AND (request_status.final = 0 OR excluded.final = 1) AND (excluded.rank > 0 OR request_status.rank = 0) AND (excluded.at > request_status.at OR (excluded.at = request_status.at AND excluded.rank > request_status.rank)))",
)

const emptyCounts = (): StatusCounts => ({ accepted: 0, intent: 0, signed: 0, submitted: 0, confirmed: 0, failed: 0, dlq: 0 })

interface StoredRow {
  readonly record: string
  readonly batch_id: string | null
  readonly body_hash: string | null
}

interface CountRow {
  readonly status: RequestStatus
  readonly n: number
}

/** Opens (or creates) the status view; `path` defaults to an in-memory database. */
export const openStatusStore = (path = ":memory:"): StatusStore => {
  const db = new Database(path, { strict: true, create: true })
  db.run("PRAGMA journal_mode = WAL")
  db.run("PRAGMA synchronous = NORMAL")
  db.run(schema)
  const put = db.prepare(upsert)
  const one = db.prepare<StoredRow, [string]>("SELECT record, batch_id, body_hash FROM request_status WHERE id = ?")
  const batchCounts = db.prepare<CountRow, [string]>("SELECT status, count(*) AS n FROM request_status WHERE batch_id = ? GROUP BY status")
  const batchIds = db.prepare<{ id: string }, [string, number, number]>("SELECT id FROM request_status WHERE batch_id = ? ORDER BY id LIMIT ? OFFSET ?")
  const batchIdsIn = db.prepare<{ id: string }, [string, string, number, number]>(
    "SELECT id FROM request_status WHERE batch_id = ? AND status = ? ORDER BY id LIMIT ? OFFSET ?",
  )
  const allCounts = db.prepare<CountRow, []>("SELECT status, count(*) AS n FROM request_status GROUP BY status")

  const apply = (r: StatusRecord): void => {
    put.run({
      id: r.id,
      status: r.status,
      final: isFinal(r.status) ? 1 : 0,
      rank: rankOf(r.status),
      rev: r.rev ?? 0,
      at: r.at,
      batch_id: r.batch_id ?? null,
      body_hash: r.body_hash ?? null,
      record: JSON.stringify(r),
    })
  }
  const applyAll = db.transaction((records: readonly StatusRecord[]) => {
    for (const r of records) apply(r)
  })
  const counted = (rows: readonly CountRow[]): StatusCounts => {
    const counts = emptyCounts()
    for (const row of rows) counts[row.status] = row.n
    return counts
  }

  return {
    apply,
    applyMany: (records) => void applyAll(records),
    get: (id) => {
      const row = one.get(id)
      if (row === null) return undefined
      // Our own JSON, written by `apply` from a StatusRecord.
      const record = JSON.parse(row.record) as StatusRecord
      return {
        ...record,
        ...(row.batch_id !== null && record.batch_id === undefined ? { batch_id: row.batch_id } : {}),
        ...(row.body_hash !== null && record.body_hash === undefined ? { body_hash: row.body_hash } : {}),
      }
    },
    batch: (batchId, page = defaultBatchPage) => {
      const counts = counted(batchCounts.all(batchId))
      const total = Object.values(counts).reduce((a, b) => a + b, 0)
      if (total === 0) return undefined
      const rows = page.status === undefined ? batchIds.all(batchId, page.limit, page.offset) : batchIdsIn.all(batchId, page.status, page.limit, page.offset)
      return { batch_id: batchId, total, counts, ids: rows.map((r) => r.id) }
    },
    countByStatus: () => counted(allCounts.all()),
    close: () => db.close(),
  }
}
