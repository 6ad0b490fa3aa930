/**
 * The small pieces every bench chart is drawn with: escaped SVG elements,
 * "nice" axis ticks, compact number labels, the colour palette and the
 * frame (title, axes, grid, legend). Kept apart from the chart kinds so a
 * bar chart and a line chart look like members of one family.
 */

/** Attribute values; numbers are rounded to 0.01 so the output is stable and short. */
export type SvgAttributes = Readonly<Record<string, string | number>>

/** Escapes text for SVG character data and attribute values. */
export const escapeXml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;")

const attributeText = (attributes: SvgAttributes): string =>
  Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(typeof value === "number" ? String(Math.round(value * 100) / 100) : value)}"`)
    .join("")

/** One element; `children` are already-rendered markup, `text` is escaped character data. */
export const element = (name: string, attributes: SvgAttributes, content: { readonly children?: ReadonlyArray<string>; readonly text?: string } = {}): string => {
  const inner = content.text !== undefined ? escapeXml(content.text) : (content.children ?? []).join("")
  return inner === "" ? `<${name}${attributeText(attributes)}/>` : `<${name}${attributeText(attributes)}>${inner}</${name}>`
}

/** Series colours: distinct under the common colour-vision deficiencies (Okabe-Ito). */
export const PALETTE: ReadonlyArray<string> = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

/** The colour of series `index`, cycling through the palette. */
export const colourOf = (index: number): string => PALETTE[index % PALETTE.length] ?? "#000000"

/** Up to about `count` round tick values (1, 2, 5 × 10^k steps) covering [min, max]. */
export const niceTicks = (min: number, max: number, count = 5): ReadonlyArray<number> => {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1]
  if (max <= min) max = min + (min === 0 ? 1 : Math.abs(min))
  const raw = (max - min) / Math.max(1, count)
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude
  const first = Math.floor(min / step) * step
  const ticks: Array<number> = []
  for (let v = first; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)))
  return ticks
}

/** `950`, `1.5k`, `12k`, `3.4M`, `0.25`: short labels for ticks and bar values. */
export const formatNumber = (value: number): string => {
  const abs = Math.abs(value)
  const trim = (n: number, digits: number) => String(Number(n.toFixed(digits)))
  if (abs >= 1e6) return `${trim(value / 1e6, abs >= 1e7 ? 0 : 1)}M`
  if (abs >= 1e4) return `${trim(value / 1e3, 0)}k`
  if (abs >= 1e3) return `${trim(value / 1e3, 1)}k`
  if (abs >= 100 || Number.isInteger(value)) return trim(value, 0)
  if (abs >= 1) return trim(value, 1)
  return trim(value, 3)
}

/** Where the plot area sits inside the picture. */
export interface Frame {
  readonly width: number
  readonly height: number
  readonly left: number
  readonly right: number
  readonly top: number
  readonly bottom: number
}

/** The standard 800×450 frame with room for the title, legend and axis labels. */
export const STANDARD_FRAME: Frame = { width: 800, height: 450, left: 80, right: 780, top: 70, bottom: 380 }

/** Maps a value on [min, max] to a pixel on [from, to]. */
export const scale = (min: number, max: number, from: number, to: number) => (value: number): number =>
  max === min ? from : from + ((value - min) / (max - min)) * (to - from)

/** The document: white background, a system font, and the given content. */
export const svgDocument = (frame: Frame, title: string, children: ReadonlyArray<string>): string =>
  element(
    "svg",
    {
      xmlns: "http://www.w3.org/2000/svg",
      width: frame.width,
      height: frame.height,
      viewBox: `0 0 ${frame.width} ${frame.height}`,
      "font-family": "system-ui, -apple-system, 'Segoe UI', sans-serif",
      "font-size": 12,
      role: "img",
    },
    {
      children: [
        element("title", {}, { text: title }),
        element("rect", { x: 0, y: 0, width: frame.width, height: frame.height, fill: "#ffffff" }),
        element("text", { x: frame.width / 2, y: 24, "text-anchor": "middle", "font-size": 16, "font-weight": "bold" }, { text: title }),
        ...children,
      ],
    },
  ) + "\n"

/** The y axis: gridlines and labels at `ticks`, and the axis title turned on its side. */
export const yAxis = (frame: Frame, ticks: ReadonlyArray<number>, y: (v: number) => number, label: string): ReadonlyArray<string> => [
  ...ticks.flatMap((t) => [
    element("line", { x1: frame.left, x2: frame.right, y1: y(t), y2: y(t), stroke: "#e5e5e5" }),
    element("text", { x: frame.left - 8, y: y(t) + 4, "text-anchor": "end", fill: "#333" }, { text: formatNumber(t) }),
  ]),
  element("line", { x1: frame.left, x2: frame.left, y1: frame.top, y2: frame.bottom, stroke: "#333" }),
  element(
    "text",
    { x: 18, y: (frame.top + frame.bottom) / 2, "text-anchor": "middle", transform: `rotate(-90 18 ${(frame.top + frame.bottom) / 2})` },
    { text: label },
  ),
]

/** The x axis line and its title under the plot. */
export const xAxis = (frame: Frame, label: string): ReadonlyArray<string> => [
  element("line", { x1: frame.left, x2: frame.right, y1: frame.bottom, y2: frame.bottom, stroke: "#333" }),
  element("text", { x: (frame.left + frame.right) / 2, y: frame.height - 16, "text-anchor": "middle" }, { text: label }),
]

/** One legend row under the title: a swatch and a name per series, plus extra entries (a target line). */
export const legend = (
  frame: Frame,
  entries: ReadonlyArray<{ readonly name: string; readonly colour: string; readonly dashed?: boolean }>,
): ReadonlyArray<string> => {
  let x = frame.left
  return entries.flatMap((entry) => {
    const at = x
    x += 36 + entry.name.length * 7
    const swatch = entry.dashed
      ? element("line", { x1: at, x2: at + 18, y1: 44, y2: 44, stroke: entry.colour, "stroke-width": 2, "stroke-dasharray": "5 3" })
      : element("rect", { x: at, y: 38, width: 18, height: 12, fill: entry.colour })
    return [swatch, element("text", { x: at + 24, y: 48 }, { text: entry.name })]
  })
}
