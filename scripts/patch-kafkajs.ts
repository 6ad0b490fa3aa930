// Patches kafkajs 2.2.4 after `npm install` (package.json's postinstall runs this).
//
// kafkajs's RequestQueue re-arms its "check pending requests" timer after every check,
// even with nothing pending: the delay is then `throttledUntil - Date.now()` with
// throttledUntil = -1, a large negative number that runtimes clamp to 1 ms. Every broker
// connection therefore wakes up about a thousand times a second, forever, and Bun prints
// a TimeoutNegativeWarning at start (tulios/kafkajs#1704 and #1751, unfixed upstream).
// Measured here: an idle `gateway --role producer` used 510-620 ms of CPU per 10 s
// before, 250-260 ms after. With nothing pending there is nothing to check: a new
// request and every finished one call checkPendingRequests themselves.
//
// The edit is idempotent, and fails loudly when the source no longer matches (a kafkajs
// upgrade), so the patch is never silently lost.
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const file = join(import.meta.dir, "..", "node_modules", "kafkajs", "src", "network", "requestQueue", "index.js")
const marker = "// gateway: no timer when nothing is pending (scripts/patch-kafkajs.ts)"
const before = `      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      }
      this.throttleCheckTimeoutId = setTimeout(() => {`
const after = `      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL
      } else if (scheduleAt <= 0) {
        ${marker}
        return
      }
      this.throttleCheckTimeoutId = setTimeout(() => {`

const source = readFileSync(file, "utf8")
if (source.includes(marker)) process.exit(0)
if (!source.includes(before)) {
  console.error(`patch-kafkajs: ${file} does not contain the expected scheduleCheckPendingRequests code; kafkajs was upgraded? Re-check the idle-timer loop (tulios/kafkajs#1704) and update scripts/patch-kafkajs.ts`)
  process.exit(1)
}
writeFileSync(file, source.replace(before, after))
console.error("patch-kafkajs: RequestQueue no longer re-arms its timer when nothing is pending (tulios/kafkajs#1704)")
