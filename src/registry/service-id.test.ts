import { describe, expect, test } from "bun:test"
import { decodeServiceId, encodeServiceId, serviceIdProblem } from "./service-id.ts"

describe("service ids", () => {
  const roundTrips: ReadonlyArray<string> = ["registry-dashboard", "a", "서비스-레지스트리", "x".repeat(32)]
  test.each(roundTrips)("%p survives bytes32 and back", (id) => {
    expect(serviceIdProblem(id)).toBeUndefined()
    const encoded = encodeServiceId(id)
    expect(encoded).toMatch(/^0x[0-9a-f]{64}$/)
    expect(decodeServiceId(encoded)).toBe(id)
  })

  test("is right-padded UTF-8", () => {
    expect(encodeServiceId("ab")).toBe(`0x6162${"0".repeat(60)}`)
  })

  const problems: ReadonlyArray<readonly [string, string]> = [
    ["", "a non-empty service id"],
    ["a\u0000b", "a service id without NUL characters"],
    ["x".repeat(33), "a service id of at most 32 UTF-8 bytes (this one has 33)"],
    ["가".repeat(11), "a service id of at most 32 UTF-8 bytes (this one has 33)"],
  ]
  test.each(problems)("%p is refused: %s", (id, problem) => {
    expect(serviceIdProblem(id)).toBe(problem)
  })

  test("bytes that are not UTF-8 text come back as hex", () => {
    const hex = `0xff00ff${"0".repeat(58)}`
    expect(decodeServiceId(hex)).toBe(hex)
    expect(decodeServiceId(`0x${"0".repeat(64)}`)).toBe("")
  })
})
