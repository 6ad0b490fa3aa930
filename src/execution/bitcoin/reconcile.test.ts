import { expect, test } from "bun:test"
import { findSent, type WalletEntry } from "./reconcile.ts"

const t0 = 1_800_000_000_000
const e = (txid: string, address: string, amount: number, secs = t0 / 1000 + 5, category = "send"): WalletEntry =>
  ({ txid, address, amount, time: secs, category })

test.each([
  ["matches a send to the same address and amount", { A: "0.1" }, [e("t1", "A", -0.1)], [], "t1"],
  ["ignores a different amount", { A: "0.1" }, [e("t1", "A", -0.10000001)], [], undefined],
  ["ignores a different address", { A: "0.1" }, [e("t1", "B", -0.1)], [], undefined],
  ["ignores receives", { A: "0.1" }, [e("t1", "A", 0.1, t0 / 1000 + 5, "receive")], [], undefined],
  ["ignores a txid another request claimed", { A: "0.1" }, [e("t1", "A", -0.1)], ["t1"], undefined],
  ["picks the unclaimed one of two identical sends", { A: "0.1" }, [e("t1", "A", -0.1), e("t2", "A", -0.1)], ["t1"], "t2"],
  ["ignores sends from long before the request was accepted", { A: "0.1" }, [e("t1", "A", -0.1, t0 / 1000 - 3600)], [], undefined],
  ["sendmany needs every output in one transaction", { A: "0.1", B: "0.2" }, [e("t1", "A", -0.1), e("t1", "B", -0.2)], [], "t1"],
  ["sendmany split over two transactions is not a match", { A: "0.1", B: "0.2" }, [e("t1", "A", -0.1), e("t2", "B", -0.2)], [], undefined],
  ["amounts compare in satoshis, not floats", { A: "0.3" }, [e("t1", "A", -(0.1 + 0.2))], [], "t1"],
] as const)("%s", (_name, outputs, entries, claimed, expected) => {
  expect(findSent(outputs, entries, new Set(claimed), t0)).toBe(expected)
})
