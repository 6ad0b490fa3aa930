/**
 * Raw transactions that several senders send to one node at the same moment, carried in
 * one JSON-RPC batch. After a commit lands, every sender whose records it held starts to
 * broadcast at once, and each sender's next nonce follows its previous answer, so the
 * senders of a host move in step: the sends of one turn of the event loop go out as one
 * HTTP request instead of one each. The node's work per transaction stays the same; the
 * request handling around it (on both sides) is paid once per batch.
 *
 * A batch holds only calls that were made concurrently, and concurrent calls were never
 * ordered relative to each other: one sender's nonces still go one after another, each
 * after the answer to the one before (see `broadcastSlots`), so a batch never carries a
 * run of one sender's nonces for the node to take out of order (foundry-rs/foundry#10122).
 *
 * Each call still answers on its own, as it would alone: the node's refusal of one send
 * is that send's `NodeRejected`, and a batch that failed as a whole (no answer, breaker
 * open) fails each of its calls with that error. The fiber that opened a batch carries it;
 * if that fiber is interrupted before the answer, the other calls end as unanswered (the
 * bytes may or may not have reached the node, as with any call cut short).
 */
import { Deferred, Effect } from "effect"
import type { ChainNodes, NodeCallError } from "../ports.ts"

/** The method whose calls are gathered. */
export const sendMethod = "eth_sendRawTransaction"

/** Calls one batch carries at most; a busier turn opens another batch. */
export const sendsPerBatch = 64

interface Waiting {
  readonly params: readonly unknown[]
  readonly answer: Deferred.Deferred<unknown, NodeCallError>
}

/** Resumes after the event loop has handled what is already due (I/O callbacks included). */
const nextTurn: Effect.Effect<void> = Effect.callback<void>((resume) => {
  const turn = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(turn))
})

const cutShort: NodeCallError = { _tag: "NodeUnreachable", message: "the batch that carried this send was interrupted before the node answered" }

/**
 * `nodes`, except that concurrent `eth_sendRawTransaction` calls to the same node share one
 * JSON-RPC batch (at most `perBatch` calls, `sendsPerBatch` by default). Every other call
 * passes through unchanged. `onBatch` hears of each batch of two sends or more.
 */
export const batchingSends = (nodes: ChainNodes, options: { readonly perBatch?: number; readonly onBatch?: (node: string, sends: number) => void } = {}): ChainNodes => {
  const perBatch = options.perBatch ?? sendsPerBatch
  /** Per node, the batch still gathering calls (its first caller waits a turn before carrying it). */
  const gathering = new Map<string, Waiting[]>()

  /** Sends `batch` and completes each of its calls with its own answer (`send` covers an interrupted carrier). */
  const carry = (node: string, batch: Waiting[]): Effect.Effect<void> => {
    if (batch.length > 1) options.onBatch?.(node, batch.length)
    return batch.length === 1
      ? Effect.exit(nodes.callNode(node, sendMethod, (batch[0] as Waiting).params)).pipe(
          Effect.map((exit) => void Deferred.doneUnsafe((batch[0] as Waiting).answer, exit)),
        )
      : nodes.callNodeBatch(node, batch.map((w) => ({ method: sendMethod, params: w.params }))).pipe(
          Effect.match({
            onFailure: (error) => {
              for (const w of batch) Deferred.doneUnsafe(w.answer, Effect.fail(error))
            },
            onSuccess: (outcomes) => {
              batch.forEach((w, i) => {
                const outcome = outcomes[i]
                Deferred.doneUnsafe(w.answer, outcome === undefined
                  ? Effect.fail<NodeCallError>({ _tag: "NodeUnreachable", message: "the node's batch answer had no entry for this send" })
                  : outcome.ok ? Effect.succeed(outcome.result) : Effect.fail(outcome.error))
              })
            },
          }),
        )
  }

  const send = (node: string, params: readonly unknown[]): Effect.Effect<unknown, NodeCallError> =>
    Effect.suspend(() => {
      const waiting: Waiting = { params, answer: Deferred.makeUnsafe<unknown, NodeCallError>() }
      const open = gathering.get(node)
      if (open !== undefined && open.length < perBatch) {
        open.push(waiting)
        return Deferred.await(waiting.answer)
      }
      const batch = [waiting]
      gathering.set(node, batch)
      const close = () => {
        if (gathering.get(node) === batch) gathering.delete(node)
      }
      return nextTurn.pipe(
        Effect.andThen(Effect.sync(close)),
        Effect.andThen(Effect.suspend(() => carry(node, batch))),
        // Interrupted before or while carrying: no later caller joins, and none waits for good.
        Effect.ensuring(Effect.sync(() => {
          close()
          for (const w of batch) Deferred.doneUnsafe(w.answer, Effect.fail(cutShort))
        })),
        Effect.andThen(Deferred.await(waiting.answer)),
      )
    })

  return {
    ...nodes,
    callNode: (node, method, params = []) => (method === sendMethod ? send(node, params) : nodes.callNode(node, method, params)),
  }
}
