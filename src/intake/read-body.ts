/**
 * Reads a submission's body safely: JSON content type only (415 otherwise), at most
 * `maxBytes` (413), refused up front from Content-Length, and counted while streaming
 * when there is no Content-Length, so the intake never buffers more. hono's bodyLimit
 * trusts Content-Length when present, hence this small reader. Then parses it as JSON
 * without losing duplicate keys (see `src/intake/validate/json-body.ts`).
 */
import { maxJsonDepth, parseJsonBody } from "./validate/json-body.ts"
import { intakeError, type IntakeError } from "./intake-errors.ts"

/** The parsed JSON body, or the error answer. */
export type BodyRead = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: IntakeError }

const isJsonType = (contentType: string | null): boolean => {
  const media = contentType?.split(";")[0]?.trim().toLowerCase()
  return media === "application/json"
}

const tooLarge = (maxBytes: number, seen: string): IntakeError =>
  intakeError(413, "payload_too_large", `body is ${seen}, over this intake's limit of ${maxBytes} bytes ([intake].max_body_bytes); split it into smaller batches`, {
    limit_bytes: maxBytes,
  })

const readLimited = async (request: Request, maxBytes: number): Promise<{ readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false }> => {
  const stream = request.body
  if (stream === null) return { ok: true, bytes: new Uint8Array(0) }
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel("body over the intake's limit")
      return { ok: false }
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return { ok: true, bytes }
}

/** A body read whole, checked once more against the limit (an in-process caller is not held to its Content-Length). */
const whole = (bytes: Uint8Array, maxBytes: number): { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false } =>
  bytes.byteLength > maxBytes ? { ok: false } : { ok: true, bytes }

/** Checks the content type and size, reads the body, and parses it as JSON. */
export const readJsonBody = async (request: Request, maxBytes: number): Promise<BodyRead> => {
  const contentType = request.headers.get("content-type")
  if (!isJsonType(contentType)) {
    const got = contentType === null ? "no Content-Type" : `Content-Type ${JSON.stringify(contentType)}`
    return { ok: false, error: intakeError(415, "unsupported_media_type", `send the body as JSON with Content-Type: application/json; got ${got}`) }
  }
  const declared = Number(request.headers.get("content-length") ?? Number.NaN)
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, error: tooLarge(maxBytes, `${declared} bytes (Content-Length)`) }
  // With a Content-Length (checked above), HTTP/1.1 framing ends the body at that many
  // bytes, so reading it whole is bounded; only a body without one (chunked) is streamed
  // and counted. The stream costs the single-call intake about a tenth of its CPU.
  const read = Number.isFinite(declared) ? whole(await request.bytes(), maxBytes) : await readLimited(request, maxBytes)
  if (!read.ok) return { ok: false, error: tooLarge(maxBytes, `more than ${maxBytes} bytes`) }
  let text: string
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(read.bytes)
  } catch {
    return { ok: false, error: intakeError(400, "invalid_json", "body is not valid UTF-8; send JSON text encoded as UTF-8") }
  }
  const parsed = parseJsonBody(text)
  if (parsed.ok) return parsed
  if (parsed.kind === "syntax") return { ok: false, error: intakeError(400, "invalid_json", parsed.message) }
  if (parsed.kind === "too-deep") return { ok: false, error: intakeError(400, "invalid_request", parsed.message, { field: "body", rule: `nesting depth at most ${maxJsonDepth}`, errors: [{ field: "body", rule: `nesting depth at most ${maxJsonDepth}`, message: parsed.message }] }) }
  const field = parsed.path === "" ? "body" : parsed.path
  return { ok: false, error: intakeError(400, "invalid_request", parsed.message, { field, rule: "no duplicate keys", errors: [{ field, rule: "no duplicate keys", message: parsed.message }] }) }
}
