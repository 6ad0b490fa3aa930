import { expect, test } from "bun:test"
import { Cause, Data } from "effect"
import { describeCause } from "./cause-reason.ts"

class NodeDown extends Data.TaggedError("NodeDown")<{ readonly node: string }> {
  override get message() {
    return `node ${this.node} refused the connection`
  }
}

test("describeCause names tagged errors, defects and interruptions", () => {
  expect(describeCause(Cause.fail(new NodeDown({ node: "btc-1" })))).toBe("NodeDown: node btc-1 refused the connection")
  expect(describeCause(Cause.die(new Error("bad state")))).toBe("defect: Error: bad state")
  expect(describeCause(Cause.fail("plain"))).toBe("plain")
  expect(describeCause(Cause.interrupt(1))).toBe("interrupted")
  expect(describeCause(Cause.combine(Cause.fail("a"), Cause.fail("a")))).toBe("a")
})
