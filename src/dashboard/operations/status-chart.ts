/**
 * The chart of requests by status over time, as inline SVG built on the server: no
 * script library and no CDN, so the binary serves it as is and the page's script only
 * swaps it in. The geometry is a pure function of the samples (table-tested); the SVG
 * is that geometry written out, with one polyline per status and its last count in the
 * legend.
 */
import type { RequestStatus } from "../../domain/status.ts"
import { type Html, html } from "../html.ts"
import type { StatusSample } from "../../status/status-series.ts"

/** The statuses the chart draws, in the order of a request's life; `intent` and `cancelled` only if some sample has one. */
export const chartStatuses: readonly RequestStatus[] = ["accepted", "intent", "signed", "submitted", "confirmed", "failed", "dlq", "cancelled"]

/** Statuses most hosts never see (old records, cancels): a line of zeros would only crowd the legend. */
const drawnOnlyWhenSeen: ReadonlySet<RequestStatus> = new Set<RequestStatus>(["intent", "cancelled"])

/** Each status's colour (readable on light and dark backgrounds). */
export const statusColours: Readonly<Record<RequestStatus, string>> = {
  accepted: "#8e8e8e",
  intent: "#b0a070",
  signed: "#c79a00",
  submitted: "#1e88e5",
  confirmed: "#2e7d32",
  failed: "#c62828",
  dlq: "#8e24aa",
  cancelled: "#6d4c41",
}

/** The drawing area. */
export interface ChartBox {
  readonly width: number
  readonly height: number
  /** Room left of the plot for the y labels, and below it for the x labels. */
  readonly left: number
  readonly bottom: number
  readonly top: number
  readonly right: number
}

/** The default box: wide and short, as a timeline reads. */
export const defaultChartBox: ChartBox = { width: 720, height: 220, left: 48, bottom: 22, top: 8, right: 8 }

/** One point of a line, in SVG units. */
export interface ChartPoint {
  readonly x: number
  readonly y: number
}

/** The chart before it is written out. */
export interface ChartGeometry {
  /** The top of the y axis: the smallest 1, 2 or 5 × 10ⁿ at or above the largest count. */
  readonly yMax: number
  readonly from: number
  readonly to: number
  readonly lines: ReadonlyArray<{ readonly status: RequestStatus; readonly points: readonly ChartPoint[]; readonly last: number }>
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `n` (1 for 0 and below). */
export const niceCeiling = (n: number): number => {
  if (n <= 1) return 1
  const magnitude = 10 ** Math.floor(Math.log10(n))
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= n) return step * magnitude
  return 10 * magnitude
}

const round = (n: number): number => Math.round(n * 10) / 10

/** Where each sample's counts fall in `box`: time left to right, counts bottom to top. */
export const chartGeometry = (samples: readonly StatusSample[], box: ChartBox = defaultChartBox): ChartGeometry => {
  const from = samples[0]?.at ?? 0
  const to = samples.at(-1)?.at ?? 0
  const statuses = chartStatuses.filter((s) => !drawnOnlyWhenSeen.has(s) || samples.some((x) => x.counts[s] > 0))
  const yMax = niceCeiling(Math.max(0, ...samples.flatMap((x) => statuses.map((s) => x.counts[s]))))
  const plotW = box.width - box.left - box.right
  const plotH = box.height - box.top - box.bottom
  // A single sample sits at the right edge: "now".
  const xOf = (at: number) => round(box.left + (to === from ? plotW : ((at - from) / (to - from)) * plotW))
  const yOf = (n: number) => round(box.top + plotH - (n / yMax) * plotH)
  return {
    yMax,
    from,
    to,
    lines: statuses.map((status) => ({
      status,
      points: samples.map((x) => ({ x: xOf(x.at), y: yOf(x.counts[status]) })),
      last: samples.at(-1)?.counts[status] ?? 0,
    })),
  }
}

const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19)

/** The chart as an `<svg>` element; an empty series gets a frame that says it is waiting for the first sample. */
export const statusChartSvg = (samples: readonly StatusSample[], box: ChartBox = defaultChartBox): Html => {
  const g = chartGeometry(samples, box)
  const bottom = box.height - box.bottom
  const ticks = [0, g.yMax / 2, g.yMax]
  const plotH = box.height - box.top - box.bottom
  return html`<svg id="status-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${box.width} ${box.height}" role="img" aria-label="requests by status over time" data-samples="${samples.length}" data-y-max="${g.yMax}">
${ticks.map((t) => {
  const y = round(box.top + plotH - (t / g.yMax) * plotH)
  return html`<line class="grid" x1="${box.left}" x2="${box.width - box.right}" y1="${y}" y2="${y}"/><text class="axis" x="${box.left - 4}" y="${y + 4}" text-anchor="end">${t}</text>`
})}
${samples.length === 0
  ? html`<text class="axis" x="${box.left + 8}" y="${box.top + plotH / 2}">no sample yet: the first is taken when the gateway starts, then one every few seconds</text>`
  : html`<text class="axis" x="${box.left}" y="${bottom + 16}">${clock(g.from)}</text><text class="axis" x="${box.width - box.right}" y="${bottom + 16}" text-anchor="end">${clock(g.to)} UTC</text>`}
${g.lines.map((l) => html`<polyline data-status="${l.status}" data-last="${l.last}" fill="none" stroke="${statusColours[l.status]}" stroke-width="2" points="${l.points.map((p) => `${p.x},${p.y}`).join(" ")}"/>`)}
</svg>`
}

/** The legend under the chart: each status's colour and its latest count. */
export const chartLegend = (samples: readonly StatusSample[]): Html => {
  const g = chartGeometry(samples)
  return html`<ul class="legend" id="chart-legend">${g.lines.map((l) => html`<li data-status="${l.status}"><span class="swatch" style="background:${statusColours[l.status]}"></span>${l.status} <b>${l.last}</b></li>`)}</ul>`
}
