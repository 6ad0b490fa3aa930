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

/**
 * The probe's loop as a worker's source: one JSON-RPC `method` POSTed to `url` every
 * `everyMs`, one at a time, each sample posted back as it is taken, until told to stop.
 * Kept as text and started from a Blob, so the compiled binary needs no extra entrypoint.
 */
const probeWorkerSource = `
let running = true
self.onmessage = (event) => {
  if (event.data === "stop") { running = false; return }
  const { url, everyMs, method, timeoutMs } = event.data
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] })
  const loop = async () => {
    while (running) {
      const at = Date.now()
      const started = performance.now()
      let ok = false
      try {
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(timeoutMs) })
        const answer = await response.json()
        ok = response.ok && answer.error === undefined
      } catch {}
      const ms = performance.now() - started
      postMessage({ at, ms: Math.round(ms * 100) / 100, ok })
      if (running) await new Promise((done) => setTimeout(done, Math.max(0, everyMs - ms)))
    }
    postMessage("stopped")
  }
  void loop()
}
`

/**
 * The same probe on a thread of its own: `method` (no params) POSTed straight to the
 * node's JSON-RPC `url`. The bench's own thread submits the burst and reads the results
 * topic meanwhile, and a probe sharing that event loop also times the bench's own
 * turns: in a 10,000-transfer burst that showed as a node p99 of 38-62 ms where a probe
 * on its own thread saw far less (see the README's burst figures).
 */
export const startThreadProbe = (url: string, everyMs: number, method = "eth_blockNumber", timeoutMs = 10_000): SideProbe => {
  const samples: Array<ProbeSample> = []
  const worker = new Worker(URL.createObjectURL(new Blob([probeWorkerSource], { type: "application/javascript" })))
  let stopped: () => void = () => undefined
  const done = new Promise<void>((resolve) => {
    stopped = resolve
  })
  worker.onmessage = (event: MessageEvent<ProbeSample | "stopped">) => {
    if (event.data === "stopped") stopped()
    else samples.push(event.data)
  }
  worker.postMessage({ url, everyMs, method, timeoutMs })
  return {
    samples,
    stop: async () => {
      worker.postMessage("stop")
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, timeoutMs + 1_000))])
      worker.terminate()
      return samples
    },
  }
}
