/**
 * Bench charts as plain SVG text, with no dependencies, so the compiled
 * binary can draw them anywhere and a browser or an issue shows them as is.
 * Two kinds cover the brief's reports: grouped bars ("gateway vs reference"
 * per measure, with the ratio and the target on each group) and lines over
 * time or over a ladder (throughput per second, node in-flight, rate per
 * concurrency). A chart is data first (`Chart`), so it can also be stored in
 * the results JSON and redrawn later.
 */
import {
  colourOf,
  element,
  formatNumber,
  legend,
  niceTicks,
  scale,
  STANDARD_FRAME,
  svgDocument,
  xAxis,
  yAxis,
} from "./svg-kit.ts"

/** A horizontal marker inside one bar group, e.g. 0.5 × the reference rate. */
export interface BarTarget {
  readonly value: number
  /** Shown next to the line, e.g. `target >= 0.5x`. */
  readonly label: string
}

/** One measure: a bar per series, a note over the group (the ratio), and maybe a target. */
export interface BarGroup {
  readonly label: string
  /** One value per series, in the order of `BarChart.series`. */
  readonly values: ReadonlyArray<number>
  /** Printed above the group, e.g. `0.83x`. */
  readonly note?: string
  readonly target?: BarTarget
}

/** Grouped bars sharing one value axis: give groups of the same unit, or ratios. */
export interface BarChart {
  readonly kind: "bar"
  readonly title: string
  readonly yLabel: string
  /** Series names, e.g. `["gateway", "reference"]`. */
  readonly series: ReadonlyArray<string>
  readonly groups: ReadonlyArray<BarGroup>
}

/** One line: `[x, y]` points in x order. */
export interface LineSeries {
  readonly name: string
  readonly points: ReadonlyArray<readonly [number, number]>
}

/** Lines over a numeric x axis (seconds, concurrency). */
export interface LineChart {
  readonly kind: "line"
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  readonly series: ReadonlyArray<LineSeries>
  /** Label exactly these x values (e.g. a ladder 1, 2, 4, 8, 16) instead of round ticks. */
  readonly xTicks?: ReadonlyArray<number>
  /** Print each point's y value above it; for short series such as a ladder. */
  readonly labelPoints?: boolean
}

/** Any chart a bench can attach to its results. */
export type Chart = BarChart | LineChart

const TARGET_COLOUR = "#C00000"

/** Renders grouped bars with value labels, a note per group and dashed target lines. */
export const barChartSvg = (chart: BarChart): string => {
  const frame = STANDARD_FRAME
  const all = chart.groups.flatMap((g) => [...g.values, ...(g.target === undefined ? [] : [g.target.value])])
  const ticks = niceTicks(0, Math.max(0, ...all) * 1.2)
  const y = scale(0, ticks[ticks.length - 1] ?? 1, frame.bottom, frame.top)
  const slot = (frame.right - frame.left) / Math.max(1, chart.groups.length)
  const barWidth = (slot * 0.7) / Math.max(1, chart.series.length)
  const groups = chart.groups.flatMap((group, gi) => {
    const x0 = frame.left + gi * slot + slot * 0.15
    const bars = group.values.flatMap((value, si) => {
      const x = x0 + si * barWidth
      return [
        element("rect", { class: "bar", x: x + 1, y: y(value), width: barWidth - 2, height: frame.bottom - y(value), fill: colourOf(si) }),
        element("text", { x: x + barWidth / 2, y: y(value) - 4, "text-anchor": "middle", fill: "#333" }, { text: formatNumber(value) }),
      ]
    })
    const top = Math.min(...group.values.map(y), group.target === undefined ? frame.bottom : y(group.target.value))
    const centre = x0 + slot * 0.35
    const note =
      group.note === undefined
        ? []
        : [element("text", { x: centre, y: top - (group.target === undefined ? 20 : 34), "text-anchor": "middle", "font-weight": "bold", "font-size": 14 }, { text: group.note })]
    const target =
      group.target === undefined
        ? []
        : [
            element("line", {
              x1: x0 - slot * 0.05,
              x2: x0 + slot * 0.75,
              y1: y(group.target.value),
              y2: y(group.target.value),
              stroke: TARGET_COLOUR,
              "stroke-width": 2,
              "stroke-dasharray": "6 4",
            }),
            element("text", { x: centre, y: top - 18, "text-anchor": "middle", fill: TARGET_COLOUR, "font-size": 11 }, { text: group.target.label }),
          ]
    const label = element("text", { x: centre, y: frame.bottom + 18, "text-anchor": "middle" }, { text: group.label })
    return [...bars, ...target, ...note, label]
  })
  const hasTarget = chart.groups.some((g) => g.target !== undefined)
  return svgDocument(frame, chart.title, [
    ...yAxis(frame, ticks, y, chart.yLabel),
    ...xAxis(frame, ""),
    ...groups,
    ...legend(frame, [
      ...chart.series.map((name, i) => ({ name, colour: colourOf(i) })),
      ...(hasTarget ? [{ name: "target", colour: TARGET_COLOUR, dashed: true }] : []),
    ]),
  ])
}

/** Renders lines with markers, round or given x ticks, and a legend. */
export const lineChartSvg = (chart: LineChart): string => {
  const frame = STANDARD_FRAME
  const points = chart.series.flatMap((s) => s.points)
  const xs = [...points.map(([x]) => x), ...(chart.xTicks ?? [])]
  const xMin = xs.length === 0 ? 0 : Math.min(...xs)
  const xMax = xs.length === 0 ? 1 : Math.max(...xs)
  const xTicks = chart.xTicks ?? niceTicks(xMin, xMax, 8)
  const x = scale(Math.min(xMin, ...xTicks), Math.max(xMax, ...xTicks), frame.left + 24, frame.right - 24)
  const yTicks = niceTicks(0, Math.max(0, ...points.map(([, v]) => v)) * 1.1)
  const y = scale(0, yTicks[yTicks.length - 1] ?? 1, frame.bottom, frame.top)
  const xLabels = xTicks.flatMap((t) => [
    element("line", { x1: x(t), x2: x(t), y1: frame.bottom, y2: frame.bottom + 5, stroke: "#333" }),
    element("text", { x: x(t), y: frame.bottom + 18, "text-anchor": "middle", fill: "#333" }, { text: formatNumber(t) }),
  ])
  const lines = chart.series.flatMap((series, i) => {
    const colour = colourOf(i)
    const path = series.points.map(([px, py]) => `${Math.round(x(px) * 100) / 100},${Math.round(y(py) * 100) / 100}`).join(" ")
    const markers =
      series.points.length > 60
        ? []
        : series.points.flatMap(([px, py]) => [
            element("circle", { cx: x(px), cy: y(py), r: 3.5, fill: colour }),
            ...(chart.labelPoints === true
              ? [element("text", { x: x(px), y: y(py) - 8, "text-anchor": "middle", fill: colour, "font-size": 11 }, { text: formatNumber(py) })]
              : []),
          ])
    return [element("polyline", { points: path, fill: "none", stroke: colour, "stroke-width": 2 }), ...markers]
  })
  return svgDocument(frame, chart.title, [
    ...yAxis(frame, yTicks, y, chart.yLabel),
    ...xAxis(frame, chart.xLabel),
    ...xLabels,
    ...lines,
    ...legend(frame, chart.series.map((s, i) => ({ name: s.name, colour: colourOf(i) }))),
  ])
}

/** Renders either kind of chart. */
export const renderChart = (chart: Chart): string => (chart.kind === "bar" ? barChartSvg(chart) : lineChartSvg(chart))
