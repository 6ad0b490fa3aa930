/**
 * The frame every dashboard page shares: title, the registry and signer it works with,
 * the operator-key field manager actions use, and the embedded script and stylesheet.
 * The `body` data attributes tell the script which page it is on and how often to refresh.
 */
import { type Html, html, htmlDocument } from "./html.ts"

/** What the frame shows around a page's content. */
export interface PageFrame {
  readonly title: string
  /** `services` or `service`: which live parts the script drives. */
  readonly page: "services" | "service"
  readonly registry: string
  readonly signer: string | undefined
  readonly refreshMs: number
  readonly serviceId?: string
}

/** A whole HTML document around `content`. */
export const pageLayout = (frame: PageFrame, content: Html): Html =>
  htmlDocument(
    {
      title: `${frame.title} · Service Registry Dashboard`,
      stylesheet: "/dashboard/assets/dashboard.css",
      script: "/dashboard/assets/dashboard.js",
      data: { page: frame.page, "refresh-ms": frame.refreshMs, "service-id": frame.serviceId },
      header: html`  <h1><a href="/dashboard">Service Registry Dashboard</a></h1>
  <span class="meta">registry <code id="registry-address">${frame.registry}</code></span>
  <span class="meta">signs as <code id="signer-address">${frame.signer ?? "(no manager key: actions are off)"}</code></span>
  <label class="meta">operator API key <input id="operator-key" type="password" autocomplete="off" size="18" placeholder="needed for actions"></label>`,
    },
    content,
  )
