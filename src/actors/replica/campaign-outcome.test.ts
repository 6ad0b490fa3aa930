import { describe, expect, test } from "bun:test"
import type { EtcdKeyValue, EtcdTxnResult } from "../../adapters/etcd.ts"
import { campaignOutcome } from "./campaign-outcome.ts"
import { encodeLeaderValue } from "./leader-value.ts"

const mine = encodeLeaderValue({ node: "a", incarnation: "inc-a-2", location: "http://127.0.0.1:8091" })
const theirs = encodeLeaderValue({ node: "b", incarnation: "inc-b-1", location: "http://127.0.0.1:8092" })
const kv = (key: string, value: string, createRevision: number, modRevision = createRevision): EtcdKeyValue => ({ key, value, createRevision, modRevision, version: 1 })
const logSize = kv("svc/LogSize", "40", 3, 57)

describe("campaignOutcome", () => {
  const cases: Array<{ name: string; r: EtcdTxnResult; expected: ReturnType<typeof campaignOutcome> }> = [
    {
      name: "the key was free: elected at the transaction's revision, at the log's end",
      r: { succeeded: true, revision: 60, reads: [[], [logSize]] },
      expected: { _tag: "elected", epoch: 60, position: { size: 40, modRevision: 57 } },
    },
    {
      name: "another incarnation holds it: lost, watch from this revision",
      r: { succeeded: false, revision: 61, reads: [[kv("svc/Leader", theirs, 58)], [logSize]] },
      expected: { _tag: "lost", leader: { node: "b", incarnation: "inc-b-1", location: "http://127.0.0.1:8092" }, epoch: 58, revision: 61 },
    },
    {
      name: "this incarnation holds it (an earlier attempt's answer was lost): elected at the key's create revision",
      r: { succeeded: false, revision: 62, reads: [[kv("svc/Leader", mine, 59)], [logSize]] },
      expected: { _tag: "elected", epoch: 59, position: { size: 40, modRevision: 57 } },
    },
    {
      name: "an empty log on a fresh service",
      r: { succeeded: true, revision: 5, reads: [[], []] },
      expected: { _tag: "elected", epoch: 5, position: { size: 0, modRevision: 0 } },
    },
  ]
  test.each(cases)("$name", ({ r, expected }) => {
    expect(campaignOutcome(r, mine)).toEqual(expected)
  })
})
