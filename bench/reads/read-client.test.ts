import { describe, expect, test } from "bun:test"
import { balanceCallBody, gatewayHeaders, parseBalancesAnswer, parseRpcAnswer } from "./read-client.ts"

const headers = (h: Readonly<Record<string, string>>) => new Headers(h)
const none = headers({})

describe("parseRpcAnswer", () => {
  test("a balance with the gateway's headers", () => {
    const h = headers({ "X-Gateway-Block": "1234", "X-Gateway-Cache": "hit", "X-Gateway-Node": "eth-2", "X-Gateway-Hedged": "false" })
    expect(parseRpcAnswer(200, '{"jsonrpc":"2.0","id":7,"result":"0xde0b6b3a7640001"}', h)).toEqual({
      ok: true, balance: 1000000000000000001n, block: 1234, cache: "hit", node: "eth-2", hedged: false,
    })
  })

  test("straight from a node: no block", () => {
    expect(parseRpcAnswer(200, '{"jsonrpc":"2.0","id":1,"result":"0x0"}', none)).toEqual({ ok: true, balance: 0n, block: null })
  })

  test("a JSON-RPC error, an HTTP error with the gateway's error code, a batch, garbage", () => {
    expect(parseRpcAnswer(200, '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"header not found"}}', none).error).toBe("-32000 header not found")
    expect(parseRpcAnswer(400, '{"error":"write_method","field":"method"}', none).error).toBe("HTTP 400 write_method")
    expect(parseRpcAnswer(503, "busy", none).error).toBe("HTTP 503 busy")
    expect(parseRpcAnswer(200, '[{"result":"0x1"}]', none).ok).toBe(false)
    expect(parseRpcAnswer(200, '{"result":12}', none).error).toBe("result is not a hex quantity: 12")
    expect(parseRpcAnswer(200, "<html>", none).error).toBe("not JSON: <html>")
  })
})

describe("parseBalancesAnswer", () => {
  test("a decimal balance; the header's block wins over the body's", () => {
    const body = '{"chain":"ethereum","address":"0xab","balance":"1000000000000000001","block":99,"unit":"wei"}'
    expect(parseBalancesAnswer(200, body, headers({ "X-Gateway-Block": "100", "X-Gateway-Cache": "miss" }))).toMatchObject({ ok: true, balance: 1000000000000000001n, block: 100, cache: "miss" })
    expect(parseBalancesAnswer(200, body, none)).toMatchObject({ ok: true, block: 99 })
  })

  test("a hex or missing balance is an error", () => {
    expect(parseBalancesAnswer(200, '{"balance":"0x10"}', none).ok).toBe(false)
    expect(parseBalancesAnswer(404, '{"error":"unknown_chain"}', none).error).toBe("HTTP 404 unknown_chain")
  })
})

describe("the call and its headers", () => {
  test("one eth_getBalance at latest", () => {
    expect(JSON.parse(balanceCallBody("0xab", 3))).toEqual({ jsonrpc: "2.0", id: 3, method: "eth_getBalance", params: ["0xab", "latest"] })
  })

  test("a block header that is not a decimal number counts as absent", () => {
    expect(gatewayHeaders(headers({ "X-Gateway-Block": "0x10" })).block).toBeNull()
  })
})
