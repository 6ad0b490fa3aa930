/**
 * What the throttle-reports actors log: their event names, declared in one place.
 */

/** Event names these actors log. */
export const throttleReportEvents = {
  publishFailed: "throttle-reports.publish-failed",
  publishResumed: "throttle-reports.publish-resumed",
  readFailed: "throttle-reports.read-failed",
  unreadable: "throttle-reports.unreadable",
} as const
