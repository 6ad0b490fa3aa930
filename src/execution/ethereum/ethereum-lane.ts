/**
 * The Ethereum lane of a partition executor: runs (ethereum-run.ts), the tracker round
 * (ethereum-track.ts), and the takeover that rebuilds the sender book from the
 * partition's unfinished records. On takeover nothing is signed anew: every recorded
 * version is followed, and the current ones are sent again (the same bytes) by the
 * first tracker round.
 */
import { Effect } from "effect"
import type { DeadLetterFor, Lane } from "../lane.ts"
import type { EthereumContext } from "./ethereum-context.ts"
import { runEthereumSender } from "./ethereum-run.ts"
import type { ChainFollower } from "./chain-follower.ts"
import { trackEthereum, type HeadWatch } from "./ethereum-track.ts"
import { slotOf } from "./slot-records.ts"
import { startingNonce } from "./sender-book.ts"
import { executorEvents } from "../events.ts"

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
