/**
 * Were the gateway's answers right? Each sampled answer names its block
 * (`X-Gateway-Block`); the bench asks the node itself for the same address
 * at that block and compares the two balances. An answer that named no
 * block cannot be checked and is counted as such, never as right. For a
 * wrong answer the bench also looks for the nearby block whose balance it
 * was, so the report can say "the answer for block B+k, labelled B".
 */
import type { SampledAnswer } from "./read-storm.ts"

/** A sample and the node's own balance for its block (decimal wei), or why there is none. */
export interface CheckedAnswer {
  readonly sample: SampledAnswer
  /** The node's balance at the sample's block; null when it could not be asked. */
  readonly truth: string | null
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
  /** The node's balance at `block`. */
  readonly truth: string
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
  readonly mismatches: number
  /** Samples that named no block, or whose block the node could not answer for. */
  readonly unchecked: number
  readonly examples: ReadonlyArray<Mismatch>
  /** Reasons a sample went unchecked, with counts. */
  readonly uncheckedReasons: Readonly<Record<string, number>>
}

const EXAMPLES = 5

/** Compares each sample with the node's answer for its block. */
export const judgeAnswers = (checked: ReadonlyArray<CheckedAnswer>): AnswerVerdict => {
  let mismatches = 0
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
    if (c.truth === c.sample.balance) continue
    mismatches++
    if (examples.length < EXAMPLES) {
      examples.push({
        address: c.sample.address,
        block: c.sample.block,
        answered: c.sample.balance,
        truth: c.truth,
        answerIsFor: c.answerIsFor ?? null,
        headAtAsk: c.sample.headAtAsk,
        at: c.sample.at,
        ...(c.sample.cache === undefined ? {} : { cache: c.sample.cache }),
        ...(c.sample.node === undefined ? {} : { servedBy: c.sample.node }),
      })
    }
  }
  return { sampled: checked.length, checked: checked.length - unchecked, mismatches, unchecked, examples, uncheckedReasons: reasons }
}

/** How far from the named block a wrong answer's own block is looked for, each way. */
export const NEARBY_BLOCKS = 10

/** The order nearby blocks are tried in: 1, -1, 2, -2, ... */
export const nearbyOffsets = (reach: number): ReadonlyArray<number> => Array.from({ length: 2 * reach }, (_, i) => (i % 2 === 0 ? 1 : -1) * (Math.floor(i / 2) + 1))

/** The balance at `block` (decimal wei), or the node's error as text. */
const balanceAt = async (url: string, address: string, block: number): Promise<{ readonly balance: string } | { readonly why: string }> => {
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

/** Asks `url` (the node, directly) for the sample's balance at the block it named, and for a wrong one, whose block it was. Never rejects. */
export const askNode = async (url: string, sample: SampledAnswer): Promise<CheckedAnswer> => {
  if (sample.block === null) return { sample, truth: null, why: "no block named" }
  const named = await balanceAt(url, sample.address, sample.block)
  if ("why" in named) return { sample, truth: null, why: named.why }
  if (named.balance === sample.balance) return { sample, truth: named.balance }
  for (const offset of nearbyOffsets(NEARBY_BLOCKS)) {
    const other = await balanceAt(url, sample.address, sample.block + offset)
    if ("balance" in other && other.balance === sample.balance) return { sample, truth: named.balance, answerIsFor: sample.block + offset }
  }
  return { sample, truth: named.balance, answerIsFor: null }
}

/** A checker that asks the node about each sample as it comes. */
export interface AnswerChecker {
  readonly push: (sample: SampledAnswer) => void
  /** Waits for the checks still running and returns every one, in the order pushed. */
  readonly finish: () => Promise<ReadonlyArray<CheckedAnswer>>
}

/**
 * Checks samples while the storm runs, at most `concurrency` at a time: a
 * node keeps the state of recent blocks only (anvil answers
 * "BlockOutOfRangeError" for a block thousands behind its head), and the
 * burst mines a block per transfer, so waiting for the end of the pass would
 * leave the early samples uncheckable. The cost is one node call per
 * `sampleEvery` reads, during the pass.
 */
export const startAnswerChecker = (url: string, concurrency = 4, ask: typeof askNode = askNode): AnswerChecker => {
  const queue: Array<{ readonly index: number; readonly sample: SampledAnswer }> = []
  const out: Array<CheckedAnswer> = []
  let pushed = 0
  let running = 0
  const idle = new Set<() => void>()
  const pump = () => {
    while (running < concurrency && queue.length > 0) {
      const next = queue.shift()
      if (next === undefined) break
      running++
      void ask(url, next.sample).then((checked) => {
        out[next.index] = checked
        running--
        pump()
        if (running === 0 && queue.length === 0) for (const done of [...idle]) done()
      })
    }
  }
  return {
    push: (sample) => {
      queue.push({ index: pushed++, sample })
      pump()
    },
    finish: async () => {
      if (running > 0 || queue.length > 0) await new Promise<void>((done) => idle.add(done))
      return out
    },
  }
}
