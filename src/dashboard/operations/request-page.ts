/**
 * `/ops/requests/{id}`: one request's latest record and its history, the answer of
 * `GET /v1/requests/{id}` laid out for a person. The page is a frame; the script fills
 * it with the operator's key, since the record names senders and reasons.
 */
import { type Html, html } from "../html.ts"

/** The page's content for `id`. */
export const requestPage = (id: string, apiKeysEnv: string): Html => html`<p><a href="/ops">← operations</a></p>
<section id="request-section">
<h2>Request <code id="request-id">${id}</code></h2>
<p class="banner" id="request-error" hidden></p>
<p class="hint" id="request-state">Enter an operator API key (one of the intake's keys, from <code>${apiKeysEnv}</code>) above to read this request.</p>
<dl id="request-fields">
<dt>status</dt><dd id="request-status">–</dd>
<dt>chain</dt><dd id="request-chain">–</dd>
<dt>sender</dt><dd><code id="request-sender">–</code></dd>
<dt>partition</dt><dd id="request-partition">–</dd>
<dt>txid</dt><dd><code id="request-txid">–</code></dd>
<dt>node</dt><dd id="request-node">–</dd>
<dt>reason</dt><dd class="reason" id="request-reason">–</dd>
</dl>
<h2>History</h2>
<table><thead><tr><th>at (UTC)</th><th>status</th><th class="num">rev</th><th>reason</th><th>txid</th></tr></thead>
<tbody id="history-body"></tbody></table>
<p class="hint">The same as <code>GET /v1/requests/${id}</code>: the newest transitions are kept (<code>[status].history_max</code>).</p>
</section>`
