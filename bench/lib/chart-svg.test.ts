import { describe, expect, test } from "bun:test"
import { type BarChart, barChartSvg, type LineChart, lineChartSvg, renderChart } from "./chart-svg.ts"
import { escapeXml, formatNumber, niceTicks } from "./svg-kit.ts"

/**
 * A strict-enough XML check: every tag closes in order, attributes are
 * quoted, and character data holds no raw `<` or bare `&`. Returns the
 * problems found (empty when well-formed) and the decoded texts.
 */
const checkXml = (doc: string): { readonly problems: ReadonlyArray<string>; readonly texts: ReadonlyArray<string>; readonly root?: string } => {
  const problems: Array<string> = []
  const texts: Array<string> = []
  const stack: Array<string> = []
  let root: string | undefined
  const token = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g
  for (const m of doc.matchAll(token)) {
    const [, closing, name, , selfClosing, text, stray] = m
    if (stray !== undefined) problems.push(`stray < at ${m.index}`)
    else if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(text)) problems.push(`bare & in ${JSON.stringify(text)}`)
      if (text.trim() !== "") {
        if (stack.length === 0) problems.push(`text outside the root: ${JSON.stringify(text)}`)
        texts.push(text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&"))
      }
    } else if (name !== undefined) {
      if (stack.length === 0 && root !== undefined && closing === "") problems.push(`second root <${name}>`)
      root ??= name
      if (closing === "/") {
        const open = stack.pop()
        if (open !== name) problems.push(`</${name}> closes <${open}>`)
      } else if (selfClosing !== "/") stack.push(name)
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(", ")}`)
  return { problems, texts, ...(root === undefined ? {} : { root }) }
}

const BAR: BarChart = {
  kind: "bar",
  title: "HTTP intake vs ProducerPerformance",
  yLabel: "records/s",
  series: ["gateway", "reference"],
  groups: [
    { label: "one per call", values: [4200, 9800], note: "0.43x", target: { value: 4900, label: "target >= 0.5x" } },
    { label: "batch <500>", values: [9100, 9800], note: "0.93x", target: { value: 8820, label: "target >= 0.9x" } },
  ],
}

const LINE: LineChart = {
  kind: "line",
  title: "Throughput & in-flight",
  xLabel: "seconds",
  yLabel: "calls/s",
  series: [
    { name: "gateway", points: [[0, 100], [1, 250], [2, 240]] },
    { name: "direct", points: [[0, 300], [1, 310], [2, 0]] },
  ],
}

describe("the checker itself catches broken markup", () => {
  const broken: ReadonlyArray<readonly [string, string]> = [
    ["<svg><g></svg>", "</svg> closes <g>"],
    ["<svg><text>a < b</text></svg>", "stray < at 13"],
    ["<svg><text>R&D</text></svg>", 'bare & in "R&D"'],
    ["<svg>", "unclosed: svg"],
  ]
  test.each(broken)("%p", (doc, problem) => {
    expect(checkXml(doc).problems).toContain(problem)
  })
})

describe("barChartSvg", () => {
  const svg = barChartSvg(BAR)
  const { problems, texts, root } = checkXml(svg)

  test("is one well-formed svg element", () => {
    expect({ problems, root }).toEqual({ problems: [], root: "svg" })
    expect(svg).toStartWith('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450"')
  })

  test("shows the title, axis label, legend, group labels, ratios, targets and values", () => {
    for (const text of ["HTTP intake vs ProducerPerformance", "records/s", "gateway", "reference", "target", "one per call", "batch <500>", "0.43x", "0.93x", "target >= 0.5x", "4.2k", "9.8k", "9.1k"]) {
      expect(texts).toContain(text)
    }
  })

  test("draws one bar per value and one dashed line per target", () => {
    expect(svg.match(/<rect class="bar" [^>]*fill="#0072B2"/g)?.length).toBe(2)
    expect(svg.match(/<rect class="bar" [^>]*fill="#E69F00"/g)?.length).toBe(2)
    expect(svg.match(/stroke-dasharray="6 4"/g)?.length).toBe(2)
  })

  test("a taller bar is drawn taller", () => {
    const heights = [...svg.matchAll(/<rect class="bar" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"/g)].map((m) => Number(m[1]))
    expect(heights.length).toBe(4)
    expect(heights[1]).toBeGreaterThan(heights[0] ?? Infinity)
    expect(heights[1]).toBe(heights[3] ?? -1)
  })
})

describe("lineChartSvg", () => {
  test("is well-formed and names both series, the axes and the title (escaped)", () => {
    const svg = lineChartSvg(LINE)
    const { problems, texts } = checkXml(svg)
    expect(problems).toEqual([])
    expect(svg).toContain("Throughput &amp; in-flight")
    for (const text of ["Throughput & in-flight", "seconds", "calls/s", "gateway", "direct"]) expect(texts).toContain(text)
    expect(svg.match(/<polyline /g)?.length).toBe(2)
  })

  test("labels given x ticks and point values when asked", () => {
    const svg = renderChart({ ...LINE, xTicks: [0, 1, 2], labelPoints: true })
    const { texts } = checkXml(svg)
    for (const text of ["250", "240", "310"]) expect(texts).toContain(text)
  })

  test("an empty chart still renders", () => {
    expect(checkXml(lineChartSvg({ ...LINE, series: [] })).problems).toEqual([])
  })
})

describe("svg-kit", () => {
  const ticks: ReadonlyArray<readonly [number, number, ReadonlyArray<number>]> = [
    [0, 10, [0, 2, 4, 6, 8, 10]],
    [0, 11270, [0, 5000, 10000, 15000]],
    [0, 9000, [0, 2000, 4000, 6000, 8000, 10000]],
    [0, 0.9, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]],
  ]
  test.each(ticks)("niceTicks(%p, %p)", (min, max, expected) => {
    expect(niceTicks(min, max)).toEqual(expected)
  })

  const numbers: ReadonlyArray<readonly [number, string]> = [
    [950, "950"],
    [1500, "1.5k"],
    [12345, "12k"],
    [3_400_000, "3.4M"],
    [0.25, "0.25"],
    [12.34, "12.3"],
    [7, "7"],
  ]
  test.each(numbers)("formatNumber(%p) = %p", (value, text) => {
    expect(formatNumber(value)).toBe(text)
  })

  test("escapeXml", () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe("a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
  })
})
