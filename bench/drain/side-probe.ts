/**
 * The node's own latency, seen from the side: one cheap read call (e.g.
 * `eth_blockNumber`) every `everyMs`, sent directly to the node, never more
 * than one at a time. Measured while the node is idle and during a burst,
 * it shows whether whatever sends the burst protects the node.
 */

/** One probe: when it was sent (epoch ms), how long it took, and whether it succeeded. */
export interface ProbeSample {
  readonly at: number
  readonly ms: number
  readonly ok: boolean
}

/** A running probe. */
export interface SideProbe {
  /** The samples so far. */
  readonly samples: ReadonlyArray<ProbeSample>
  /** Stops after the probe in flight and resolves with every sample. */
  readonly stop: () => Promise<ReadonlyArray<ProbeSample>>
}

/** Clocks, injected by tests. */
export interface ProbeClocks {
  readonly epochMs: () => number
  readonly monotonicMs: () => number
  readonly sleep: (ms: number) => Promise<void>
}

const realClocks: ProbeClocks = {
  epochMs: Date.now,
  monotonicMs: () => performance.now(),
  sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
}

/** Starts probing with `call` (which rejects on failure) every `everyMs`. */
export const startProbe = (call: () => Promise<unknown>, everyMs: number, clocks: ProbeClocks = realClocks): SideProbe => {
  const samples: Array<ProbeSample> = []
  let running = true
  const loop = async () => {
    while (running) {
      const at = clocks.epochMs()
      const started = clocks.monotonicMs()
      const ok = await call().then(
        () => true,
        () => false,
      )
      const ms = clocks.monotonicMs() - started
      samples.push({ at, ms: Math.round(ms * 100) / 100, ok })
      if (running) await clocks.sleep(Math.max(0, everyMs - ms))
    }
  }
  const looping = loop()
  return {
    samples,
    stop: async () => {
      running = false
      await looping
      return samples
    },
  }
}

/** Latencies (ms) of the successful samples sent in `[from, to)` (epoch ms), and how many failed there. */
export const probeWindow = (samples: ReadonlyArray<ProbeSample>, from: number, to: number): { readonly latencies: ReadonlyArray<number>; readonly failed: number } => {
  const inside = samples.filter((s) => s.at >= from && s.at < to)
  return { latencies: inside.filter((s) => s.ok).map((s) => s.ms), failed: inside.filter((s) => !s.ok).length }
}
