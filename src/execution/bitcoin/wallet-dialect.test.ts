import { describe, expect, test } from "bun:test"
import type { SendFrom, SendMany, SendToAddress } from "../../domain/request.ts"
import { accountOf, isStuckChangeAddress, isTransientRejection, nextChangeAddressCall, walletCallFor } from "./wallet-dialect.ts"

const to: SendToAddress = { chain: "bitcoin", method: "sendtoaddress", params: { address: "SA", amount: "0.1" } }
const from: SendFrom = { chain: "bitcoin", method: "sendfrom", params: { account: "company", address: "SA", amount: "0.25" } }
const many: SendMany = { chain: "bitcoin", method: "sendmany", params: { account: "payroll", amounts: { SA: "1", SB: "0.5" }, minconf: 2 } }

describe("wallet dialect", () => {
  test.each([
    ["sendtoaddress on btcwallet spends unconfirmed change too", to, "btcwallet", { method: "sendfrom", params: ["default", "SA", 0.1, 0] }],
    ["sendtoaddress on bitcoind keeps Core's call", to, "bitcoind", { method: "sendtoaddress", params: ["SA", 0.1] }],
    ["sendfrom sends no comments; minconf 0 on btcwallet", from, "btcwallet", { method: "sendfrom", params: ["company", "SA", 0.25, 0] }],
    ["sendfrom minconf 1 on bitcoind", from, "bitcoind", { method: "sendfrom", params: ["company", "SA", 0.25, 1] }],
    ["sendmany keeps an explicit minconf", many, "btcwallet", { method: "sendmany", params: ["payroll", { SA: 1, SB: 0.5 }, 2] }],
  ] as const)("%s", (_name, body, kind, expected) => {
    expect(walletCallFor(body, kind)).toEqual(expected)
  })

  test("the default account is named differently by the two wallets", () => {
    expect(accountOf(to, "btcwallet")).toBe("default")
    expect(accountOf(to, "bitcoind")).toBe("")
    expect(accountOf(from, "btcwallet")).toBe("company")
  })

  test("rejections that are the wallet racing itself, or stuck on a change address, are told apart", () => {
    expect(isTransientRejection("-26: TX rejected: txn mempool conflict")).toBe(true)
    expect(isTransientRejection("-5: Invalid address or key: SA")).toBe(false)
    expect(isStuckChangeAddress("-5: Invalid address or key: Sb1QMxLKeXdCAzHx8WrzxtFiCnp3NMNZLc")).toBe(true)
    expect(isStuckChangeAddress("-5: Invalid address or key: SQWBbuVmf8gtSMNjrf3xJRWBpTH2qzgBf7")).toBe(false)
    expect(nextChangeAddressCall("company")).toEqual({ method: "getrawchangeaddress", params: ["company"] })
  })
})
