/**
 * The JSON Schemas (2020-12, as OpenAPI 3.1 uses) of the intake's bodies: the
 * `RequestBody` union of `src/domain/request.ts` with each method's params, and the
 * answers. The rules in each `description` are the ones `src/intake/` enforces, with the
 * rule names a 400 reports, so a client author can read them in one place.
 */
import { readinessSchema } from "../../host/readiness-schema.ts"
import { bitcoinLimits } from "../validate/validate-bitcoin.ts"
import { statusOrder } from "../../status/store.ts"
import { devRecipient, devSigner, sampleTransactions } from "../validate/sample-transactions.ts"

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

const btcAmount = {
  description:
    'Bitcoin amount as a plain decimal, a string (preferred, exact) or a JSON number: > 0 ("greater than 0"), at most 8 places ("max 8 decimal places"), at most 21000000 ("at most 21000000"); no exponent, sign or leading zeros ("plain decimal").',
  oneOf: [{ type: "string", pattern: "^(0|[1-9][0-9]*)(\\.[0-9]{1,8})?$", examples: ["0.1"] }, { type: "number", exclusiveMinimum: 0, maximum: 21_000_000 }],
}

const btcAddress = {
  type: "string",
  description:
    "An address of the configured network: base58check p2pkh/p2sh with that network's version byte (mainnet 0x00/0x05, testnet and regtest 0x6f/0xc4, simnet 0x3f/0x7b), or segwit v0 (bech32) / v1 taproot (bech32m) with its prefix (bc, tb, bcrt, sb). Rules: bitcoin address format, base58check checksum, version byte for <network>, bech32 checksum, bech32 single case, segwit hrp <hrp>, segwit program, bech32 for v0, bech32m for v1+, segwit version 0 or 1.",
}

const account = { type: "string", minLength: 1, maxLength: bitcoinLimits.maxAccountLength, description: "Wallet account the coins come from; also the sender (Kafka key)." }
const minconf = { type: "integer", minimum: 0, description: "Confirmations the spent coins need (rule: integer >= 0)." }

const ethAddress = {
  type: "string",
  pattern: "^0x[0-9a-fA-F]{40}$",
  description: "20-byte hex address (rule: hex address). Mixed case must pass EIP-55 (rule: EIP-55 checksum); all lower or all upper case carries no checksum.",
}
const wei = { type: "string", pattern: "^(0|[1-9][0-9]*)$", description: 'Wei as a decimal integer string, below 2^256 (rules: decimal integer string, below 2^256).', examples: ["1000000000000000000"] }
const gasLimit = { type: "string", pattern: "^[1-9][0-9]*$", description: "Gas limit as a decimal integer string, > 0 and below 2^64; estimated when omitted." }

const request = (chain: string, method: string, params: string, description: string) => ({
  type: "object",
  description,
  additionalProperties: false,
  required: ["chain", "method", "params"],
  properties: { chain: { const: chain }, method: { const: method }, params: ref(params) },
})

const obj = (required: readonly string[], properties: Record<string, unknown>) => ({ type: "object", additionalProperties: false, required, properties })

const errorItem = obj(["field", "rule", "message"], {
  field: { type: "string", examples: ["params.amount", "requests[17].params.to"] },
  rule: { type: "string", examples: ["max 8 decimal places"] },
  message: { type: "string", examples: ['params.amount: must have at most 8 decimal places; got "0.123456789"'] },
})

/** `components.schemas` of the document. */
export const openApiSchemas = (limits: { readonly maxBatchItems: number }) => ({
  RequestBody: {
    description: "One request. Unknown fields are refused (rule: unknown field); missing ones too (rule: required).",
    oneOf: [ref("SendToAddress"), ref("SendFrom"), ref("SendMany"), ref("EthTransfer"), ref("EthContractCall"), ref("EthRawTransaction")],
    discriminator: { propertyName: "method" },
  },
  SendToAddress: request("bitcoin", "sendtoaddress", "SendToAddressParams", "Bitcoin Core sendtoaddress: spends from the configured default account (the sender)."),
  SendToAddressParams: obj(["address", "amount"], { address: btcAddress, amount: btcAmount }),
  SendFrom: request("bitcoin", "sendfrom", "SendFromParams", "Bitcoin Core sendfrom(account, address, amount, minconf), as in paper A."),
  SendFromParams: obj(["account", "address", "amount"], { account, address: btcAddress, amount: btcAmount, minconf }),
  SendMany: request("bitcoin", "sendmany", "SendManyParams", "Bitcoin Core sendmany: one transaction, many outputs (payroll)."),
  SendManyParams: obj(["account", "amounts"], {
    account,
    amounts: {
      type: "object",
      minProperties: 1,
      maxProperties: bitcoinLimits.maxOutputs,
      additionalProperties: btcAmount,
      description: `Address → amount, 1 to ${bitcoinLimits.maxOutputs} outputs (rule: 1 to ${bitcoinLimits.maxOutputs} outputs). Each key is an address as above; an address may appear once (rules: no duplicate keys, no duplicate addresses).`,
    },
    minconf,
  }),
  EthTransfer: request("ethereum", "transfer", "EthTransferParams", "Native ether transfer, signed by the gateway with `from`'s key; the sender is `from`, lower-cased."),
  EthTransferParams: obj(["from", "to", "value"], { from: ethAddress, to: ethAddress, value: wei, gas_limit: gasLimit }),
  EthContractCall: request("ethereum", "call", "EthContractCallParams", "Contract call by ABI fragment and arguments, signed by the gateway with `from`'s key."),
  EthContractCallParams: obj(["from", "to", "abi", "args"], {
    from: ethAddress,
    to: ethAddress,
    abi: { type: "string", description: "One function fragment (rule: function fragment).", examples: ["function transfer(address to, uint256 amount)"] },
    args: {
      type: "array",
      description: "The function's arguments, which must encode against the fragment (rules: args match abi inputs, encodes against abi). Integers may be strings; bools must be JSON booleans.",
      examples: [[devRecipient, "1000"]],
    },
    value: wei,
    gas_limit: gasLimit,
  }),
  EthRawTransaction: request("ethereum", "raw", "EthRawTransactionParams", "A transaction signed by the client, broadcast unchanged; the sender is the recovered signer."),
  EthRawTransactionParams: obj(["tx"], {
    tx: {
      type: "string",
      pattern: "^0x([0-9a-fA-F]{2})+$",
      description: "Serialized signed transaction (rules: hex string, parses as a transaction, signed, chain id <configured>).",
      examples: [sampleTransactions.signedFor31337],
    },
  }),
  BatchBody: obj(["requests"], {
    requests: { type: "array", minItems: 1, maxItems: limits.maxBatchItems, items: ref("RequestBody"), description: `1 to ${limits.maxBatchItems} requests, all valid or none accepted.` },
  }),
  Accepted: obj(["id", "status", "status_url"], {
    id: { type: "string", format: "uuid" },
    status: { type: "string", description: '"accepted" on a 202; the current status on an idempotent 200.' },
    status_url: { type: "string", examples: ["/v1/requests/0b6f…"] },
    replayed: { type: "boolean", description: "Present (true) on a 200 for a repeated Idempotency-Key." },
  }),
  BatchAccepted: obj(["batch_id", "count", "ids", "status_url"], {
    batch_id: { type: "string", format: "uuid" },
    count: { type: "integer" },
    ids: { type: "array", items: { type: "string" }, description: "Request ids, in the order of `requests`." },
    status_url: { type: "string" },
    replayed: { type: "boolean" },
  }),
  Status: { type: "string", enum: [...statusOrder] },
  StatusRecord: {
    type: "object",
    required: ["id", "status", "chain", "sender", "partition", "at"],
    properties: {
      id: { type: "string" },
      status: ref("Status"),
      chain: { enum: ["bitcoin", "ethereum"] },
      sender: { type: "string", examples: [devSigner.toLowerCase(), "default"] },
      partition: { type: "integer" },
      at: { type: "integer", description: "Epoch ms of this status." },
      batch_id: { type: "string" },
      body_hash: { type: "string" },
      txid: { type: "string" },
      node: { type: "string" },
      raw_tx: { type: "string" },
      nonce: { type: "integer" },
      block: { type: "integer" },
      confirmations: { type: "integer" },
      intent_at: { type: "integer" },
      reason: { type: "string" },
      cancel_requested_at: { type: "string", format: "date-time", description: "GET /v1/requests/{id} only: when the client asked to cancel it (DELETE)." },
    },
  },
  Transition: obj(["status", "at", "rev"], {
    status: ref("Status"),
    at: { type: "integer", description: "Epoch ms of this transition." },
    rev: { type: "integer", description: "The executor's revision of the record (0 for the intake's accepted record)." },
    reason: { type: "string" },
    txid: { type: "string" },
  }),
  RequestStatus: {
    allOf: [
      ref("StatusRecord"),
      obj(["history"], { history: { type: "array", items: ref("Transition"), description: "Transitions, oldest first; the newest [status].history_max are kept." } }),
    ],
  },
  CancelAccepted: obj(["id", "status", "cancel", "cancel_requested_at", "next", "status_url"], {
    id: { type: "string" },
    status: { ...ref("Status"), description: "Where the request stood when the cancel was recorded." },
    cancel: { type: "string", enum: ["requested"] },
    cancel_requested_at: { type: "string", format: "date-time" },
    next: { type: "string", description: "What the executor will do, in words." },
    status_url: { type: "string" },
    replayed: { type: "boolean", description: "Set when the cancel had been recorded before." },
  }),
  RequestList: obj(["requests", "page"], {
    requests: { type: "array", items: ref("StatusRecord") },
    page: obj(["returned", "limit", "next", "note"], {
      returned: { type: "integer" },
      limit: { type: "integer" },
      next: { type: ["string", "null"], description: "The next page's URL (same filters, with cursor), or null on the last page." },
      note: { type: "string" },
    }),
  }),
  BatchStatus: obj(["batch_id", "total", "counts", "ids", "page"], {
    batch_id: { type: "string" },
    total: { type: "integer", description: "Requests of the batch this intake's status view has seen." },
    counts: { type: "object", properties: Object.fromEntries(statusOrder.map((s) => [s, { type: "integer" }])) },
    ids: { type: "array", items: { type: "string" } },
    page: obj(["offset", "limit", "returned", "of", "next", "note"], {
      offset: { type: "integer" },
      limit: { type: "integer" },
      status: ref("Status"),
      returned: { type: "integer" },
      of: { type: "integer" },
      next: { type: ["string", "null"], description: "URL of the next page, or null." },
      note: { type: "string" },
    }),
  }),
  Error: {
    type: "object",
    required: ["error", "message"],
    properties: {
      error: {
        enum: ["unauthorized", "unsupported_media_type", "payload_too_large", "invalid_json", "invalid_request", "idempotency_key_reused", "not_ready", "overloaded", "kafka_unavailable", "kafka_ambiguous", "not_found", "write_method", "unknown_method", "rate_limited", "internal"],
      },
      message: { type: "string", description: "What is wrong and what to do next." },
      field: { type: "string", description: "invalid_request / idempotency_key_reused: the (first) field." },
      rule: { type: "string", description: "invalid_request: the (first) rule broken." },
      errors: { type: "array", items: errorItem, description: "invalid_request: every problem (for a batch, every bad item)." },
      retry_after_s: { type: "integer", description: "503: also sent as Retry-After." },
      id: { type: "string", description: "kafka_unavailable / kafka_ambiguous on a request: its id (idempotency_key_reused: the id the key maps to)." },
      status_url: { type: "string", description: "kafka_ambiguous: where to look the request (or batch) up." },
      batch_id: { type: "string", description: "kafka_unavailable / kafka_ambiguous on a batch." },
      queued: { type: "integer", description: "kafka_unavailable / kafka_ambiguous on a batch: requests acked before the failure (they will run)." },
      queued_ids: { type: "array", items: { type: "string" } },
      ambiguous_ids: { type: "array", items: { type: "string" }, description: "kafka_ambiguous on a batch: requests handed to Kafka without an ack; they may have been accepted." },
      not_sent: { type: "integer", description: "kafka_unavailable / kafka_ambiguous on a batch: requests never handed to Kafka." },
      limit_bytes: { type: "integer" },
    },
  },
  Readiness: readinessSchema,
})
