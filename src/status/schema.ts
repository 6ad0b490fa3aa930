/**
 * The status store's tables, and the one upsert rule that lets records arrive in any order
 * and still converge. Bump `schemaVersion` when a table changes: a store file written by
 * another version is emptied and read again from the topic, never half-migrated.
 */

/** The layout this code writes; `meta.schema` of an older file differs. */
export const schemaVersion = "4"

export const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS request_status (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  final INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  rev INTEGER NOT NULL,
  at INTEGER NOT NULL,
  first_at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  chain TEXT NOT NULL,
  sender TEXT NOT NULL,
  partition INTEGER NOT NULL,
  batch_id TEXT,
  body_hash TEXT,
  owner TEXT,
  record TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS request_status_batch ON request_status (batch_id, status, id) WHERE batch_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS request_status_status ON request_status (status, first_at, id);
CREATE INDEX IF NOT EXISTS request_status_other_kinds ON request_status (kind, id) WHERE kind <> 'request';
CREATE INDEX IF NOT EXISTS request_status_first ON request_status (first_at, id);
CREATE INDEX IF NOT EXISTS request_status_sender ON request_status (sender, first_at, id);
CREATE INDEX IF NOT EXISTS request_status_final_at ON request_status (final, at);
CREATE INDEX IF NOT EXISTS request_status_owner ON request_status (owner, first_at, id) WHERE owner IS NOT NULL;
-- The unfinished requests by the time of their newest record, for the lanes' comparison
-- (awaitingRecordedIn), which wants the few that stood still; only unfinished rows are in it.
CREATE INDEX IF NOT EXISTS request_status_awaiting_at ON request_status (at) WHERE status IN ('signed', 'submitted');
CREATE TABLE IF NOT EXISTS request_history (
  id TEXT NOT NULL,
  at INTEGER NOT NULL,
  rev INTEGER NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  txid TEXT,
  PRIMARY KEY (id, at, rev, status)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sender_nonce (sender TEXT PRIMARY KEY, nonce INTEGER NOT NULL) WITHOUT ROWID;
-- Requests per status, kept by the triggers below as rows change, so the operations
-- page's counts read a handful of rows instead of scanning every request.
CREATE TABLE IF NOT EXISTS status_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS status_counts_insert AFTER INSERT ON request_status WHEN NEW.kind = 'request' BEGIN
  INSERT INTO status_counts (status, n) VALUES (NEW.status, 1) ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS status_counts_update AFTER UPDATE OF status, kind ON request_status
  WHEN (OLD.kind = 'request' OR NEW.kind = 'request') AND (OLD.status IS NOT NEW.status OR OLD.kind IS NOT NEW.kind) BEGIN
  UPDATE status_counts SET n = n - 1 WHERE OLD.kind = 'request' AND status = OLD.status;
  INSERT INTO status_counts (status, n) SELECT NEW.status, 1 WHERE NEW.kind = 'request' ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS status_counts_delete AFTER DELETE ON request_status WHEN OLD.kind = 'request' BEGIN
  UPDATE status_counts SET n = n - 1 WHERE status = OLD.status;
END;
CREATE TABLE IF NOT EXISTS read_offsets (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  next TEXT NOT NULL,
  PRIMARY KEY (topic, partition)
) WITHOUT ROWID;
`

/**
 * The ids of one kind other than requests. The second term repeats the condition of the
 * partial index request_status_other_kinds, which is what lets SQLite use it.
 */
export const otherKindIds = "SELECT id FROM request_status WHERE kind = ? AND kind <> 'request'"

/**
 * The unfinished requests whose newest record is older than `?1` and names partition `?2`
 * (judged by the record, not the partition column). INDEXED BY: left to itself SQLite
 * takes the status index and reads every unfinished row's record, 22 ms a call with
 * 13,000 in flight against 0.13 ms through the index of their times; a lane asks every
 * 15 s for each partition, and in a slow drain that was 8% of the gateway's CPU.
 */
export const awaitingRecordedSql =
  "SELECT record FROM request_status INDEXED BY request_status_awaiting_at WHERE status IN ('signed', 'submitted') AND at < ? AND json_extract(record, '$.partition') = ?"

/** Every table, for emptying a store that belongs to another cluster, topic or layout. */
export const tables = ["meta", "request_status", "request_history", "sender_nonce", "status_counts", "read_offsets"] as const

// A stored record is replaced when the new one is newer and does not undo a final status.
// `accepted` never replaces a later stage either: it is only ever written at intake, so a
// late one is a republished duplicate (an idempotent retry), not a step back. A higher
// revision (counted by the partition's executor) always wins, which is how a reorg moves
// `confirmed` back to `submitted`. batch_id and body_hash are kept from whichever record
// had them, so a later record that omits them does not drop a request from its batch or
// from the idempotency check; first_at keeps the earliest time seen. partition comes from
// any record that knows it: the intake's `accepted` (applied to its own host's view only)
// does not, and a request's row on a host with both roles kept -1 for good before, which
// hid every signed request from `awaitingConfirmation`, so a new owner of the partition
// never tracked them (they stayed `signed`, and their nonces were filled).
const newer =
  "excluded.rev > request_status.rev OR (excluded.rev = request_status.rev AND (request_status.final = 0 OR excluded.final = 1) AND (excluded.rank > 0 OR request_status.rank = 0) AND (excluded.at > request_status.at OR (excluded.at = request_status.at AND excluded.rank > request_status.rank)))"

export const upsert = `
INSERT INTO request_status (id, status, final, rank, rev, at, first_at, kind, chain, sender, partition, batch_id, body_hash, owner, record)
VALUES ($id, $status, $final, $rank, $rev, $at, $at, $kind, $chain, $sender, $partition, $batch_id, $body_hash, $owner, $record)
ON CONFLICT (id) DO UPDATE SET
  status    = CASE WHEN w THEN excluded.status ELSE request_status.status END,
  final     = CASE WHEN w THEN excluded.final  ELSE request_status.final  END,
  rank      = CASE WHEN w THEN excluded.rank   ELSE request_status.rank   END,
  rev       = CASE WHEN w THEN excluded.rev    ELSE request_status.rev    END,
  at        = CASE WHEN w THEN excluded.at     ELSE request_status.at     END,
  record    = CASE WHEN w THEN excluded.record ELSE request_status.record END,
  partition = CASE WHEN excluded.partition >= 0 THEN excluded.partition ELSE request_status.partition END,
  first_at  = min(request_status.first_at, excluded.first_at),
  batch_id  = COALESCE(request_status.batch_id, excluded.batch_id),
  body_hash = COALESCE(request_status.body_hash, excluded.body_hash),
  owner     = COALESCE(request_status.owner, excluded.owner)
`.replaceAll("WHEN w", `WHEN ${newer}`)

/**
 * Mends the rows an older upsert left at partition -1 although their record names the
 * partition (see the upsert's note). Only unfinished rows matter (what a new owner
 * tracks), and the status index finds them, so it runs on every open.
 */
export const repairPartitions = `
UPDATE request_status SET partition = json_extract(record, '$.partition')
WHERE status IN ('signed', 'submitted') AND partition < 0 AND json_extract(record, '$.partition') >= 0`

export const addTransition = "INSERT OR IGNORE INTO request_history (id, at, rev, status, reason, txid) VALUES ($id, $at, $rev, $status, $reason, $txid)"

// Keeps the newest `$keep` transitions of one request; run after a transition was added.
export const trimHistory = `
DELETE FROM request_history WHERE id = $id AND (at, rev, status) NOT IN (
  SELECT at, rev, status FROM request_history WHERE id = $id ORDER BY at DESC, rev DESC LIMIT $keep
)`

export const raiseNonce = "INSERT INTO sender_nonce (sender, nonce) VALUES (?, ?) ON CONFLICT (sender) DO UPDATE SET nonce = max(nonce, excluded.nonce)"
