/**
 * `/dashboard`: every registered service, a form to register one, this host's
 * replication and the live feed.
 */
import { type Html, html } from "./html.ts"
import type { FeedView, ServiceView } from "./json-views.ts"
import { feedSection, replicationSection } from "./page-sections.ts"
import type { ReplicationView } from "./replication-view.ts"

/** What the page shows; `listError` when the registry could not be read. */
export interface ServicesPageData {
  readonly services: ReadonlyArray<ServiceView>
  readonly listError: string | undefined
  readonly replication: ReplicationView | null
  readonly feed: ReadonlyArray<FeedView>
}

/** One row of the services table; the script renders the same. */
export const serviceRow = (s: ServiceView): Html =>
  html`<tr data-service="${s.service_id}"><td><a href="/dashboard/services/${encodeURIComponent(s.service_id)}">${s.service_id}</a></td><td><code>${s.location}</code></td><td>${s.epoch}</td><td>${s.managers.length}</td></tr>`

/** The page's content. */
export const servicesPage = (d: ServicesPageData): Html => html`<section id="services-section">
<h2>Services</h2>
<p class="banner" id="list-error" ${d.listError === undefined ? html`hidden` : ""}>${d.listError ?? ""}</p>
<table><thead><tr><th>service</th><th>location</th><th>epoch</th><th>managers</th></tr></thead>
<tbody id="services-body">${d.services.map(serviceRow)}</tbody></table>
<p class="hint" id="services-empty" ${d.services.length === 0 ? "" : html`hidden`}>No service is registered yet.</p>
</section>
<div class="grid">
<section>
<h2>Register a service</h2>
<form id="register-form" data-action="register" data-method="POST" data-url="/api/dashboard/services" data-reset="true">
<label>service id <input name="service_id" required maxlength="32" placeholder="registry-dashboard"></label>
<label>location <input name="location" required placeholder="http://10.0.0.1:8090"></label>
<label>info <input name="info" placeholder="what it is, who runs it"></label>
<button type="submit">Register</button>
<p class="result" role="status"></p>
</form>
<p class="hint">The gateway's manager key signs it and becomes the first manager.</p>
</section>
${replicationSection(d.replication)}
</div>
${feedSection(d.feed)}`
