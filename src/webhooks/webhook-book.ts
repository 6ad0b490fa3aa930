/**
 * The in-memory table of the webhooks topic: registrations by id and by owner, and the
 * parked deliveries of each webhook. It is small (a few webhooks per API key, and what
 * was parked), so every host that needs it keeps all of it. Pure: the reader that
 * follows the topic applies entries, the intake applies its own writes at once (so a
 * client reads back what it just registered), and the notifier asks which webhooks a
 * status record goes to.
 */
import type { StatusRecord } from "../domain/status.ts"
import type { ParkedDelivery, Webhook, WebhookEntry } from "./registration.ts"

/** The table and its questions. */
export interface WebhookBook {
  /** Applies one record of the topic (a tombstone removes). */
  readonly apply: (entry: WebhookEntry) => void
  readonly get: (id: string) => Webhook | undefined
  /** An owner's webhooks, oldest first. */
  readonly ofOwner: (owner: string) => readonly Webhook[]
  /**
   * The webhooks `record` is posted to: its owner's, subscribed to its status, and made
   * no later than the change (a webhook hears of what happens after it was registered).
   */
  readonly subscribersOf: (record: StatusRecord) => readonly Webhook[]
  /** A webhook's parked deliveries, oldest first. */
  readonly parkedOf: (webhookId: string) => readonly ParkedDelivery[]
  /** Parked deliveries over every webhook, for the metrics. */
  readonly parkedCount: () => number
  /** Registrations over every owner. */
  readonly size: () => number
}

/** An empty table. */
export const makeWebhookBook = (): WebhookBook => {
  const byId = new Map<string, Webhook>()
  const byOwner = new Map<string, Map<string, Webhook>>()
  const parked = new Map<string, Map<string, ParkedDelivery>>()
  let parkedTotal = 0

  const removeWebhook = (id: string) => {
    const old = byId.get(id)
    if (old === undefined) return
    byId.delete(id)
    byOwner.get(old.owner)?.delete(id)
    if (byOwner.get(old.owner)?.size === 0) byOwner.delete(old.owner)
  }

  return {
    apply: (entry) => {
      if (entry._tag === "webhook") {
        removeWebhook(entry.id)
        if (entry.webhook === undefined) return
        byId.set(entry.id, entry.webhook)
        const mine = byOwner.get(entry.webhook.owner) ?? new Map<string, Webhook>()
        mine.set(entry.id, entry.webhook)
        byOwner.set(entry.webhook.owner, mine)
        return
      }
      const list = parked.get(entry.webhookId) ?? new Map<string, ParkedDelivery>()
      if (list.delete(entry.eventId)) parkedTotal -= 1
      if (entry.parked !== undefined) {
        list.set(entry.eventId, entry.parked)
        parkedTotal += 1
      }
      if (list.size === 0) parked.delete(entry.webhookId)
      else parked.set(entry.webhookId, list)
    },
    get: (id) => byId.get(id),
    ofOwner: (owner) => [...(byOwner.get(owner)?.values() ?? [])].sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id)),
    subscribersOf: (record) => {
      if (record.owner === undefined || (record.kind !== undefined && record.kind !== "request")) return []
      const mine = byOwner.get(record.owner)
      if (mine === undefined) return []
      return [...mine.values()].filter((w) => w.events.includes(record.status) && w.created_at <= record.at)
    },
    parkedOf: (webhookId) => [...(parked.get(webhookId)?.values() ?? [])].sort((a, b) => a.parked_at - b.parked_at),
    parkedCount: () => parkedTotal,
    size: () => byId.size,
  }
}
