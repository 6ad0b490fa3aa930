/**
 * The passes over time, as one line chart: successful reads per second of
 * each read storm (through the gateway, and straight to anvil), and the
 * burst's transfers reaching the node per second during each reads pass
 * (series named `burst, N nodes`), all from the start of the pass, so the
 * reads can be seen holding up (or not) while the burst drains and the
 * head moves.
 */
import type { LineChart, LineSeries } from "../lib/chart-svg.ts"
import { rateSeries } from "../lib/stats.ts"
import type { ReadsInput } from "./report.ts"

const poolName = (n: number) => `${n} node${n === 1 ? "" : "s"}`

/** The timeline chart of a run. */
export const readsTimeline = (input: ReadsInput): LineChart => {
  const series: Array<LineSeries> = []
  const direct = input.direct?.storm
  if (direct !== undefined) series.push({ name: "anvil directly", points: rateSeries(direct.completionsMs, Math.max(1, direct.wallMs)) })
  for (const pool of input.pools) {
    const r = pool.reads
    if (r === null || r.storm === null) continue
    series.push({ name: `gateway, ${poolName(pool.nodes)}`, points: rateSeries(r.storm.completionsMs, Math.max(1, r.storm.wallMs)) })
    const reached = r.drain.reachedTimes.map((t) => t - r.passFrom).filter((t) => t >= 0)
    const end = Math.max(1, ...reached)
    series.push({ name: `burst, ${poolName(pool.nodes)}`, points: rateSeries(reached, end) })
  }
  return {
    kind: "line",
    title: "Reads/s of each storm, and the burst's transfers reaching the node/s",
    xLabel: "seconds from the pass's start (the burst is submitted --burst-after-s in)",
    yLabel: "reads/s; burst: transfers/s",
    series,
  }
}
