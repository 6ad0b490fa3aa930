/**
 * A real HTTP receiver of webhook deliveries on loopback, for the webhook scenarios: it
 * verifies each delivery's signature with the SDK's `verifyWebhook` (the check a client
 * writes), keeps every delivery it got, and answers as the test tells it: accept (200),
 * fail (500), stall past the notifier's timeout and then answer 200, or be down (the
 * port closed, so connections are refused). Restarting it after `down()` keeps its port.
 */
import type { Server } from "bun"
import { isWebhookRejection, verifyWebhook, WEBHOOK_HEADERS } from "../../src/domain/webhook-signature.ts"

/** What the next deliveries get. */
export type ReceiverMode = { readonly _tag: "accept" } | { readonly _tag: "fail"; readonly times: number; readonly thenStallMs?: number } | { readonly _tag: "stall"; readonly ms: number; readonly times: number } | { readonly _tag: "fail-always" }

/** One delivery as received. */
export interface Received {
  readonly eventId: string
  readonly webhookId: string
  /** `verifyWebhook`'s answer: true, or why it refused. */
  readonly verified: true | string
  readonly type: string
  readonly answered: number
  /** It stalled past the notifier's timeout before answering (the notifier had given up on this attempt). */
  readonly stalled: boolean
}

/** A running receiver. */
export interface WebhookReceiver {
  readonly url: string
  /** Every delivery attempt that reached it, in order, whatever it answered. */
  readonly received: Received[]
  /** The event ids it answered 200 for in time (not stalled), verified, each once. */
  readonly accepted: () => ReadonlySet<string>
  readonly setSecret: (secret: string) => void
  /** Answers the next deliveries as `mode` says; `fail` and `stall` count down and then accept (`fail` may stall once first). */
  readonly setMode: (mode: ReceiverMode) => void
  /** Closes the port: deliveries are refused. */
  readonly down: () => void
  /** Opens the same port again. */
  readonly up: () => void
  readonly stop: () => void
}

/** Starts a receiver on a free loopback port. */
export const startWebhookReceiver = (): WebhookReceiver => {
  const received: Received[] = []
  let secret = ""
  let mode: ReceiverMode = { _tag: "accept" }
  let port = 0
  const handle = async (req: Request): Promise<Response> => {
    const body = await req.text()
    const check = verifyWebhook({ secret, headers: req.headers, body })
    const verified = isWebhookRejection(check) ? check.reason : true
    let answer = 200
    let stalledMs = 0
    if (mode._tag === "fail-always") answer = 500
    else if (mode._tag === "fail") {
      answer = 500
      const next: ReceiverMode = mode.thenStallMs === undefined ? { _tag: "accept" } : { _tag: "stall", ms: mode.thenStallMs, times: 1 }
      mode = mode.times <= 1 ? next : { ...mode, times: mode.times - 1 }
    } else if (mode._tag === "stall") {
      stalledMs = mode.ms
      mode = mode.times <= 1 ? { _tag: "accept" } : { _tag: "stall", ms: mode.ms, times: mode.times - 1 }
    }
    let type = ""
    try {
      type = String((JSON.parse(body) as { type?: unknown }).type)
    } catch {
      type = "(not JSON)"
    }
    // Kept as it arrives, so a stall in progress is already counted.
    received.push({ eventId: req.headers.get(WEBHOOK_HEADERS.eventId) ?? "", webhookId: req.headers.get(WEBHOOK_HEADERS.webhookId) ?? "", verified, type, answered: answer, stalled: stalledMs > 0 })
    if (stalledMs > 0) await Bun.sleep(stalledMs)
    return new Response(answer === 200 ? "ok" : "no", { status: answer })
  }
  const listen = (): Server<undefined> => Bun.serve({ hostname: "127.0.0.1", port, fetch: handle, idleTimeout: 60 })
  let server: Server<undefined> | undefined = listen()
  port = server.port ?? 0
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    accepted: () => new Set(received.filter((r) => r.answered === 200 && !r.stalled && r.verified === true).map((r) => r.eventId)),
    setSecret: (s) => { secret = s },
    setMode: (m) => { mode = m },
    down: () => {
      server?.stop(true)
      server = undefined
    },
    up: () => {
      server ??= listen()
    },
    stop: () => {
      server?.stop(true)
      server = undefined
    },
  }
}
