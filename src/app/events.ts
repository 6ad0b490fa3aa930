/**
 * What `run-gateway` logs for the host as a whole: its event names, declared once. The
 * supervision tree's lifecycle lines (`runtime.child.started` and the rest) are named in
 * src/runtime/events.ts; run-gateway only writes them.
 */

/** Event names the host logs. */
export const gatewayEvents = {
  /** The host read its config and is starting its actor tree. */
  starting: "gateway.starting",
  /** Every actor of the tree reported started; benches and tests wait for this line. */
  ready: "gateway.ready",
  /** The process that started this one is gone (`GATEWAY_EXIT_WITH_PARENT=1`): the host drains as on SIGTERM. */
  parentGone: "gateway.parent-gone",
} as const
