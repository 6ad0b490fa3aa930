/**
 * Restart intensity: how many restarts a supervisor tolerates within a time
 * window before it gives up and escalates to its parent (OTP's
 * `intensity`/`period`). Kept pure so the arithmetic is tested on its own.
 */

/** At most `maxRestarts` restarts within any `withinMs` window; one more escalates. */
export interface Intensity {
  readonly maxRestarts: number
  readonly withinMs: number
}

/** The default intensity: 3 restarts within 5 seconds. */
export const defaultIntensity: Intensity = { maxRestarts: 3, withinMs: 5_000 }

/** The restart history after recording a restart, and whether it breaks the intensity. */
export interface IntensityVerdict {
  /** Timestamps (ms) of the restarts still inside the window, oldest first. */
  readonly history: ReadonlyArray<number>
  /** True when this restart is one too many: the supervisor must escalate. */
  readonly exceeded: boolean
}

/**
 * Records a restart at `now` and forgets those older than the window, then
 * says whether the count now exceeds `maxRestarts`.
 */
export const recordRestart = (
  history: ReadonlyArray<number>,
  now: number,
  intensity: Intensity
): IntensityVerdict => {
  const recent = [...history.filter((at) => now - at < intensity.withinMs), now]
  return { history: recent, exceeded: recent.length > intensity.maxRestarts }
}
