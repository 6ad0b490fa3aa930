/**
 * The operations page's stylesheet: the dashboard's, so both pages look alike, and the
 * few rules of the chart, its legend and the numeric columns. Embedded in the binary.
 */
import { DASHBOARD_CSS } from "../dashboard-style.ts"

/** Served at `/ops/assets/ops.css`. */
export const OPS_CSS = `${DASHBOARD_CSS}
#backlog-section, #nodes-section { overflow-x: auto; }
#backlog-section table { max-width: 36rem; }
td.when { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr[data-backlog="0"] td.num.backlog { color: var(--muted); }
tr[data-breaker="open"] td.breaker { color: var(--bad); font-weight: 600; }
#status-chart { width: 100%; height: auto; max-height: 16rem; border: 1px solid var(--line); border-radius: 6px; }
#status-chart .grid { stroke: var(--line); stroke-width: 1; }
#status-chart .axis { fill: var(--muted); font: 11px system-ui, sans-serif; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; margin: .4rem 0 0; font-size: .9rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .3rem; vertical-align: -1px; }
.status-failed, .status-dlq { color: var(--bad); font-weight: 600; }
.status-confirmed { color: var(--ok); font-weight: 600; }
.reason { overflow-wrap: anywhere; font-size: .9rem; }
`
