import { describe, expect, test } from "bun:test"
import type { NewLocationEvent } from "../registry/index.ts"
import { acceptRead, confirmedThrough, foldNewLocations } from "./location-fold.ts"

const event = (location: string, epoch: bigint, over: Partial<NewLocationEvent> = {}): NewLocationEvent => ({
  _tag: "NewLocation",
  serviceId: "svc",
  location,
  epoch,
  blockNumber: 10,
  blockHash: "0xb",
  transactionHash: "0xt",
  logIndex: 0,
  removed: false,
  ...over,
})

describe("confirmedThrough", () => {
  test.each([
    [100, 0, 100],
    [100, 1, 100],
    [100, 3, 98],
    [1, 5, -3],
  ])("head %p with %p confirmations counts through block %p", (head, confirmations, through) => {
    expect(confirmedThrough(head, confirmations)).toBe(through)
  })
})

describe("foldNewLocations", () => {
  const A = { location: "http://a:1", epoch: 5n }
  const cases: ReadonlyArray<readonly [string, typeof A | undefined, ReadonlyArray<NewLocationEvent>, typeof A | undefined]> = [
    ["no events, no change", A, [], A],
    ["a greater epoch moves it", A, [event("http://b:1", 9n)], { location: "http://b:1", epoch: 9n }],
    ["the greatest of several wins", A, [event("http://b:1", 9n), event("http://c:1", 12n)], { location: "http://c:1", epoch: 12n }],
    ["an equal epoch does not", A, [event("http://b:1", 5n)], A],
    ["an older epoch never moves it back", { location: "http://c:1", epoch: 12n }, [event("http://b:1", 9n)], { location: "http://c:1", epoch: 12n }],
    ["a removed log is ignored", A, [event("http://b:1", 9n, { removed: true })], A],
    ["another service's event is ignored", A, [event("http://b:1", 9n, { serviceId: "other" })], A],
    ["registration (epoch 0) sets it when nothing is known", undefined, [event("http://a:1", 0n)], { location: "http://a:1", epoch: 0n }],
  ]
  test.each(cases)("%s", (_name, known, events, expected) => {
    expect(foldNewLocations(known, "svc", events)).toEqual(expected)
  })
})

describe("acceptRead", () => {
  test("a direct read replaces what was known unless it is older", () => {
    expect(acceptRead(undefined, { location: "x", epoch: 1n })).toEqual({ location: "x", epoch: 1n })
    expect(acceptRead({ location: "x", epoch: 1n }, { location: "y", epoch: 2n })).toEqual({ location: "y", epoch: 2n })
    expect(acceptRead({ location: "y", epoch: 2n }, { location: "x", epoch: 1n })).toEqual({ location: "y", epoch: 2n })
  })
})
