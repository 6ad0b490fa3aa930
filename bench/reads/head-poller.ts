/**
 * The head the bench knows: `eth_blockNumber` straight to the node every
 * `everyMs` (the drain bench's side probe, one call at a time), keeping the
 * latest answer. A read is judged against the head known when it was sent;
 * the poller can only lag the node, so an answer it calls stale is stale.
 */
import { startProbe } from "../drain/side-probe.ts"

/** A running poller. */
export interface HeadPoller {
  /** The latest head seen; null before the first answer. */
  readonly head: () => number | null
  /** Resolves at the first answer (or after `timeoutMs`, when the head stays unknown). */
  readonly ready: (timeoutMs: number) => Promise<number | null>
  /** Stops after the call in flight; the probe's samples tell how often it asked and failed. */
  readonly stop: () => Promise<{ readonly polls: number; readonly failed: number }>
}

/** A JSON-RPC quantity (`0x1a`) as a number; undefined for anything else. */
export const quantity = (v: unknown): number | undefined => (typeof v === "string" && /^0x[0-9a-fA-F]+$/.test(v) ? Number(v) : undefined)

/** Polls `url` (a node's JSON-RPC) for its head every `everyMs`. */
export const startHeadPoller = (url: string, everyMs: number): HeadPoller => {
  let latest: number | null = null
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] })
  const ask = async () => {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(5000) })
    const parsed: unknown = await response.json()
    const head = typeof parsed === "object" && parsed !== null && "result" in parsed ? quantity(parsed.result) : undefined
    if (head === undefined) throw new Error(`eth_blockNumber answered ${JSON.stringify(parsed)}`)
    // Answers arrive in order (one call at a time); a head never goes back here.
    latest = Math.max(latest ?? head, head)
  }
  const probe = startProbe(ask, everyMs)
  return {
    head: () => latest,
    ready: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs
      while (latest === null && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20))
      return latest
    },
    stop: async () => {
      const samples = await probe.stop()
      return { polls: samples.length, failed: samples.filter((s) => !s.ok).length }
    },
  }
}
