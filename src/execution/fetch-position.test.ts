import { describe, expect, test } from "bun:test"
import { holeRepeatsBeforeSkip, makeFetchPosition } from "./fetch-position.ts"

const at = (...offsets: number[]) => offsets.map((o) => ({ offset: BigInt(o) }))

describe("fetch position", () => {
  test("messages in order from the takeover's position are taken, and the position follows them", () => {
    const p = makeFetchPosition(0n)
    expect(p.admit(at(0, 1, 2))).toEqual({ _tag: "take", messages: at(0, 1, 2) })
    expect(p.admit(at(3, 4))).toEqual({ _tag: "take", messages: at(3, 4) })
    expect(p.next()).toBe(5n)
  })

  test("a batch fetched again is cut to what is new, or is nothing new", () => {
    const p = makeFetchPosition(10n)
    p.admit(at(10, 11, 12))
    expect(p.admit(at(11, 12, 13))).toEqual({ _tag: "take", messages: at(13) })
    expect(p.admit(at(10, 11))).toEqual({ _tag: "seen" })
  })

  test("a batch fetched for the halted owner, past the position, is refused, and the messages from the position are taken after it", () => {
    // The lab's loss: the takeover moved back to 0, a stale batch 882..999 arrived first.
    const p = makeFetchPosition(0n)
    expect(p.admit(at(882, 883, 999))).toEqual({ _tag: "hole", expected: 0n, first: 882n })
    expect(p.next()).toBe(0n)
    expect(p.admit(at(0, 1, 2))).toEqual({ _tag: "take", messages: at(0, 1, 2) })
    expect(p.next()).toBe(3n)
  })

  test("the same hole met again and again is taken as gone from the log, and says which offsets", () => {
    const p = makeFetchPosition(100n)
    for (let i = 1; i < holeRepeatsBeforeSkip; i++) expect(p.admit(at(150, 151))._tag).toBe("hole")
    expect(p.admit(at(150, 151))).toEqual({ _tag: "skip", from: 100n, to: 150n, messages: at(150, 151) })
    expect(p.next()).toBe(152n)
  })

  test("a different hole starts the count again", () => {
    const p = makeFetchPosition(100n)
    for (let i = 1; i < holeRepeatsBeforeSkip; i++) p.admit(at(150))
    expect(p.admit(at(160))._tag).toBe("hole")
    expect(p.admit(at(100))._tag).toBe("take")
    expect(p.admit(at(150))._tag).toBe("hole")
  })
})
