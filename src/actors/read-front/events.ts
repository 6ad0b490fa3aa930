/**
 * What the read-front actor logs: its event names, declared once. The read service it
 * runs (src/reads/) declares its own lines in src/reads/events.ts; this is the actor's
 * line about following the chains' heads. The name keeps its `reads.` prefix, which
 * dashboards and log searches already use.
 */

/** Event names this actor logs. */
export const readFrontEvents = {
  /** The actor started following each chain's head, every `every_ms`. */
  following: "reads.following",
} as const
