/**
 * What the webhook routes need from the producer actor: the host's webhook book (read)
 * and a way to write records of the webhooks topic that resolves only after acks=all
 * (registrations, and tombstones for a delete). Injected, so the routes are tested
 * in-process with an in-memory book and a fake writer.
 */
import type { AttemptOutcome } from "../adapters/webhook-http.ts"
import type { WebhookBook } from "../webhooks/webhook-book.ts"
import type { WebhookEntry } from "../webhooks/registration.ts"

/** One record of the webhooks topic to write; `value: null` is a tombstone. */
export interface WebhookWrite {
  readonly key: string
  readonly value: string | null
}

/** Everything `webhookRoutes` is built from. */
export interface WebhookDeps {
  readonly book: WebhookBook
  /** Writes to the webhooks topic and resolves after acks=all; rejects when Kafka did not take them. */
  readonly write: (records: readonly WebhookWrite[]) => Promise<void>
  /** Applies what was just written to this host's book, so the client reads back its own write at once. */
  readonly applyLocal: (entries: readonly WebhookEntry[]) => void
  /** False until the book has read the whole topic once since start: until then the routes answer 503 rather than a partial list. */
  readonly ready?: () => boolean
  /** `[webhooks].max_per_key`. */
  readonly maxPerKey: number
  /** Ids of new webhooks (`wh_<uuid>` when not given). */
  readonly newId?: () => string
  /** Secrets of new webhooks (`whsec_` + 32 random bytes, base64url, when not given). */
  readonly newSecret?: () => string
  /** One delivery attempt (adapters/webhook-http.ts), for redelivering parked deliveries on request; without it that route answers 503. */
  readonly post?: (args: { readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string; readonly timeoutMs: number }) => Promise<AttemptOutcome>
  /** `[webhooks].timeout_ms`: how long one redelivery attempt may take. */
  readonly deliveryTimeoutMs?: number
}
