import { describe, expect, test } from "bun:test"
import { joinMembers, sameMembers, splitMembers } from "./members.ts"

describe("a replica set as the registry stores it", () => {
  test.each([
    ["", []],
    ["http://10.0.0.11:8090", ["http://10.0.0.11:8090"]],
    ["http://a:1,http://b:2", ["http://a:1", "http://b:2"]],
    [" http://a:1 , ,http://b:2,", ["http://a:1", "http://b:2"]],
  ] as const)("%j splits into %j", (stored, members) => {
    expect(splitMembers(stored)).toEqual(members)
  })

  test("a set joins to what splits back to it", () => {
    const set = ["http://10.0.0.11:8090", "https://r2.example:443/svc"]
    const joined = joinMembers(set)
    expect(joined).toEqual({ ok: true, stored: "http://10.0.0.11:8090,https://r2.example:443/svc" })
    if (joined.ok) expect(splitMembers(joined.stored)).toEqual(set)
  })

  test.each([
    ["http://a:1,http://b:2", "a comma would split it"],
    ["10.0.0.11:8090", "no scheme"],
    ["http://a b:1", "a blank"],
    ["ftp://a:1", "not http(s)"],
  ])("%j is refused (%s)", (bad) => {
    expect(joinMembers(["http://ok:1", bad])).toEqual({ ok: false, bad })
  })

  test.each([
    ["the same order", ["http://a:1", "http://b:2"], ["http://a:1", "http://b:2"], true],
    ["another order", ["http://b:2", "http://a:1"], ["http://a:1", "http://b:2"], true],
    ["one missing", ["http://a:1"], ["http://a:1", "http://b:2"], false],
    ["one different", ["http://a:1", "http://c:3"], ["http://a:1", "http://b:2"], false],
    ["both empty", [], [], true],
  ] as const)("sameMembers: %s", (_name, a, b, same) => {
    expect(sameMembers(a, b)).toBe(same)
  })
})
