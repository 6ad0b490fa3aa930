/**
 * Who submitted a request, as the records carry it: a short id derived from the API key,
 * never the key itself. Webhooks are registered per API key, so the notifier needs to
 * know whose request each status record is about; the id lets it match a record to a
 * key's webhooks while a reader of `sendto` or `sendto.results` learns nothing that lets
 * them call the intake. The prefix keeps the hash apart from any other use of the key.
 */
import { createHash } from "node:crypto"

/** The owner id of `apiKey`: the first 16 hex digits of sha256("gateway-owner:" + key). */
export const ownerOf = (apiKey: string): string => createHash("sha256").update(`gateway-owner:${apiKey}`).digest("hex").slice(0, 16)

/**
 * `ownerOf`, remembered per key: a host accepts a handful of keys, and a single-call
 * intake should not hash the same key on every request.
 */
export const makeOwnerCache = (): ((apiKey: string) => string) => {
  const known = new Map<string, string>()
  return (apiKey) => {
    const found = known.get(apiKey)
    if (found !== undefined) return found
    const owner = ownerOf(apiKey)
    if (known.size < 1024) known.set(apiKey, owner)
    return owner
  }
}
