/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in
 * the text exposition format for `/metrics`. Actors declare their metrics once, in their
 * own `events.ts`, and update them; nothing else formats metric text.
 */

type Labels = Readonly<Record<string, string>>

const needsEscape = /[\\"\n]/
const escapeValue = (v: string): string => (needsEscape.test(v) ? v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") : v)

// Called on every update (several per intake request), so it avoids the sort and the
// replaces when it can: most label sets have one or two names and plain values.
const key = (labels: Labels): string => {
  const names = Object.keys(labels)
  if (names.length > 1) names.sort()
  let out = ""
  for (const k of names) out += `${out === "" ? "" : ","}${k}="${escapeValue(String(labels[k]))}"`
  return out
}

interface Series {
  readonly name: string
  readonly help: string
  readonly type: "counter" | "gauge" | "histogram"
  render(): string[]
}

/** A value that only goes up. */
export interface Counter {
  readonly inc: (labels?: Labels, by?: number) => void
}
/** A value that goes up and down. */
export interface Gauge {
  readonly set: (value: number, labels?: Labels) => void
  readonly add: (delta: number, labels?: Labels) => void
}
/** Counts of observations in buckets, with their sum. */
export interface Histogram {
  readonly observe: (value: number, labels?: Labels) => void
}

/** Holds every declared series; `render()` is the `/metrics` body. */
export interface MetricsRegistry {
  readonly counter: (name: string, help: string) => Counter
  readonly gauge: (name: string, help: string) => Gauge
  readonly histogram: (name: string, help: string, buckets?: readonly number[]) => Histogram
  /** Runs `sample` before every render, to set values read at scrape time (the process's memory). */
  readonly beforeRender: (sample: () => void) => void
  readonly render: () => string
}

/** Latency buckets in seconds, from 1 ms to 10 s. */
export const latencyBuckets: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Makes an empty registry. Declaring the same name twice returns the first series. */
export const makeMetrics = (): MetricsRegistry => {
  const series = new Map<string, Series & { readonly handle: Counter | Gauge | Histogram }>()
  const samplers: Array<() => void> = []

  const scalar = (name: string, help: string, type: "counter" | "gauge") => {
    const values = new Map<string, number>()
    const add = (delta: number, labels: Labels = {}) => {
      const k = key(labels)
      values.set(k, (values.get(k) ?? 0) + delta)
    }
    const handle = type === "counter"
      ? { inc: (labels?: Labels, by = 1) => add(by, labels) }
      : { set: (value: number, labels: Labels = {}) => void values.set(key(labels), value), add: (d: number, l?: Labels) => add(d, l) }
    return { name, help, type, handle, render: () => [...values].map(([l, v]) => `${name}${l ? `{${l}}` : ""} ${v}`) }
  }

  const hist = (name: string, help: string, buckets: readonly number[]) => {
    const values = new Map<string, { counts: number[]; sum: number; count: number }>()
    const handle: Histogram = {
      observe: (value, labels = {}) => {
        const k = key(labels)
        const v = values.get(k) ?? { counts: buckets.map(() => 0), sum: 0, count: 0 }
        buckets.forEach((b, i) => { if (value <= b) v.counts[i] = (v.counts[i] ?? 0) + 1 })
        v.sum += value
        v.count += 1
        values.set(k, v)
      },
    }
    const render = () =>
      [...values].flatMap(([l, v]) => {
        const sep = l ? "," : ""
        return [
          ...buckets.map((b, i) => `${name}_bucket{${l}${sep}le="${b}"} ${v.counts[i]}`),
          `${name}_bucket{${l}${sep}le="+Inf"} ${v.count}`,
          `${name}_sum${l ? `{${l}}` : ""} ${v.sum}`,
          `${name}_count${l ? `{${l}}` : ""} ${v.count}`,
        ]
      })
    return { name, help, type: "histogram" as const, handle, render }
  }

  const declare = <H extends Counter | Gauge | Histogram>(name: string, make: () => Series & { readonly handle: H }): H => {
    const found = series.get(name)
    if (found) return found.handle as H
    const made = make()
    series.set(name, made)
    return made.handle
  }

  return {
    counter: (name, help) => declare<Counter>(name, () => scalar(name, help, "counter") as Series & { readonly handle: Counter }),
    gauge: (name, help) => declare<Gauge>(name, () => scalar(name, help, "gauge") as Series & { readonly handle: Gauge }),
    histogram: (name, help, buckets = latencyBuckets) => declare<Histogram>(name, () => hist(name, help, buckets)),
    beforeRender: (sample) => void samplers.push(sample),
    render: () => {
      for (const sample of samplers) sample()
      return [...series.values()].flatMap((s) => [`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} ${s.type}`, ...s.render()]).join("\n") + "\n"
    },
  }
}
