/**
 * Were the gateway's answers right? Each sampled answer names its block
 * (`X-Gateway-Block`); the bench asks the node itself for the same address
 * at that block and compares the two balances. An answer that named no
 * block cannot be checked and is counted as such, never as right.
 *
 * The node is asked twice. Once as the sample comes in (a node keeps the
 * state of recent blocks only: anvil answers "BlockOutOfRangeError" for a
 * block thousands behind its head, and an automining anvil makes a block per
 * transfer), and once more when the pass is over, when nothing about that
 * block can still change: anvil has been seen answering a balance at its
 * newest block differently right after the block appeared than a moment
 * later. The settled answer is the truth; an early answer that differs from
 * it is counted, so a wrong answer the node itself gave at the time can be
 * told from one the gateway made. For a wrong answer the bench also looks
 * for the nearby block whose balance it was ("the answer for B-1, labelled B").
 */
import type { SampledAnswer } from "./read-storm.ts"

/** The node's balance (decimal wei), or why it gave none. */
export type NodeBalance = { readonly balance: string } | { readonly why: string }

/** Asks the node at `url` for `address`'s balance at `block`; never rejects. */
export type BalanceAt = (url: string, address: string, block: number) => Promise<NodeBalance>

/** A sample and the node's own balances for its block. */
export interface CheckedAnswer {
  readonly sample: SampledAnswer
  /** The node's settled balance at the sample's block (the early one when it could not be asked again); null when none. */
  readonly truth: string | null
  /** The node's balance at the sample's block as the sample came in; null when it could not be asked. */
  readonly early: string | null
  /** Why there is no truth: no block named, or the node's error. */
  readonly why?: string
  /** For a wrong answer: the nearby block (within `NEARBY_BLOCKS`) whose balance the answer was; null when none was. */
  readonly answerIsFor?: number | null
}

/** One wrong answer, to read. */
export interface Mismatch {
  readonly address: string
  readonly block: number
  readonly answered: string
  /** The node's settled balance at `block`, and what it said as the sample came in. */
  readonly truth: string
  readonly early: string | null
  /** The nearby block whose balance the answer was, when one was found. */
  readonly answerIsFor: number | null
  readonly headAtAsk: number | null
  /** Epoch ms when the read was sent. */
  readonly at: number
  readonly cache?: string
  /** The node the gateway named. */
  readonly servedBy?: string
}

/** What the check found. */
export interface AnswerVerdict {
  readonly sampled: number
  readonly checked: number
  /** Answers that differ from the node's settled balance for their block. */
  readonly mismatches: number
  /** Of those, answers equal to what the node itself said for that block as the sample came in. */
  readonly mismatchesTheNodeGaveToo: number
  /** Samples whose block the node answered differently as they came in than after the pass (the node's own instability). */
  readonly nodeChangedItsAnswer: number
  /** Samples that named no block, or whose block the node could not answer for. */
  readonly unchecked: number
  readonly examples: ReadonlyArray<Mismatch>
  /** Reasons a sample went unchecked, with counts. */
  readonly uncheckedReasons: Readonly<Record<string, number>>
}

const EXAMPLES = 5

/** Compares each sample with the node's settled answer for its block. */
export const judgeAnswers = (checked: ReadonlyArray<CheckedAnswer>): AnswerVerdict => {
  let mismatches = 0
  let sameAsEarly = 0
  let changed = 0
  let unchecked = 0
  const examples: Array<Mismatch> = []
  const reasons: Record<string, number> = {}
  for (const c of checked) {
    if (c.truth === null || c.sample.block === null) {
      unchecked++
      const why = c.why ?? "no block named"
      reasons[why] = (reasons[why] ?? 0) + 1
      continue
    }
    if (c.early !== null && c.early !== c.truth) changed++
    if (c.truth === c.sample.balance) continue
    mismatches++
    if (c.early === c.sample.balance) sameAsEarly++
    if (examples.length < EXAMPLES) {
      examples.push({
        address: c.sample.address,
        block: c.sample.block,
        answered: c.sample.balance,
        truth: c.truth,
        early: c.early,
        answerIsFor: c.answerIsFor ?? null,
        headAtAsk: c.sample.headAtAsk,
        at: c.sample.at,
        ...(c.sample.cache === undefined ? {} : { cache: c.sample.cache }),
        ...(c.sample.node === undefined ? {} : { servedBy: c.sample.node }),
      })
    }
  }
  return { sampled: checked.length, checked: checked.length - unchecked, mismatches, mismatchesTheNodeGaveToo: sameAsEarly, nodeChangedItsAnswer: changed, unchecked, examples, uncheckedReasons: reasons }
}

/** How far from the named block a wrong answer's own block is looked for, each way. */
export const NEARBY_BLOCKS = 10

/** The order nearby blocks are tried in: 1, -1, 2, -2, ... */
export const nearbyOffsets = (reach: number): ReadonlyArray<number> => Array.from({ length: 2 * reach }, (_, i) => (i % 2 === 0 ? 1 : -1) * (Math.floor(i / 2) + 1))

/** `eth_getBalance(address, block)` straight to the node. */
export const balanceAt: BalanceAt = async (url, address, block) => {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBalance", params: [address, `0x${block.toString(16)}`] })
  try {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(10_000) })
    const parsed: unknown = await response.json()
    const result = typeof parsed === "object" && parsed !== null && "result" in parsed ? parsed.result : undefined
    if (typeof result === "string" && /^0x[0-9a-fA-F]+$/.test(result)) return { balance: BigInt(result).toString() }
    const error = typeof parsed === "object" && parsed !== null && "error" in parsed ? JSON.stringify(parsed.error) : JSON.stringify(parsed)
    return { why: `node: ${error.slice(0, 100)}` }
  } catch (error) {
    return { why: `node did not answer: ${error instanceof Error ? error.name : String(error)}` }
  }
}

/** Runs `work` over `items`, `concurrency` at a time, results in input order. */
const inParallel = async <A, B>(items: ReadonlyArray<A>, concurrency: number, work: (a: A) => Promise<B>): Promise<Array<B>> => {
  const out: Array<B> = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      const item = items[i]
      if (item !== undefined) out[i] = await work(item)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker))
  return out
}

/** A checker that asks the node about each sample as it comes, and again at the end. */
export interface AnswerChecker {
  readonly push: (sample: SampledAnswer) => void
  /** Waits for the early checks, asks the node again for every sample, and returns them in the order pushed. */
  readonly finish: () => Promise<ReadonlyArray<CheckedAnswer>>
}

/** Starts a checker against the node at `url`; at most `concurrency` calls at a time. */
export const startAnswerChecker = (url: string, concurrency = 4, ask: BalanceAt = balanceAt): AnswerChecker => {
  const queue: Array<{ readonly index: number; readonly sample: SampledAnswer }> = []
  const early: Array<{ readonly sample: SampledAnswer; readonly answer: NodeBalance | null }> = []
  let pushed = 0
  let running = 0
  const idle = new Set<() => void>()
  const pump = () => {
    while (running < concurrency && queue.length > 0) {
      const next = queue.shift()
      if (next === undefined) break
      running++
      const { block } = next.sample
      const asked = block === null ? Promise.resolve(null) : ask(url, next.sample.address, block)
      void asked.then((answer) => {
        early[next.index] = { sample: next.sample, answer }
        running--
        pump()
        if (running === 0 && queue.length === 0) for (const done of [...idle]) done()
      })
    }
  }
  const settle = async ({ sample, answer }: { readonly sample: SampledAnswer; readonly answer: NodeBalance | null }): Promise<CheckedAnswer> => {
    const early = answer !== null && "balance" in answer ? answer.balance : null
    if (sample.block === null) return { sample, truth: null, early, why: "no block named" }
    const later = await ask(url, sample.address, sample.block)
    const truth = "balance" in later ? later.balance : early
    if (truth === null) return { sample, truth: null, early, why: "why" in later ? later.why : "the node gave no balance" }
    if (truth === sample.balance) return { sample, truth, early }
    for (const offset of nearbyOffsets(NEARBY_BLOCKS)) {
      const other = await ask(url, sample.address, sample.block + offset)
      if ("balance" in other && other.balance === sample.balance) return { sample, truth, early, answerIsFor: sample.block + offset }
    }
    return { sample, truth, early, answerIsFor: null }
  }
  return {
    push: (sample) => {
      queue.push({ index: pushed++, sample })
      pump()
    },
    finish: async () => {
      if (running > 0 || queue.length > 0) await new Promise<void>((done) => idle.add(done))
      return inParallel(early, Math.max(concurrency, 8), settle)
    },
  }
}
