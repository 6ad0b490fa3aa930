/**
 * The intake's client SDK: `makeGatewayClient` and the typed request builders. A user
 * writes `client.send(ethereum.transfer({ from, to, value: 1000n }))`, never the JSON.
 */
export {
  type Accepted,
  type BatchAccepted,
  type BatchResult,
  type BatchStatusResult,
  type BatchView,
  type CancelResult,
  type BatchUnavailable,
  type FieldProblem,
  GATEWAY_CLIENT_DEFAULTS,
  type GatewayClient,
  type GatewayClientOptions,
  hasReached,
  InvalidGatewayClientOptions,
  isWebhookRejection,
  type ListFilters,
  type ListResult,
  makeGatewayClient,
  type Refused,
  type RequestView,
  type RotatedSecret,
  type SendOptions,
  type SendResult,
  type SendUnavailable,
  type StatusResult,
  type Unavailable,
  type WaitResult,
  type WebhookResult,
  type WebhookView,
} from "./gateway-client.ts"
export { bitcoin, btcFromSats, ethereum, isRequestBody, type RequestBody } from "./request-builders.ts"
export type { VerifiedWebhook, WebhookRejection } from "../../domain/webhook-signature.ts"
