import { describe, expect, test } from "bun:test"
import { labHosts, labLayout, subnetOfName } from "./lab-layout.ts"

describe("labLayout", () => {
  test("names every namespace and veth with the lab's prefix, within the 15-character limit", () => {
    const layout = labLayout(42, 6)
    expect(layout.bridge).toBe("gwfo42br")
    expect(layout.bridgeAddress).toBe("10.77.42.1")
    expect(layout.nodes.map((n) => n.name)).toEqual(["n1", "n2", "n3", "n4", "n5", "n6"])
    expect(layout.nodes.map((n) => n.address)).toEqual(["10.77.42.11", "10.77.42.12", "10.77.42.13", "10.77.42.14", "10.77.42.15", "10.77.42.16"])
    expect(layout.chain).toMatchObject({ name: "chain", netns: "gwfo42-chain", hostVeth: "gwfo42h0", address: "10.77.42.100" })
    for (const h of labHosts(layout)) {
      expect(h.hostVeth.length).toBeLessThanOrEqual(15)
      expect(h.innerVeth.length).toBeLessThanOrEqual(15)
      expect(subnetOfName(h.netns)).toBe(42)
      expect(subnetOfName(h.hostVeth)).toBe(42)
    }
    expect(subnetOfName(layout.bridge)).toBe(42)
  })

  test("refuses subnets and node counts outside the lab's range", () => {
    expect(() => labLayout(0, 6)).toThrow(RangeError)
    expect(() => labLayout(100, 6)).toThrow(RangeError)
    expect(() => labLayout(5, 0)).toThrow(RangeError)
  })

  test("does not claim names of other interfaces", () => {
    expect(subnetOfName("eth0")).toBeUndefined()
    expect(subnetOfName("gwfo")).toBeUndefined()
    expect(subnetOfName("gwfox-n1")).toBeUndefined()
    expect(subnetOfName("gwfo7")).toBeUndefined()
  })
})
