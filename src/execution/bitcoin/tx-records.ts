/**
 * The status records of the Bitcoin lane. A transaction gets a record of its own
 * (`kind: "transaction"`, id `btc-tx:<txid>`) holding its raw bytes, the coins it spends,
 * its change outputs and the requests it pays, so a new owner of the partition can send the same
 * bytes again and rebuild the coin book; each request's record names the transaction and
 * the output that pays it (`txid`, `vout`).
 */
import { nextRecord, statusRecordFor } from "../../domain/status-record.ts"
import type { RequestStatus, StatusRecord } from "../../domain/status.ts"
import type { LaneItem } from "../lane.ts"
import type { BitcoinContext, PendingTx } from "./bitcoin-context.ts"
import type { SignedTransaction } from "./build-transaction.ts"
import type { DecodedTransaction } from "./raw-transaction.ts"

/** The txids whose outputs `tx` spends, each once. */
export const parentsOf = (tx: DecodedTransaction): readonly string[] => [...new Set(tx.inputs.map((i) => i.txid))]

/** The record id of a transaction. */
export const transactionRecordId = (txid: string): string => `btc-tx:${txid}`

/** The first record of a transaction the lane built. */
export const transactionRecord = (ctx: BitcoinContext, account: string, signed: SignedTransaction, members: readonly { readonly id: string; readonly vout: number }[]): StatusRecord => ({
  id: transactionRecordId(signed.txid),
  kind: "transaction",
  status: "signed",
  chain: "bitcoin",
  sender: account,
  partition: ctx.partition,
  at: ctx.now(),
  rev: 1,
  txid: signed.txid,
  raw_tx: signed.hex,
  node: ctx.settings.node,
  inputs: signed.plan.inputs.map((i) => `${i.txid}:${i.vout}`),
  members: members.map((m) => `${m.id}@${m.vout}`),
  ...(signed.plan.change.length === 0 ? {} : { change: signed.plan.change.map((c) => `${c.vout}:${c.satoshis}`).join(",") }),
})

/**
 * The change vouts of a transaction record. `change` lists `vout:satoshis` pairs,
 * comma-separated (`"1:4899"`, or `"1:1000,2:1000"` when the change was split); records
 * written before the split hold one pair, the same form.
 */
export const changeVoutsOf = (record: StatusRecord): readonly number[] =>
  (record.change ?? "")
    .split(",")
    .filter((pair) => pair.trim() !== "")
    .map((pair) => Number(pair.split(":")[0]))
    .filter((vout) => Number.isInteger(vout) && vout >= 0)

/** A request's record once a recorded transaction pays it. */
export const memberRecord = (ctx: BitcoinContext, item: LaneItem, prior: StatusRecord | undefined, txid: string, vout: number): StatusRecord =>
  prior === undefined
    ? { ...statusRecordFor(item.request, ctx.partition, "signed", ctx.now(), { txid, vout, node: ctx.settings.node }), rev: 1 }
    : nextRecord(prior, "signed", ctx.now(), { txid, vout, node: ctx.settings.node, partition: ctx.partition })

/** The records of a transaction's new status: its own and each member's. */
export const statusRecords = (ctx: BitcoinContext, tx: PendingTx, status: RequestStatus, fields: Partial<StatusRecord> = {}): StatusRecord[] => {
  const out: StatusRecord[] = []
  for (const id of [transactionRecordId(tx.txid), ...tx.members.map((m) => m.id)]) {
    const prior = ctx.records.get(id)
    if (prior !== undefined) out.push(nextRecord(prior, status, ctx.now(), fields))
  }
  return out
}

/** The members of a recorded transaction, from its record (`id@vout` each). */
export const membersOf = (record: StatusRecord): { readonly id: string; readonly vout: number }[] =>
  (record.members ?? []).map((m) => {
    const at = m.lastIndexOf("@")
    return { id: m.slice(0, at), vout: Number(m.slice(at + 1)) }
  })
