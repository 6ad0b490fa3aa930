/**
 * The brief's targets as data, and the one place that decides whether a
 * measured figure met its target. A target bounds either the ratio against
 * the reference measured in the same run ("≥ 0.5x ProducerPerformance") or
 * the raw value where there is no reference ("p99 ≤ 20 ms").
 */

/** What a target bounds, and in which direction. */
export type TargetKind = "ratio-at-least" | "ratio-at-most" | "value-at-least" | "value-at-most"

/** One target from the brief's table. */
export interface Target {
  readonly kind: TargetKind
  readonly bound: number
}

/** The ratio must reach `bound` (e.g. 0.5 for "≥ 0.5x"). */
export const ratioAtLeast = (bound: number): Target => ({ kind: "ratio-at-least", bound })

/** The ratio must stay under `bound` (e.g. 2 for "node p99 ≤ 2x its idle p99"). */
export const ratioAtMost = (bound: number): Target => ({ kind: "ratio-at-most", bound })

/** The value itself must reach `bound`, in the measure's unit. */
export const valueAtLeast = (bound: number): Target => ({ kind: "value-at-least", bound })

/** The value itself must stay under `bound` (e.g. 20 for "p99 ≤ 20 ms"). */
export const valueAtMost = (bound: number): Target => ({ kind: "value-at-most", bound })

/** `>= 0.5x`, `<= 20 ms`: how a target reads in tables and charts (ASCII, so any log shows it). */
export const targetText = (target: Target, unit: string): string => {
  const op = target.kind.endsWith("at-least") ? ">=" : "<="
  return target.kind.startsWith("ratio") ? `${op} ${target.bound}x` : `${op} ${target.bound}${unit === "" ? "" : ` ${unit}`}`
}

/**
 * Whether `value` (and its `ratio`, when there is a reference) met `target`;
 * null when the target bounds a ratio that could not be computed, because
 * "not measured" must not read as either pass or fail.
 */
export const targetMet = (target: Target, value: number, ratio: number | null): boolean | null => {
  const subject = target.kind.startsWith("ratio") ? ratio : value
  if (subject === null || !Number.isFinite(subject)) return null
  return target.kind.endsWith("at-least") ? subject >= target.bound : subject <= target.bound
}

/** value / reference, or null when there is no usable reference. */
export const ratioOf = (value: number, reference: number | null): number | null =>
  reference === null || reference === 0 || !Number.isFinite(reference) ? null : value / reference
