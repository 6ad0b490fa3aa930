/**
 * The frame of the operations pages: the same stylesheet as the Service Registry
 * Dashboard (plus the page's own rules), the host and roles this process runs, and the
 * operator-key field the request lists need. The `body` data attributes tell the script
 * which page it is on and how often to refresh.
 */
import { type Html, html, htmlDocument } from "../html.ts"

/** What the frame shows around a page's content. */
export interface OpsFrame {
  readonly title: string
  readonly page: "ops" | "request"
  readonly host: string
  readonly roles: readonly string[]
  readonly refreshMs: number
  readonly requestId?: string
  readonly stuckAfterS?: number
}

/** A whole HTML document around `content`. */
export const opsLayout = (frame: OpsFrame, content: Html): Html =>
  htmlDocument(
    {
      title: `${frame.title} · Gateway operations`,
      stylesheet: "/ops/assets/ops.css",
      script: "/ops/assets/ops.js",
      data: { page: frame.page, "refresh-ms": frame.refreshMs, "request-id": frame.requestId, "stuck-after-s": frame.stuckAfterS },
      header: html`  <h1><a href="/ops">Gateway operations</a></h1>
  <span class="meta">host <code id="host-name">${frame.host}</code> · roles <code id="host-roles">${frame.roles.join(", ")}</code></span>
  <span class="meta"><a href="/metrics">/metrics</a> · <a href="/ops/api/openapi.json">API</a></span>
  <label class="meta">operator API key <input id="operator-key" type="password" autocomplete="off" size="18" placeholder="needed for request lists"></label>`,
    },
    content,
  )
