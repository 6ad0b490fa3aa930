import { expect, test } from "bun:test"
import { shouldRestart } from "./child-spec.ts"

test("shouldRestart follows the restart policy table", () => {
  const table = [
    ["permanent", true, true],
    ["permanent", false, true],
    ["transient", true, true],
    ["transient", false, false],
    ["temporary", true, false],
    ["temporary", false, false]
  ] as const
  for (const [policy, failed, expected] of table) {
    expect([policy, failed, shouldRestart(policy, failed)]).toEqual([policy, failed, expected])
  }
})
