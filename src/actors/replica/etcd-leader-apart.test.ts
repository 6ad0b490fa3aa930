import { describe, expect, test } from "bun:test"
import type { EtcdMember } from "../../adapters/etcd.ts"
import { pickTransferee, transfereeCandidates } from "./etcd-leader-apart.ts"
import { ownEtcdEndpointOf } from "./settings.ts"

const member = (id: string, over: Partial<EtcdMember> = {}): EtcdMember => ({ id, name: `m${id}`, started: true, learner: false, clientUrls: [`http://10.0.0.${id}:2379`], ...over })

describe("transfereeCandidates and pickTransferee", () => {
  test("never the member itself, a learner or a member not started", () => {
    const members = [member("1"), member("2", { learner: true }), member("3", { started: false, name: "", clientUrls: [] }), member("4")]
    expect(transfereeCandidates(members, "1").map((m) => m.id)).toEqual(["4"])
    for (const r of [0, 0.3, 0.5, 0.99]) expect(pickTransferee(transfereeCandidates(members, "1"), () => r)?.id).toBe("4")
  })

  test("spreads over the candidates by the random draw", () => {
    const candidates = transfereeCandidates([member("1"), member("2"), member("3")], "2")
    expect(pickTransferee(candidates, () => 0)?.id).toBe("1")
    expect(pickTransferee(candidates, () => 0.99)?.id).toBe("3")
  })

  test("none when the member is alone", () => {
    expect(pickTransferee(transfereeCandidates([member("1")], "1"))).toBeUndefined()
    expect(pickTransferee(transfereeCandidates([member("1"), member("2", { started: false })], "1"))).toBeUndefined()
  })
})

describe("ownEtcdEndpointOf", () => {
  test("a single endpoint on loopback (the failover lab: each node's replica talks to its namespace's member)", () => {
    expect(ownEtcdEndpointOf(["http://127.0.0.1:2379"], "10.0.0.1")).toBe("http://127.0.0.1:2379")
    expect(ownEtcdEndpointOf(["http://localhost:2379"], undefined)).toBe("http://localhost:2379")
    expect(ownEtcdEndpointOf(["http://[::1]:2379"], undefined)).toBe("http://[::1]:2379")
  })

  test("with several, the one on the host's address (config/paper.toml)", () => {
    const endpoints = ["http://10.77.0.11:2379", "http://10.77.0.12:2379", "http://10.77.0.13:2379"]
    expect(ownEtcdEndpointOf(endpoints, "10.77.0.12")).toBe("http://10.77.0.12:2379")
  })

  test("none for a single name in front of the cluster, which reaches any member", () => {
    expect(ownEtcdEndpointOf(["http://etcd.internal:2379"], "10.0.0.1")).toBeUndefined()
    expect(ownEtcdEndpointOf(["http://10.0.0.9:2379"], "10.0.0.1")).toBeUndefined()
  })

  test("none when no endpoint, or more than one, is on this host (the local stack's three members on loopback)", () => {
    expect(ownEtcdEndpointOf(["http://10.77.0.11:2379", "http://10.77.0.12:2379"], "10.77.0.30")).toBeUndefined()
    expect(ownEtcdEndpointOf(["http://127.0.0.1:2379", "http://127.0.0.1:22379", "http://127.0.0.1:32379"], "127.0.0.1")).toBeUndefined()
    expect(ownEtcdEndpointOf(["http://10.77.0.11:2379", "http://10.77.0.12:2379"], undefined)).toBeUndefined()
  })
})
