/**
 * The status records of Ethereum slots: what a request's record says at each step, and
 * the records of fillers. A slot's record carries every signed version, so a new owner
 * of the partition can follow all of them, and whichever is mined is the outcome.
 */
import { nextRecord, statusRecordFor } from "../../domain/status-record.ts"
import type { QueuedRequest } from "../../domain/request.ts"
import type { RequestStatus, StatusRecord, TxVersion } from "../../domain/status.ts"
import { replaceableFields } from "../../adapters/ethereum-codec.ts"
import { currentVersion, type Slot, type SlotVersion } from "./sender-book.ts"

/** A version as a record field. */
export const recordedVersion = (v: SlotVersion): TxVersion => ({ txid: v.hash, raw_tx: v.raw, max_fee: v.fees.maxFee.toString(), tip: v.fees.tip.toString(), at: v.at, ...(v.cancel ? { cancel: true as const } : {}) })

/** A recorded version back as a slot version. */
export const slotVersion = (v: TxVersion): SlotVersion => ({ hash: v.txid, raw: v.raw_tx, fees: { maxFee: BigInt(v.max_fee), tip: BigInt(v.tip) }, at: v.at, ...(v.cancel ? { cancel: true as const } : {}) })

/** True once a version was signed to cancel the slot's request. */
export const cancelSigned = (slot: { readonly versions: readonly SlotVersion[] }): boolean => slot.versions.some((v) => v.cancel === true)

/** True when the mined version of the slot is its cancelling self-transfer. */
export const minedAsCancel = (slot: { readonly versions: readonly SlotVersion[]; readonly mined?: { readonly hash: string } | undefined }): boolean =>
  slot.mined !== undefined && slot.versions.some((v) => v.hash === slot.mined?.hash && v.cancel === true)

/** The transaction fields of a slot's record: the current (or mined) version, every version, the nonce and node. */
export const slotFields = (slot: Slot) => {
  const shown = slot.mined === undefined ? currentVersion(slot) : (slot.versions.find((v) => v.hash === slot.mined?.hash) ?? currentVersion(slot))
  return {
    txid: shown.hash,
    raw_tx: shown.raw,
    nonce: slot.nonce,
    node: slot.node,
    versions: slot.versions.map(recordedVersion),
    ...(slot.mined === undefined ? {} : { block: slot.mined.block, block_hash: slot.mined.blockHash }),
  }
}

/** The id of the filler record of a sender's nonce. */
export const fillerId = (sender: string, nonce: number): string => `filler:ethereum:${sender}:${nonce}`

/** The first record of a request's slot (status `signed`), following `prior` if the request had one. */
export const signedRecord = (request: QueuedRequest, prior: StatusRecord | undefined, slot: Slot, partition: number, at: number): StatusRecord =>
  prior === undefined
    ? { ...statusRecordFor(request, partition, "signed", at, slotFields(slot)), rev: 1 }
    : nextRecord(prior, "signed", at, { ...slotFields(slot), partition })

/** The record of a filler slot. */
export const fillerRecord = (slot: Slot, prior: StatusRecord | undefined, status: RequestStatus, partition: number, at: number, reason?: string): StatusRecord =>
  prior === undefined
    ? { id: slot.owner, kind: "filler", status, chain: "ethereum", sender: slot.sender, partition, at, rev: 1, ...slotFields(slot), ...(reason ? { reason } : {}) }
    : nextRecord(prior, status, at, { ...slotFields(slot), ...(reason ? { reason } : {}) })

/** A record's slot versions, oldest first. */
export const versionsOf = (record: StatusRecord): SlotVersion[] => {
  if (record.versions !== undefined && record.versions.length > 0) return record.versions.map(slotVersion)
  if (record.txid !== undefined && record.raw_tx !== undefined) return [{ hash: record.txid, raw: record.raw_tx, fees: { maxFee: 0n, tip: 0n }, at: record.at }]
  return []
}

/** The slot a record describes, if it describes one the executor must follow. */
export const slotOf = (record: StatusRecord): Slot | undefined => {
  const versions = versionsOf(record)
  if (record.chain !== "ethereum" || record.nonce === undefined || versions.length === 0 || record.node === undefined) return undefined
  const minedVersion = record.block !== undefined && record.txid !== undefined ? record.txid : undefined
  return {
    sender: record.sender,
    nonce: record.nonce,
    owner: record.id,
    filler: record.kind === "filler",
    clientSigned: versions.length === 1 && versions[0]?.fees.maxFee === 0n && record.kind !== "filler",
    call: (replaceableFields(versions[0]?.raw ?? "")?.data ?? "0x") !== "0x",
    versions,
    node: record.node,
    sentAt: undefined,
    mined: minedVersion === undefined ? undefined : { hash: minedVersion, block: record.block ?? 0, blockHash: record.block_hash ?? "", succeeded: true },
    refused: undefined,
    recorded: true,
    reported: record.status,
    triedAt: undefined,
  }
}
