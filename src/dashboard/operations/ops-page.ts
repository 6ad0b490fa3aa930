/**
 * `/ops`: the backlog per partition, this process's node throttles, requests by status
 * over time, and (with an operator key) what is stuck, failed or dead-lettered, each
 * linked to its history. Rendered once on the server from the same views the API
 * answers; the script keeps it current.
 */
import { type Html, html } from "../html.ts"
import type { OverviewView } from "./ops-views.ts"
import { chartLegend, statusChartSvg } from "./status-chart.ts"
import type { StatusSample } from "../../status/status-series.ts"

/** "12.3 ms", or a dash before the first healthy call. */
export const latencyText = (ms: number | null): string => (ms === null ? "–" : `${ms} ms`)

/** A duration as the page shows ages: "45 s", "3 min 5 s", "2 h 10 min". */
export const ageText = (ms: number): string => {
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

/** One partition's row; the script renders the same. */
export const backlogRow = (p: OverviewView["backlog"]["partitions"][number]): Html =>
  html`<tr data-partition="${p.partition}" data-backlog="${p.backlog}"><td>${p.partition}</td><td class="num">${p.end}</td><td class="num">${p.committed < 0 ? "–" : p.committed}</td><td class="num backlog">${p.backlog}</td></tr>`

/** Which process a node row is from: "this process", or the reporting host, pid and the report's age. */
export const sourceText = (n: OverviewView["nodes"][number], now: number): string =>
  n.host === null ? "this process" : `${n.host} (pid ${n.pid}), ${ageText(Math.max(0, now - (n.reported_at ?? now)))} ago`

/** One node's row; the script renders the same. */
export const nodeRow = (n: OverviewView["nodes"][number], now: number): Html =>
  html`<tr data-node="${n.name}" data-chain="${n.chain}" data-breaker="${n.breaker}" data-host="${n.host ?? ""}"><td>${n.name}</td><td class="source">${sourceText(n, now)}</td><td>${n.chain}</td><td class="num in-flight">${n.in_flight}</td><td class="num limit">${n.limit}</td><td class="num cap">${n.cap}${n.adaptive ? "" : " (fixed)"}</td><td class="num latency">${latencyText(n.latency_ms)}</td><td class="breaker">${n.breaker}</td><td class="num calls">${n.calls}</td><td class="num failures">${n.failures}</td></tr>`

/** This process's event-loop delay, as one sentence; the script writes the same. */
export const loopText = (o: OverviewView): string =>
  o.event_loop === null
    ? "This process does not watch its event loop."
    : `This process's event loop ran a 20 ms timer up to ${o.event_loop.max_ms} ms late over the last ${o.event_loop.window_s} s (p99 ${o.event_loop.p99_ms} ms). Late by more than a few ms means this host is short of CPU: every latency above then reads high with it, whatever the node does.`

/** The nodes the page cannot show, as one sentence; the script writes the same. */
export const elsewhereText = (o: OverviewView): string =>
  o.nodes_elsewhere.length === 0
    ? ""
    : `Neither throttled by this process nor reported by another, so not shown: ${o.nodes_elsewhere.map((n) => `${n.name} (${n.chain}, cap ${n.cap}, called by ${n.hosts.length === 0 ? "no host" : n.hosts.join(", ")})`).join(", ")}. Consumer processes report through etcd; none has reported these (not running, or etcd unreachable).`

const elsewhereNote = (o: OverviewView): Html => html`<p class="hint" id="nodes-elsewhere" ${o.nodes_elsewhere.length === 0 ? html`hidden` : ""}>${elsewhereText(o)}</p>`

const empty = (id: string, text: string, hidden: boolean): Html => html`<p class="hint" id="${id}" ${hidden ? html`hidden` : ""}>${text}</p>`

/** A list of requests (stuck, failed or dlq); rows come from the script once a key is entered. */
const attentionTable = (id: string, title: string, hint: Html): Html => html`<section id="${id}-section">
<h2>${title} <span class="pending" id="${id}-count"></span></h2>
<p class="hint">${hint}</p>
<table><thead><tr><th>request</th><th>status</th><th>chain</th><th>sender</th><th class="num">partition</th><th class="num">for</th><th>reason</th></tr></thead>
<tbody id="${id}-body"></tbody></table>
</section>`

/** The page's content. */
export const opsPage = (o: OverviewView, samples: readonly StatusSample[], stuckAfterS: number, apiKeysEnv: string): Html => html`<section id="nodes-section">
<h2>Nodes</h2>
<p class="hint">Each node's throttle, in this process or as another consumer process reports it through etcd every 2 s: calls in flight, the cap in force now (the adaptive policy halves it on overload or rising latency and adds one after healthy calls), the configured cap, and the smoothed latency of healthy calls.</p>
<table><thead><tr><th>node</th><th>throttled by</th><th>chain</th><th class="num">in flight</th><th class="num">limit</th><th class="num">cap</th><th class="num">latency</th><th>breaker</th><th class="num">calls</th><th class="num">failures</th></tr></thead>
<tbody id="nodes-body">${o.nodes.map((n) => nodeRow(n, o.at))}</tbody></table>
${empty("nodes-empty", "No throttle to show: this process runs no consumer role and no consumer process has reported one yet.", o.nodes.length > 0)}
${elsewhereNote(o)}
<p class="hint" id="event-loop">${loopText(o)}</p>
</section>
<section id="backlog-section">
<h2>Backlog per partition: <span id="backlog-total">${o.backlog.total}</span></h2>
<p class="hint">Messages in <code>${o.backlog.topic}</code> the group <code>${o.backlog.group}</code> has not committed yet, read from Kafka every second by this intake (<span id="backlog-read-at">${o.backlog.read_at === null ? "not read yet" : `read ${new Date(o.backlog.read_at).toISOString()}`}</span>).</p>
<table><thead><tr><th>partition</th><th class="num">end</th><th class="num">committed</th><th class="num">backlog</th></tr></thead>
<tbody id="backlog-body">${o.backlog.partitions.map(backlogRow)}</tbody></table>
</section>
<section id="chart-section">
<h2>Requests by status over time</h2>
<p class="hint">Counts of this host's status view, sampled every ${o.series.every_ms / 1000} s since this process started (the last hour is kept, in memory only); the legend has the counts now.</p>
<div id="chart-box">${statusChartSvg(samples)}</div>
${chartLegend(samples)}
</section>
<p class="hint" id="attention-state">Enter an operator API key (one of the intake's keys, from <code>${apiKeysEnv}</code>) above to list stuck, failed and dead-lettered requests.</p>
${attentionTable("stuck", "Stuck", html`Still <code>accepted</code>, <code>signed</code> or <code>submitted</code> <span id="stuck-after">${stuckAfterS}</span> s after their last change (change it with <code>?stuck_after_s=</code>), longest first.`)}
${attentionTable("failed", "Failed", html`Refused by a node or otherwise given up, newest first, from the last hour (<code>/v1/requests?status=failed</code> lists them all).`)}
${attentionTable("dlq", "Dead-lettered", html`Requests that can never succeed, newest first. The DLQ topic <code>${o.dlq.topic}</code> holds <b id="dlq-messages">${o.dlq.messages ?? "?"}</b> messages, also those that were not requests at all.`)}`
