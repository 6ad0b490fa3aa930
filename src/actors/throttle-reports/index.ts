/**
 * throttle-reports: how a producer host's operations page sees node throttles that run
 * in other processes. Each consumer process keeps a report of its throttles in etcd
 * under a lease (`throttleReporter`); each producer process reads them all into a cell
 * (`throttleReportReader`) that the page reads. A consumer-only process serves no HTTP,
 * so etcd, which every config names, is where its figures can be found.
 */
export { throttleFigures } from "./figures.ts"
export { makeThrottleReportCell, throttleReportReader, type ThrottleReportCell, type ThrottleReports } from "./follow.ts"
export { reportTtlS, throttleReporter } from "./publish.ts"
