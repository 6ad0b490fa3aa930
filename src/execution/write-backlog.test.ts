import { describe, expect, test } from "bun:test"
import { makeWriteBacklog } from "./write-backlog.ts"

describe("write backlog", () => {
  test("sums what every added executor holds, until it is removed", () => {
    const backlog = makeWriteBacklog()
    expect(backlog.held()).toBe(0)
    let a = 3
    const removeA = backlog.add(() => a)
    const removeB = backlog.add(() => 4)
    expect(backlog.held()).toBe(7)
    a = 0
    expect(backlog.held()).toBe(4)
    removeB()
    expect(backlog.held()).toBe(0)
    removeA()
    removeA()
    expect(backlog.held()).toBe(0)
  })

  test("the same function added twice counts twice, and each removal takes one", () => {
    const backlog = makeWriteBacklog()
    const held = () => 2
    const first = backlog.add(held)
    backlog.add(held)
    expect(backlog.held()).toBe(4)
    first()
    expect(backlog.held()).toBe(2)
  })
})
