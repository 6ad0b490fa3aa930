/**
 * The failover run as a picture (pure SVG text): one row of ticks per client, a green
 * tick per acknowledged request and a red one per failed request at the time it was
 * sent, grey bands for the outages (labelled with the cut node) and a dashed line at
 * each leader change (labelled with the new leader).
 */
import type { Outage } from "./attacker.ts"
import type { Leadership } from "./leader-log.ts"
import type { RequestRecord } from "./request-record.ts"
import { element, type Frame, formatNumber, legend, niceTicks, scale, svgDocument } from "../lib/svg-kit.ts"

/** What the timeline draws. */
export interface TimelineInput {
  readonly title: string
  readonly durationMs: number
  /** Client names in row order, e.g. ["no retry", "SDK retry"]. */
  readonly clients: ReadonlyArray<string>
  readonly records: ReadonlyArray<RequestRecord>
  readonly outages: ReadonlyArray<Outage>
  readonly leaderships: ReadonlyArray<Leadership>
}

const OK = "#009E73"
const FAILED = "#D55E00"
const LEADER = "#0072B2"

/** The timeline as an SVG document. */
export const timelineSvg = (input: TimelineInput): string => {
  const frame: Frame = { width: 1000, height: 300 + 60 * input.clients.length, left: 110, right: 980, top: 80, bottom: 200 + 60 * input.clients.length }
  const endS = Math.max(1, input.durationMs / 1000)
  const ticks = niceTicks(0, endS, 10)
  const x = scale(0, Math.max(endS, ticks[ticks.length - 1] ?? endS), frame.left, frame.right)
  const rowY = (i: number) => frame.top + 70 + i * 60
  const bands = input.outages.flatMap((o) => {
    const x1 = x(o.startMs / 1000)
    const x2 = x((o.endMs ?? input.durationMs) / 1000)
    return [
      element("rect", { x: x1, y: frame.top + 20, width: Math.max(1, x2 - x1), height: frame.bottom - frame.top - 20, fill: "#dddddd" }),
      element("text", { x: (x1 + x2) / 2, y: frame.top + 34, "text-anchor": "middle", "font-size": 10, fill: "#555" }, { text: `cut ${o.node}` }),
    ]
  })
  const changes = input.leaderships.flatMap((l, i) => [
    element("line", { x1: x(l.fromMs / 1000), x2: x(l.fromMs / 1000), y1: frame.top + 40, y2: frame.bottom, stroke: LEADER, "stroke-width": 1.5, ...(i === 0 ? {} : { "stroke-dasharray": "4 3" }) }),
    element("text", { x: x(l.fromMs / 1000) + 2, y: frame.bottom - 6 - (i % 2) * 12, "font-size": 10, fill: LEADER }, { text: l.node }),
  ])
  const rows = input.clients.flatMap((client, i) => {
    const y = rowY(i)
    const mine = input.records.filter((r) => r.client === client)
    const failed = mine.filter((r) => !r.ok).length
    return [
      element("text", { x: frame.left - 8, y: y + 4, "text-anchor": "end" }, { text: client }),
      element("text", { x: frame.left - 8, y: y + 18, "text-anchor": "end", "font-size": 10, fill: FAILED }, { text: `${failed}/${mine.length} failed` }),
      ...mine.map((r) =>
        element("line", { x1: x(r.sentAtMs / 1000), x2: x(r.sentAtMs / 1000), y1: r.ok ? y - 10 : y - 18, y2: r.ok ? y + 10 : y + 18, stroke: r.ok ? OK : FAILED, "stroke-width": r.ok ? 1 : 1.5 }),
      ),
    ]
  })
  const axis = [
    element("line", { x1: frame.left, x2: frame.right, y1: frame.bottom, y2: frame.bottom, stroke: "#333" }),
    ...ticks.flatMap((t) => [
      element("line", { x1: x(t), x2: x(t), y1: frame.bottom, y2: frame.bottom + 5, stroke: "#333" }),
      element("text", { x: x(t), y: frame.bottom + 18, "text-anchor": "middle", fill: "#333" }, { text: formatNumber(t) }),
    ]),
    element("text", { x: (frame.left + frame.right) / 2, y: frame.bottom + 40, "text-anchor": "middle" }, { text: "time since the load started (s)" }),
  ]
  return svgDocument(frame, input.title, [
    ...bands,
    ...changes,
    ...rows,
    ...axis,
    ...legend(frame, [
      { name: "acknowledged", colour: OK },
      { name: "failed", colour: FAILED },
      { name: "outage (node cut)", colour: "#dddddd" },
      { name: "new leader", colour: LEADER, dashed: true },
    ]),
  ])
}
