/**
 * When the intake says to come back. A 503 or 429 carries `Retry-After`, in seconds
 * (what the intake sends) or as an HTTP date (what a proxy in front of it may send);
 * the client waits at least that long before it tries again.
 */

/** The wait `Retry-After` asks for, in ms from `nowMs`; undefined when absent or unreadable. */
export const retryAfterMs = (header: string | null | undefined, nowMs: number): number | undefined => {
  if (header === null || header === undefined) return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // An HTTP date names its weekday and month; Date.parse alone would read "-1" as a year.
  const at = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}
