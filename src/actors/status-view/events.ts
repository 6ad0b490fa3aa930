/** What the status view logs: its event names, declared once (the retention sweep's included). */

/** Event names this actor logs. */
export const statusViewEvents = {
  caughtUp: "status-view.caught-up",
  opened: "status-view.opened",
  reset: "status-view.reset",
  storeTaken: "status-view.store-taken",
  /** The retention sweep deleted final requests older than `[status].retention_days`. */
  expired: "status-view.expired",
  /** The retention sweep deleted nothing, and says why (once per new reason). */
  retentionRefused: "status-view.retention-refused",
  unreadable: "status-view.unreadable-record",
} as const
