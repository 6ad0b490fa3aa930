import { expect, test } from "bun:test"
import { classifyTransactionFailure, describeKafkaError, type TransactionFailure } from "./kafka-transaction-errors.ts"

/** Builds an error shaped like kafkajs's, optionally wrapping `cause` as its retrier does. */
const kafkaError = (fields: { name: string; message: string; type?: string; code?: number | string; retriable?: boolean }, cause?: unknown) =>
  Object.assign(new Error(fields.message), fields, cause === undefined ? {} : { cause })

const epoch = kafkaError({
  name: "KafkaJSProtocolError",
  type: "INVALID_PRODUCER_EPOCH",
  code: 47,
  retriable: false,
  message: "Producer attempted an operation with an old epoch. Either there is a newer producer with the same transactionalId, or the producer's transaction has been expired by the broker",
})

const cases: ReadonlyArray<readonly [string, unknown, TransactionFailure]> = [
  ["INVALID_PRODUCER_EPOCH as raised by EndTxn", epoch, "fenced"],
  ["the same, wrapped by kafkajs's retrier", kafkaError({ name: "KafkaJSNonRetriableError", message: epoch.message }, epoch), "fenced"],
  ["PRODUCER_FENCED, which kafkajs 2.2.4 cannot name", kafkaError({ name: "KafkaJSProtocolError", type: "KAFKAJS_UNKNOWN_ERROR_CODE", code: -99, message: "Unknown error code 90" }), "fenced"],
  ["INVALID_PRODUCER_ID_MAPPING", kafkaError({ name: "KafkaJSProtocolError", type: "INVALID_PRODUCER_ID_MAPPING", code: 49, message: "mapping" }), "fenced"],
  ["OUT_OF_ORDER_SEQUENCE_NUMBER", kafkaError({ name: "KafkaJSProtocolError", type: "OUT_OF_ORDER_SEQUENCE_NUMBER", code: 45, message: "seq" }), "stuck"],
  [
    "kafkajs's state-machine guard",
    kafkaError({ name: "KafkaJSNonRetriableError", message: 'Transaction state exception: Cannot call "beginTransaction" in state "COMMITTING"' }),
    "stuck",
  ],
  [
    "NOT_ENOUGH_REPLICAS after the retries ran out",
    kafkaError({ name: "KafkaJSNumberOfRetriesExceeded", message: "not enough" }, kafkaError({ name: "KafkaJSProtocolError", type: "NOT_ENOUGH_REPLICAS", code: 19, retriable: true, message: "not enough" })),
    "failed",
  ],
  ["MESSAGE_TOO_LARGE", kafkaError({ name: "KafkaJSProtocolError", type: "MESSAGE_TOO_LARGE", code: 10, message: "too large" }), "failed"],
  ["a request timeout", kafkaError({ name: "KafkaJSRequestTimeoutError", message: "Request EndTxn(key: 26, version: 0) timed out" }), "failed"],
  ["a refused connection (string code)", kafkaError({ name: "KafkaJSConnectionError", code: "ECONNREFUSED", message: "Connection error: connect ECONNREFUSED" }), "failed"],
  ["something that is not an error", "boom", "failed"],
]

for (const [name, error, expected] of cases) {
  test(`classifyTransactionFailure: ${name} → ${expected}`, () => {
    expect(classifyTransactionFailure(error)).toBe(expected)
  })
}

test("describeKafkaError names each distinct link once", () => {
  const wrapped = kafkaError({ name: "KafkaJSNonRetriableError", message: epoch.message }, epoch)
  expect(describeKafkaError(wrapped)).toBe(`${epoch.message} <- INVALID_PRODUCER_EPOCH: ${epoch.message}`)
})

test("a cause that points at itself ends the chain", () => {
  const selfish = kafkaError({ name: "KafkaJSError", message: "loop" })
  Object.assign(selfish, { cause: selfish })
  expect(classifyTransactionFailure(selfish)).toBe("failed")
})
