/**
 * The body of `POST /v1/numbers`, checked before anything reaches the replica: a JSON
 * object with exactly `request_id` (1 to 128 printable ASCII characters, no spaces; a
 * retry reuses it) and `number` (a JSON integer within ±(2^53 - 1), so every client
 * and every replica reads back the same value). A refusal names the field and the rule.
 */

/** A valid request. */
export interface NumberRequest {
  readonly requestId: string
  readonly number: number
}

/** One broken rule. */
export interface RequestIssue {
  readonly field: string
  readonly rule: string
}

/** The request, or every rule it broke (in field order). */
export type NumberRequestCheck = { readonly ok: true; readonly value: NumberRequest } | { readonly ok: false; readonly issues: readonly RequestIssue[] }

/** The fields a request may carry. */
export const numberRequestFields = ["request_id", "number"] as const

/** Longest request id, in characters. */
export const maxRequestIdLength = 128

const requestIdRule = `must be a string of 1 to ${maxRequestIdLength} printable ASCII characters without spaces`
const numberRule = "must be an integer between -9007199254740991 and 9007199254740991"

/** Why `v` is not a request id (1 to 128 printable ASCII characters, no spaces), or undefined when it is one. */
export const checkRequestId = (v: unknown): string | undefined => {
  if (v === undefined) return `is required (${requestIdRule.replace("must be ", "")}); reuse it when retrying`
  if (typeof v !== "string" || !/^[\x21-\x7e]+$/.test(v) || v.length > maxRequestIdLength) return requestIdRule
  return undefined
}

const checkNumber = (v: unknown): string | undefined => {
  if (v === undefined) return `is required (${numberRule.replace("must be ", "")})`
  if (typeof v !== "number" || !Number.isSafeInteger(v)) return numberRule
  return undefined
}

/** Checks a parsed JSON body. */
export const checkNumberRequest = (body: unknown): NumberRequestCheck => {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, issues: [{ field: "body", rule: `must be a JSON object with ${numberRequestFields.join(" and ")}` }] }
  }
  const fields = body as Record<string, unknown>
  const issues: RequestIssue[] = []
  const idProblem = checkRequestId(fields.request_id)
  if (idProblem !== undefined) issues.push({ field: "request_id", rule: idProblem })
  const numberProblem = checkNumber(fields.number)
  if (numberProblem !== undefined) issues.push({ field: "number", rule: numberProblem })
  for (const key of Object.keys(fields)) {
    if (!(numberRequestFields as readonly string[]).includes(key)) issues.push({ field: key, rule: `is not a field of this request (allowed: ${numberRequestFields.join(", ")})` })
  }
  if (issues.length > 0) return { ok: false, issues }
  return { ok: true, value: { requestId: fields.request_id as string, number: fields.number as number } }
}

/** Parses and checks the raw body text; text that is not JSON is a `body` issue. */
export const parseNumberRequest = (text: string): NumberRequestCheck => {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { ok: false, issues: [{ field: "body", rule: `must be valid JSON: a JSON object with ${numberRequestFields.join(" and ")}` }] }
  }
  return checkNumberRequest(body)
}
