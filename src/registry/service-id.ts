/**
 * Service ids are text in the config (`[replica].service_id = "registry-dashboard"`)
 * and `bytes32` on chain, so that events can index them and still be read back: an
 * indexed `string` would only leave its hash in the log. The text is UTF-8, 1 to 32
 * bytes, right-padded with zero bytes.
 */

/** Longest service id, in UTF-8 bytes. */
export const MAX_SERVICE_ID_BYTES = 32

/** Why a service id cannot be stored, or undefined when it can. */
export const serviceIdProblem = (serviceId: string): string | undefined => {
  const bytes = new TextEncoder().encode(serviceId).length
  if (bytes === 0) return "a non-empty service id"
  if (serviceId.includes("\u0000")) return "a service id without NUL characters"
  if (bytes > MAX_SERVICE_ID_BYTES) return `a service id of at most ${MAX_SERVICE_ID_BYTES} UTF-8 bytes (this one has ${bytes})`
  return undefined
}

/** The bytes32 form of a valid service id (check it with serviceIdProblem first). */
export const encodeServiceId = (serviceId: string): string => {
  const padded = new Uint8Array(MAX_SERVICE_ID_BYTES)
  padded.set(new TextEncoder().encode(serviceId).subarray(0, MAX_SERVICE_ID_BYTES))
  return `0x${Buffer.from(padded).toString("hex")}`
}

/**
 * The text of a bytes32 service id. An id written by another client that is not UTF-8
 * text is answered as its 0x hex form, so it can still be shown and passed back.
 */
export const decodeServiceId = (bytes32: string): string => {
  const raw = Buffer.from(bytes32.replace(/^0x/, ""), "hex")
  let end = raw.length
  while (end > 0 && raw[end - 1] === 0) end--
  const body = raw.subarray(0, end)
  if (body.includes(0)) return bytes32.toLowerCase()
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body)
  } catch {
    return bytes32.toLowerCase()
  }
}
