/**
 * Page parts both pages show: the replication panel (who leads, the epoch, each
 * replica's LPI and lag) and the live feed of location changes and claims. Rendered
 * once on the server; the script keeps them current.
 */
import { type Html, html } from "./html.ts"
import type { FeedView } from "./json-views.ts"
import type { ReplicationView } from "./replication-view.ts"

/** One feed entry as a list item; the script renders new ones the same way. */
export const feedItem = (f: FeedView): Html => {
  const what =
    f.kind === "location"
      ? html`<b>${f.service_id}</b> moved to <code>${f.location}</code> at epoch <b>${f.epoch}</b>`
      : html`<b>${f.service_id}</b>: <code>${f.claimant}</code> claims <code>${f.location}</code> does not answer`
  return html`<li data-id="${f.id}" data-kind="${f.kind}" data-service="${f.service_id}" data-removed="${f.removed}"><span class="tag ${f.kind}">${f.kind === "location" ? "location" : "claim"}</span> ${what} <span class="pending">block ${f.block_number}${f.confirmed ? "" : " · unconfirmed"}${f.removed ? " · reorged out" : ""}</span></li>`
}

/** The live feed, newest first, optionally only one service's entries. */
export const feedSection = (items: ReadonlyArray<FeedView>, serviceId?: string): Html => html`<section id="feed-section">
<h2>Live feed <span class="pending" id="feed-state">connecting…</span></h2>
<p class="hint">Location changes and claims as the registry watcher sees them${serviceId === undefined ? "" : html` (only <b>${serviceId}</b>)`}.</p>
<ul id="feed">${items.filter((f) => serviceId === undefined || f.service_id === serviceId).map(feedItem)}</ul>
</section>`

/** The replicas table body. */
const replicaRows = (r: ReplicationView): Html =>
  html`${r.replicas.map((p) => html`<tr data-node="${p.node}"><td>${p.node}</td><td>${p.leader ? "leader" : "follower"}</td><td>${p.lpi}</td><td>${p.lag}</td></tr>`)}`

/** Who leads this host's service and how far behind each replica is; `null` on a host without a replica. */
export const replicationSection = (r: ReplicationView | null, registryEpoch?: string): Html => {
  if (r === null) return html`<section id="replication"><h2>Replication</h2><p class="hint">This gateway host runs no replica, so it cannot show the leader or the replicas' lag.</p></section>`
  return html`<section id="replication">
<h2>Replication of <span id="replicated-service">${r.service}</span></h2>
<dl>
<dt>leader</dt><dd id="leader-node">${r.self.leader?.node ?? "(none elected)"}</dd>
<dt>leader location</dt><dd><code id="leader-location">${r.self.leader?.location ?? "-"}</code></dd>
<dt>this host</dt><dd><span id="self-node">${r.self.node}</span>: <span id="self-role">${r.self.role}</span>, LPI <span id="self-lpi">${r.self.lpi}</span> of <span id="self-log-size">${r.self.log_size}</span></dd>
<dt>leader epoch (etcd)</dt><dd id="leader-epoch">${r.self.epoch ?? "(known to the leader)"}</dd>
${registryEpoch === undefined ? "" : html`<dt>epoch in the registry</dt><dd id="registry-epoch">${registryEpoch}</dd>`}
</dl>
<table><thead><tr><th>replica</th><th>role</th><th>LPI</th><th>lag (entries)</th></tr></thead><tbody id="replicas-body">${replicaRows(r)}</tbody></table>
<p class="hint" id="replicas-error">${r.replicas_error ?? ""}</p>
</section>`
}
