/**
 * The Ethereum lane of a partition executor: runs (ethereum-run.ts), the tracker round
 * (ethereum-track.ts), and the takeover that rebuilds the sender book from the
 * partition's unfinished records. On takeover nothing is signed anew: every recorded
 * version is followed, and the current ones are sent again (the same bytes) by the
 * first tracker round.
 */
import { Effect } from "effect"
import { replaceableFields } from "../../adapters/ethereum-codec.ts"
import type { StatusRecord } from "../../domain/status.ts"
import type { DeadLetterFor, Lane } from "../lane.ts"
import type { EthereumContext } from "./ethereum-context.ts"
import { runEthereumSender } from "./ethereum-run.ts"
import type { ChainFollower } from "./chain-follower.ts"
import { trackEthereum, type HeadWatch } from "./ethereum-track.ts"
import { versionsOf } from "./slot-records.ts"
import { startingNonce, type Slot } from "./sender-book.ts"
import { executorEvents } from "../events.ts"

/** The slot a record describes, if it describes one the executor must follow. */
const slotOf = (record: StatusRecord): Slot | undefined => {
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

/** Builds the lane over `ctx`, its book registered with the host's chain follower until `close`. */
export const makeEthereumLane = (ctx: EthereumContext, follower: ChainFollower, deadLetter: DeadLetterFor): Lane => {
  const registration = follower.register(ctx.partition, ctx.book)
  const watch: HeadWatch = new Map()
  return {
    close: Effect.sync(() => registration.unregister()),
    capacity: (sender) => Math.max(0, ctx.settings.maxInFlightPerSender - ctx.book.inFlight(sender)),
    run: (sender, items) => runEthereumSender(ctx, sender, items, deadLetter),
    track: trackEthereum(ctx, follower, registration, watch),
    restore: (records) =>
      Effect.gen(function* () {
        const senders = new Set<string>()
        for (const record of records) {
          const slot = slotOf(record)
          if (slot === undefined) continue
          ctx.book.put(slot)
          senders.add(slot.sender)
        }
        for (const address of senders) {
          const state = ctx.book.get(address)
          const node = [...state.slots.values()][0]?.node
          if (node === undefined) continue
          const pending = yield* Effect.option(ctx.nodes.callNode(node, "eth_getTransactionCount", [address, "pending"]))
          if (pending._tag === "None") continue
          state.node = node
          state.next = startingNonce(Number(pending.value), [...state.slots.keys()], ctx.records.highestNonce(address))
        }
        ctx.log.info(executorEvents.restored, { partition: ctx.partition, chain: "ethereum", slots: records.length, senders: senders.size })
      }),
  }
}
