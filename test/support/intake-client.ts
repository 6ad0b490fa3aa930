/** A small HTTP client for the running intake, used by end-to-end tests and benches. */

/** The API key the local stack exports. */
export const apiKey = (process.env.GATEWAY_API_KEYS ?? "local-dev-key").split(",")[0] ?? ""

/** POSTs JSON to the intake with the API key. */
export const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}`, ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  })

/** GETs JSON from the intake with the API key. */
export const get = async (base: string, path: string) => {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(10_000) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/**
 * Polls `check` until it returns true or `timeoutMs` passes; returns whether it did. A
 * check that throws (a refused or slow connection) counts as "not yet".
 */
export const waitUntil = async (check: () => Promise<boolean>, timeoutMs: number, everyMs = 500) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch((e: unknown) => {
      process.stderr.write(`waitUntil: check failed (${e instanceof Error ? e.message : String(e)}); retrying\n`)
      return false
    })) return true
    await new Promise((r) => setTimeout(r, everyMs))
  }
  return false
}

/**
 * Submits one request with its own Idempotency-Key until the intake acknowledges it (202,
 * or 200 for a replay) or `deadline` passes, as a client told "retry" does. Returns its id,
 * or undefined; each refused attempt (when, how long, the answer) goes to `refusals`.
 */
export const submitUntilAcked = async (intake: string, body: unknown, key: string, deadline: number, refusals?: string[]): Promise<string | undefined> => {
  while (Date.now() < deadline) {
    const sentAt = Date.now()
    const res = await post(intake, "/v1/requests", body, { "idempotency-key": key }).catch((e: unknown) => String(e))
    if (typeof res !== "string" && (res.status === 202 || res.status === 200)) return String(((await res.json()) as { id: string }).id)
    const answer = typeof res === "string" ? res : `${res.status} ${(await res.text()).slice(0, 160)}`
    refusals?.push(`${new Date(sentAt).toISOString().slice(11, 23)} +${Date.now() - sentAt} ms: ${answer}`)
    await new Promise((r) => setTimeout(r, 500))
  }
  return undefined
}
