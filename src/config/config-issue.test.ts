import { describe, expect, test } from "bun:test"
import { type ConfigIssue, formatConfigIssue, formatFound, formatKeyPath, type KeySegment } from "./config-issue.ts"

describe("formatKeyPath", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<KeySegment>, string]> = [
    [[], ""],
    [["kafka"], "kafka"],
    [["kafka", "topics", "partitions"], "kafka.topics.partitions"],
    [["hosts", 2, "roles", 0], "hosts[2].roles[0]"],
    [["odd key"], '["odd key"]'],
  ]
  test.each(cases)("%p -> %p", (segments, expected) => {
    expect(formatKeyPath(segments)).toBe(expected)
  })
})

describe("formatFound", () => {
  const cases: ReadonlyArray<readonly [unknown, string]> = [
    [undefined, "nothing (the key is missing)"],
    ["consumr", '"consumr"'],
    [0, "0"],
    [false, "false"],
    [[], "[]"],
    [Array.from({ length: 40 }, (_, i) => i), "a list of 40 items"],
    [{ a: 1 }, "a table"],
  ]
  test.each(cases)("%p -> %p", (value, expected) => {
    expect(formatFound(value)).toBe(expected)
  })
})

describe("formatConfigIssue", () => {
  const cases: ReadonlyArray<readonly [ConfigIssue, string]> = [
    [{ path: "a.b", expected: "x", found: "y" }, "f.toml: a.b: expected x; found y"],
    [{ path: "", expected: "x", found: "y" }, "f.toml: expected x; found y"],
    [{ path: "", expected: "valid TOML", found: "z", line: 7 }, "f.toml:7: expected valid TOML; found z"],
  ]
  test.each(cases)("%p", (issue, expected) => {
    expect(formatConfigIssue("f.toml", issue)).toBe(expected)
  })
})
