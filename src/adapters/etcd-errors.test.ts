import { describe, expect, test } from "bun:test"
import { GRPCDeadlineExceededError, GRPCUnavailableError } from "etcd3"
import { etcdCallReach } from "./etcd-errors.ts"

describe("etcdCallReach", () => {
  test.each([
    // grpc-js's pick-first balancer when the member's connection is down (load-balancer-pick-first.js)
    ["no connection to the member", new GRPCUnavailableError("14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2379. Resolution note: "), "never-sent"],
    // grpc-js's picker with no subchannel at all (picker.js)
    ["no subchannel", new GRPCUnavailableError("14 UNAVAILABLE: No connection established"), "never-sent"],
    // grpc-js when the HTTP/2 session closes under an active call
    ["connection broke under the call", new GRPCUnavailableError("14 UNAVAILABLE: Connection dropped"), "dropped"],
    ["both said: may have run, so never taken for unsent", new Error("Connection dropped; No connection established"), "dropped"],
    ["a deadline", new GRPCDeadlineExceededError("4 DEADLINE_EXCEEDED: Deadline exceeded"), "unknown"],
    ["a thrown string", "No connection established", "never-sent"],
    ["anything else", { code: 2 }, "unknown"],
  ] as const)("%s", (_, cause, reach) => expect(etcdCallReach(cause)).toBe(reach))
})
