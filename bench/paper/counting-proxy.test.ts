import { afterAll, describe, expect, test } from "bun:test"
import { answerError, groupErrors, methodsOf, paramsKeyOf, peakOverlap, type ProxiedCall, startCountingProxy } from "./counting-proxy.ts"

describe("reading JSON-RPC bodies and answers", () => {
  test("methods of a call and of a batch; ? for what does not parse", () => {
    expect(methodsOf('{"method":"sendfrom","params":[]}')).toEqual(["sendfrom"])
    expect(methodsOf('[{"method":"a"},{"method":"b"}]')).toEqual(["a", "b"])
    expect(methodsOf("nope")).toEqual(["?"])
  })

  test("the params key ignores the call id, so a repeated broadcast has the same key", () => {
    const a = paramsKeyOf('{"id":1,"method":"eth_sendRawTransaction","params":["0xf8"]}')
    expect(a).toBe(paramsKeyOf('{"id":7,"method":"eth_sendRawTransaction","params":["0xf8"]}'))
    expect(a).not.toBe(paramsKeyOf('{"id":1,"method":"eth_sendRawTransaction","params":["0xf9"]}'))
    expect(paramsKeyOf("[]")).toBeUndefined()
  })

  test("an answer is an error when HTTP fails or any item carries a JSON-RPC error", () => {
    expect(answerError(200, '{"result":"txid","error":null}')).toBeUndefined()
    expect(answerError(200, '{"result":null,"error":{"code":-6,"message":"Insufficient funds"}}')).toBe("-6 Insufficient funds")
    expect(answerError(200, '[{"result":1},{"error":{"code":-32003,"message":"nonce too low"}}]')).toBe("-32003 nonce too low")
    expect(answerError(503, "503 Too busy.  Try again later.")).toBe("HTTP 503 503 Too busy. Try again later.")
  })

  test("peak overlap counts calls that were at the node together; touching intervals do not overlap", () => {
    const c = (method: string, startMs: number, endMs: number): ProxiedCall => ({ method, startMs, endMs, ok: true })
    const calls = [c("sendfrom", 0, 10), c("sendfrom", 10, 20), c("getblockcount", 5, 15), c("sendfrom", 12, 13)]
    expect(peakOverlap(calls)).toBe(3)
    expect(peakOverlap(calls, (m) => m === "sendfrom")).toBe(2)
  })

  test("errors are grouped by method and text, largest first", () => {
    const e = (method: string, error: string): ProxiedCall => ({ method, startMs: 0, endMs: 1, ok: false, error })
    expect(groupErrors([e("a", "x"), e("b", "y"), e("b", "y"), { method: "a", startMs: 0, endMs: 1, ok: true }])).toEqual([
      { method: "b", error: "y", count: 2 },
      { method: "a", error: "x", count: 1 },
    ])
  })
})

describe("the proxy in front of a node", () => {
  let open = 0
  let seenAuth = ""
  const node = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      open++
      seenAuth = request.headers.get("authorization") ?? ""
      const body = (await request.json()) as { method: string }
      await Bun.sleep(30)
      open--
      if (body.method === "busy") return new Response("503 Too busy", { status: 503 })
      if (body.method === "bad") return Response.json({ result: null, error: { code: -5, message: "Invalid address or key" } })
      return Response.json({ result: "ok", error: null })
    },
  })
  const proxy = startCountingProxy(`http://127.0.0.1:${node.port}`)
  afterAll(async () => {
    await proxy.stop()
    await node.stop(true)
  })
  const post = (method: string) =>
    fetch(proxy.url, { method: "POST", headers: { "content-type": "application/json", authorization: "Basic dTpw" }, body: JSON.stringify({ jsonrpc: "1.0", id: 1, method, params: [] }) })

  test("forwards body, credentials and status, and counts calls, errors and the peak", async () => {
    const answers = await Promise.all([post("sendfrom"), post("sendfrom"), post("bad"), post("busy")])
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 503])
    expect(((await answers[0]?.json()) as { result: string }).result).toBe("ok")
    expect(seenAuth).toBe("Basic dTpw")
    const s = proxy.stats()
    expect(s.calls).toBe(4)
    expect(s.errors).toBe(2)
    expect(s.byMethod).toEqual({ sendfrom: 2, bad: 1, busy: 1 })
    expect(s.peakInFlight).toBe(4)
    expect(open).toBe(0)
  })

  test("reset starts a new window", async () => {
    proxy.reset()
    await post("sendfrom")
    expect(proxy.stats()).toMatchObject({ calls: 1, errors: 0, peakInFlight: 1 })
  })
})
