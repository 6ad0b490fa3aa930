/**
 * Turns a `Cause` into the one-line `reason` carried by lifecycle events and
 * escalation errors. Subscribers (the CLI logger, metrics) get a readable
 * string without having to understand Effect's `Cause` structure.
 */
import { Cause } from "effect"

const describeValue = (value: unknown): string => {
  if (value instanceof Error) {
    const tag = "_tag" in value && typeof value._tag === "string" ? value._tag : value.name
    return value.message === "" || value.message === tag ? tag : `${tag}: ${value.message}`
  }
  if (typeof value === "object" && value !== null && "_tag" in value && typeof value._tag === "string") {
    return value._tag
  }
  return String(value)
}

const describeReason = (reason: Cause.Reason<unknown>): string => {
  if (Cause.isFailReason(reason)) return describeValue(reason.error)
  if (Cause.isDieReason(reason)) return `defect: ${describeValue(reason.defect)}`
  return "interrupted"
}

/**
 * A short description of why an effect ended: each distinct failure, defect or
 * interruption, joined with "; ".
 */
export const describeCause = (cause: Cause.Cause<unknown>): string => {
  const parts = [...new Set(cause.reasons.map(describeReason))]
  return parts.length === 0 ? "no cause recorded" : parts.join("; ")
}
