/**
 * A progress bar for long bench steps, on stderr only, so stdout stays the
 * clean result table a script can capture. On a terminal the bar redraws in
 * place at most every `ttyIntervalMs` (about 10 times a second); when stderr
 * is a pipe or a CI log it prints a plain line every `lineIntervalMs`
 * instead, so logs stay readable and small.
 */
import { ratePerSecond } from "./stats.ts"

/** Where progress goes: stderr in the real CLI, a recorder in tests. */
export interface ProgressSink {
  /** Writes raw text (no newline added), so a terminal bar can return with `\r`. */
  readonly write: (text: string) => void
  /** True when the sink is a terminal that understands `\r` and erase-line. */
  readonly isTTY: boolean
  /** Terminal width, when known. */
  readonly columns?: number
}

/** What a progress bar is told when it starts. */
export interface ProgressOptions {
  readonly label: string
  /** Expected count; 0 or less means unknown (no bar, no ETA). */
  readonly total: number
  readonly sink: ProgressSink
  /** Milliseconds clock; injected so tests are deterministic. */
  readonly now?: () => number
  readonly ttyIntervalMs?: number
  readonly lineIntervalMs?: number
  /** Redraw on a timer too, so elapsed time moves while nothing completes. Tests turn it off. */
  readonly timer?: boolean
}

/** A running progress display. */
export interface Progress {
  /** Adds `n` (default 1) completed units. */
  readonly tick: (n?: number) => void
  /** Sets the completed count outright (for tools that report totals). */
  readonly set: (count: number) => void
  /** Draws the final state and ends the line; safe to call twice. */
  readonly finish: () => void
}

/** The numbers a progress line is made from. */
export interface ProgressState {
  readonly label: string
  readonly count: number
  readonly total: number
  readonly elapsedMs: number
}

/** `12.3s`, `4m05s`, `1h02m`: short durations for a status line. */
export const formatDuration = (ms: number): string => {
  const s = Math.max(0, ms) / 1000
  if (s < 60) return `${s.toFixed(1)}s`
  const whole = Math.round(s)
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")}m`
}

/**
 * One status line without a bar: `label 500/2000 25% 250.0/s eta 6.0s elapsed 2.0s`.
 * This is also the text of each non-TTY log line.
 */
export const formatProgress = (state: ProgressState): string => {
  const rate = ratePerSecond(state.count, state.elapsedMs)
  const known = state.total > 0
  const counts = known ? `${state.count}/${state.total} ${Math.floor((100 * state.count) / state.total)}%` : `${state.count}`
  const remaining = known ? Math.max(0, state.total - state.count) : 0
  const eta = !known ? "" : rate > 0 ? ` eta ${formatDuration((remaining / rate) * 1000)}` : " eta ?"
  return `${state.label} ${counts} ${rate.toFixed(1)}/s${eta} elapsed ${formatDuration(state.elapsedMs)}`
}

const BAR_WIDTH = 24

/** The status line after a fixed-width `[#####-----]` bar, or without the bar when `columns` is too narrow. */
export const formatBar = (state: ProgressState, columns: number): string => {
  const text = formatProgress(state)
  const width = BAR_WIDTH
  if (state.total <= 0 || text.length + width + 3 > columns) return text.slice(0, Math.max(0, columns - 1))
  const filled = Math.min(width, Math.floor((width * state.count) / state.total))
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${text}`
}

/** Starts a progress display; call `finish` when the step ends. */
export const startProgress = (options: ProgressOptions): Progress => {
  const now = options.now ?? (() => performance.now())
  const { sink, label, total } = options
  const interval = sink.isTTY ? (options.ttyIntervalMs ?? 100) : (options.lineIntervalMs ?? 5000)
  const startedAt = now()
  let count = 0
  let lastDraw = startedAt
  let finished = false
  const state = (): ProgressState => ({ label, count, total, elapsedMs: now() - startedAt })
  const draw = (final: boolean) => {
    lastDraw = now()
    if (sink.isTTY) sink.write(`\r${formatBar(state(), (sink.columns ?? 0) >= 20 ? (sink.columns ?? 80) : 80)}\x1b[K${final ? "\n" : ""}`)
    else sink.write(`${formatProgress(state())}\n`)
  }
  const maybeDraw = () => {
    if (!finished && now() - lastDraw >= interval) draw(false)
  }
  const timer = options.timer === false ? undefined : setInterval(maybeDraw, interval)
  timer?.unref()
  if (sink.isTTY) draw(false)
  return {
    tick: (n = 1) => {
      count += n
      maybeDraw()
    },
    set: (value) => {
      count = value
      maybeDraw()
    },
    finish: () => {
      if (finished) return
      if (timer !== undefined) clearInterval(timer)
      draw(true)
      finished = true
    },
  }
}

/** A sink that discards everything, for benches run with progress turned off. */
export const silentSink: ProgressSink = { write: () => undefined, isTTY: false }

/**
 * Polls `count` every 250 ms until it reaches `total` or `timeoutMs` passes, drawing a
 * progress bar on `sink` meanwhile; returns at once when `total` is already reached.
 */
export const waitWithProgress = async (label: string, total: number, count: () => number, timeoutMs: number, sink: ProgressSink): Promise<void> => {
  if (count() >= total) return
  const bar = startProgress({ label, total, sink })
  const deadline = Date.now() + timeoutMs
  while (count() < total && Date.now() < deadline) {
    bar.set(count())
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  bar.set(count())
  bar.finish()
}
