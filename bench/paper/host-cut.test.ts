import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { loadConfig } from "../../src/config/index.ts"
import { labPlan } from "../lab/lab-plan.ts"
import { chooseCut, scheduleCut } from "./host-cut.ts"

const PAPER = `${import.meta.dir}/../../config/paper.toml`

const paperPlan = async () => {
  const loaded = await loadConfig(PAPER)
  if (Result.isFailure(loaded)) throw new Error("config/paper.toml does not load")
  return labPlan(loaded.success, "config/paper.toml", "/tmp/x")
}

describe("chooseCut", () => {
  test("a host of the config answers its veth on the bridge, as scripts/lab status names it", async () => {
    const plan = await paperPlan()
    expect(chooseCut(plan, "broker-2", "config/paper.toml")).toEqual({ host: "broker-2", veth: "gwl0h1" })
    expect(chooseCut(plan, "bitcoin-1", "config/paper.toml")).toEqual({ host: "bitcoin-1", veth: "gwl0h8" })
  })

  test("none is no cut", async () => {
    expect(chooseCut(await paperPlan(), "none", "config/paper.toml")).toBeUndefined()
  })

  test("any other name is refused, naming the config's hosts (not the chain namespace the lab adds)", async () => {
    const plan = await paperPlan()
    expect(() => chooseCut(plan, "broker-9", "config/paper.toml")).toThrow(
      "--cut-host broker-9 is not a host of config/paper.toml; give one of broker-1, broker-2, broker-3, producer-1, producer-2, producer-3, producer-4, producer-5, bitcoin-1, or none for no cut",
    )
    expect(() => chooseCut(plan, "chain-30", "config/paper.toml")).toThrow("is not a host of")
  })
})

describe("scheduleCut", () => {
  const target = { host: "broker-2", veth: "gwl0h1" }

  test("armed once, the link goes down after the delay and up after the length; both moments are recorded", async () => {
    const changes: Array<string> = []
    let clock = 100
    const cut = scheduleCut(target, 5, 10, { say: () => undefined, setLink: (veth, state) => changes.push(`${veth} ${state}`), now: () => (clock += 7) })
    cut.arm()
    cut.arm()
    expect(cut.window()).toBeUndefined()
    await cut.over()
    expect(changes).toEqual(["gwl0h1 down", "gwl0h1 up"])
    expect(cut.window()).toEqual({ host: "broker-2", veth: "gwl0h1", startedAt: 107, endedAt: 114 })
    cut.restore()
    expect(changes).toHaveLength(2)
  })

  test("restore during the cut brings the link back at once; before the cut it cancels it", async () => {
    const changes: Array<string> = []
    const during = scheduleCut(target, 1, 60_000, { say: () => undefined, setLink: (veth, state) => changes.push(`${veth} ${state}`) })
    during.arm()
    await Bun.sleep(20)
    during.restore()
    await during.over()
    expect(changes).toEqual(["gwl0h1 down", "gwl0h1 up"])
    expect(during.window()?.endedAt).not.toBeNull()

    const before = scheduleCut(target, 60_000, 10, { say: () => undefined, setLink: (veth, state) => changes.push(`${veth} ${state}`) })
    before.arm()
    before.restore()
    await before.over()
    expect(changes).toHaveLength(2)
    expect(before.window()).toBeUndefined()
  })

  test("no target, or never armed: over at once, nothing touched", async () => {
    const none = scheduleCut(undefined, 1, 1, { say: () => undefined, setLink: () => { throw new Error("touched") } })
    none.arm()
    await none.over()
    await scheduleCut(target, 1, 1, { say: () => undefined, setLink: () => { throw new Error("touched") } }).over()
  })

  test("a failed link change rejects `over` and says what to run by hand", async () => {
    const lines: Array<string> = []
    const cut = scheduleCut(target, 1, 1, { say: (l) => lines.push(l), setLink: () => { throw new Error("ip link set gwl0h1 down failed: no such device") } })
    cut.arm()
    await expect(cut.over()).rejects.toThrow("no such device")
    expect(lines[0]).toContain("could not set gwl0h1 (broker-2) down")
  })
})
