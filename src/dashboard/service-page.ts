/**
 * `/dashboard/services/:id`: one service's record (location, epoch, info, managers),
 * the replica set its leader published, the manager actions on it, its replication when this host replicates it, and its
 * entries of the live feed.
 */
import { type Html, html } from "./html.ts"
import type { FeedView, ServiceView } from "./json-views.ts"
import type { MembersView } from "./members-view.ts"
import { feedSection, replicationSection } from "./page-sections.ts"
import type { ReplicationView } from "./replication-view.ts"

/** What the page shows. */
export interface ServicePageData {
  readonly service: ServiceView
  readonly members: MembersView
  readonly signer: string | undefined
  readonly replication: ReplicationView | null
  readonly feed: ReadonlyArray<FeedView>
}

const apiPath = (id: string) => `/api/dashboard/services/${encodeURIComponent(id)}`

/** One manager with its remove button; the script renders the same. */
export const managerItem = (serviceId: string, account: string, signer: string | undefined): Html =>
  html`<li data-account="${account}"><code>${account}</code>${account === signer ? " (this gateway)" : ""} <button type="button" data-remove-manager="${account}" data-url="${apiPath(serviceId)}/managers/${account}">Remove</button></li>`

/** What the page says while no replica set is published; the script says the same. */
export const NO_MEMBERS_YET = "none published yet (the leader publishes them a block after its location)"

/** The published replica set: what the hedging clients ask when the location is silent. */
const membersItems = (m: MembersView): Html =>
  m.members === null
    ? html`<p class="banner" id="members-error">${m.members_error}</p>`
    : m.members.length === 0
      ? html`<span id="members" class="hint">${NO_MEMBERS_YET}</span>`
      : html`<ul id="members">${m.members.map((url) => html`<li><code>${url}</code></li>`)}</ul>`

/** The page's content. */
export const servicePage = (d: ServicePageData): Html => {
  const s = d.service
  const next = (BigInt(s.epoch) + 1n).toString()
  const replication = d.replication !== null && d.replication.service !== s.service_id
    ? html`<section id="replication"><h2>Replication</h2><p class="hint">This host replicates <b>${d.replication.service}</b>, not this service, so it cannot show its leader or lag.</p></section>`
    : replicationSection(d.replication, s.epoch)
  return html`<div class="grid">
<section id="service-section">
<h2>Service <span id="service-id">${s.service_id}</span></h2>
<dl>
<dt>location</dt><dd><code id="location">${s.location}</code></dd>
<dt>epoch</dt><dd id="epoch">${s.epoch}</dd>
<dt>info</dt><dd id="info">${s.info}</dd>
<dt>managers</dt><dd><ul id="managers">${s.managers.map((m) => managerItem(s.service_id, m, d.signer))}</ul></dd>
<dt>replica set</dt><dd id="members-cell" data-shown="${d.members.members === null ? `error ${d.members.members_error}` : d.members.members.join(",")}">${membersItems(d.members)}</dd>
</dl>
<p class="result" id="managers-result" role="status"></p>
</section>
${replication}
</div>
<div class="grid">
<section>
<h2>Move it</h2>
<form id="location-form" data-action="update_location" data-method="POST" data-url="${apiPath(s.service_id)}/location">
<label>location <input name="location" required value="${s.location}"></label>
<label>epoch <input name="epoch" required inputmode="numeric" value="${next}" data-next-epoch="${next}"></label>
<button type="submit">Update location</button>
<p class="result" role="status"></p>
</form>
<p class="hint">The registry takes only an epoch above the last (${s.epoch}). A leader writes its own (its leader key's create revision); moving it by hand with a larger one can make the next leader's write stale.</p>
</section>
<section>
<h2>Describe it</h2>
<form id="info-form" data-action="update_info" data-method="POST" data-url="${apiPath(s.service_id)}/info">
<label>info <input name="info" value="${s.info}"></label>
<button type="submit">Update info</button>
<p class="result" role="status"></p>
</form>
<h2>Add a manager</h2>
<form id="manager-form" data-action="add_manager" data-method="POST" data-url="${apiPath(s.service_id)}/managers" data-reset="true">
<label>account <input name="account" required placeholder="0x…"></label>
<button type="submit">Add manager</button>
<p class="result" role="status"></p>
</form>
</section>
</div>
${feedSection(d.feed, s.service_id)}`
}
