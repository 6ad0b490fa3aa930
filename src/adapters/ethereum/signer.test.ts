import { describe, expect, test } from "bun:test"
import { Transaction, Wallet } from "ethers"
import { jsSigningBackend } from "./secp256k1-js.ts"
import { loadNativeSecp256k1 } from "./secp256k1-native.ts"
import { activeSignerBackend, BadSigningKey, NativeSignerUnavailable, signersFromKeyList, signersWithBackend, type UnsignedTransaction } from "./signer.ts"
import { resolveSigningBackend } from "./signing-backend.ts"

// anvil's first two dev keys: well-known test keys, never used for value.
const devKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
const devKey2 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
const recipient = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
const erc20Transfer =
  "0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c800000000000000000000000000000000000000000000000000000000000003e8"

const base: UnsignedTransaction = {
  chainId: 31337, nonce: 0, to: recipient, value: 1n, data: "0x", gasLimit: 21_000n, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n,
}

const cases: ReadonlyArray<readonly [string, UnsignedTransaction]> = [
  ["zero value, nonce 0", { ...base, value: 0n }],
  ["one ether", { ...base, nonce: 1, value: 10n ** 18n }],
  ["largest value", { ...base, nonce: 2, value: (1n << 256n) - 1n }],
  ["ERC-20 transfer call", { ...base, nonce: 3, value: 0n, data: erc20Transfer, gasLimit: 60_000n }],
  ["1 KiB of call data", { ...base, nonce: 4, data: `0x${"ab".repeat(1024)}`, gasLimit: 500_000n }],
  ["largest safe nonce", { ...base, nonce: Number.MAX_SAFE_INTEGER }],
  ["big fees", { ...base, nonce: 7, maxFeePerGas: 10n ** 24n, maxPriorityFeePerGas: 10n ** 23n, gasLimit: 30_000_000n }],
  ["zero fees", { ...base, nonce: 8, maxFeePerGas: 0n, maxPriorityFeePerGas: 0n }],
  ["chain id 1", { ...base, chainId: 1, nonce: 9 }],
  ["chain id above 2^32", { ...base, chainId: 2 ** 40 + 7, nonce: 10 }],
  ["lower-case recipient", { ...base, nonce: 11, to: recipient.toLowerCase() }],
  // For devKey these nonces give a signature whose s (141) or r (277) starts with a zero byte.
  ["short s", { ...base, nonce: 141 }],
  ["short r", { ...base, nonce: 277 }],
]

const backends = [["native", loadNativeSecp256k1()], ["js", jsSigningBackend]] as const

describe.each(backends)("the %s backend", (name, backend) => {
  test("loads on this machine (scripts/install apt installs libsecp256k1-1)", () => expect(backend.name).toBe(name))

  describe.each([devKey, devKey2])("key %#", (key) => {
    const wallet = new Wallet(key)
    const signer = backend.name === "unavailable" ? undefined : signersWithBackend(key, backend).get(wallet.address.toLowerCase())

    test.each(cases)("%s: the bytes and hash of Wallet.signTransaction, and the sender recovers", async (_, tx) => {
      const expected = await wallet.signTransaction({ type: 2, ...tx })
      const signed = signer?.sign(tx)
      expect(signed?.raw).toBe(expected)
      const parsed = Transaction.from(expected)
      expect(signed?.hash).toBe(parsed.hash ?? "")
      expect(Transaction.from(signed?.raw ?? "0x").from).toBe(wallet.address)
    })
  })
})

test("the table covers signatures whose r or s is shorter than 32 bytes", () => {
  const signer = signersWithBackend(devKey, jsSigningBackend).values().next().value
  const short = [141, 277].map((nonce) => Transaction.from(signer?.sign({ ...base, nonce }).raw ?? "0x").signature)
  expect(short.map((s) => [s?.s.startsWith("0x00"), s?.r.startsWith("0x00")])).toEqual([[true, false], [false, true]])
})

describe("signersFromKeyList", () => {
  test("keys every signer by its lower-case address, skips blanks and repeats", () => {
    const signers = signersFromKeyList(` ${devKey} ,, ${devKey2},${devKey}`)
    expect([...signers.keys()]).toEqual([new Wallet(devKey).address.toLowerCase(), new Wallet(devKey2).address.toLowerCase()])
    expect([...signers.values()].map((s) => s.address)).toEqual([...signers.keys()])
  })

  test("an empty list gives no signers", () => expect(signersFromKeyList("").size).toBe(0))

  test("auto picks native here, and every choice signs the same bytes", () => {
    expect(activeSignerBackend()).toBe("native")
    const raws = (["auto", "native", "js"] as const).map((choice) => signersFromKeyList(devKey, choice).values().next().value?.sign(base).raw)
    expect(new Set(raws).size).toBe(1)
  })

  test.each([
    ["not hex", "0xzz0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"],
    ["no 0x", devKey.slice(2)],
    ["31 bytes", devKey.slice(0, 64)],
    ["zero", `0x${"00".repeat(32)}`],
    ["the curve order", "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"],
  ])("a key that is %s is refused by position, and the error does not carry it", (_, bad) => {
    const thrown = (() => {
      try {
        signersFromKeyList(`${devKey},${bad}`)
      } catch (e) {
        return e
      }
    })()
    expect(thrown).toBeInstanceOf(BadSigningKey)
    expect(thrown).toMatchObject({ _tag: "BadSigningKey", position: 1 })
    const text = `${String(thrown)} ${JSON.stringify(thrown)} ${(thrown as Error).stack ?? ""}`
    expect(text).not.toContain(bad.slice(2, 34))
    expect(text).not.toContain(devKey.slice(2, 34))
  })

  test("a signer shows no key when printed", () => {
    const signer = signersFromKeyList(devKey).values().next().value
    expect(`${JSON.stringify(signer)} ${Bun.inspect(signer)}`).not.toContain(devKey.slice(2, 34))
  })
})

describe("when libsecp256k1 cannot be loaded", () => {
  const missing = loadNativeSecp256k1(["/nonexistent/libsecp256k1.so.1"])

  test("auto falls back to ethers and signs the same bytes", async () => {
    const backend = resolveSigningBackend("auto", missing, jsSigningBackend)
    expect(backend.name).toBe("js")
    const signed = signersWithBackend(devKey, backend).values().next().value?.sign(base)
    expect(signed?.raw).toBe(await new Wallet(devKey).signTransaction({ type: 2, ...base }))
  })

  test("native is refused with a reason that names the library, not a key", () => {
    expect(() => resolveSigningBackend("native", missing, jsSigningBackend)).toThrow(NativeSignerUnavailable)
    expect(() => resolveSigningBackend("native", missing, jsSigningBackend)).toThrow(/\/nonexistent\/libsecp256k1\.so\.1.*libsecp256k1-1/)
  })
})
