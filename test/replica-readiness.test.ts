/**
 * The replica's readiness check follows its contact with etcd (issue 12): a replica of
 * the sample service behind the real service app reaches one etcd member of the shared
 * stack through a TCP proxy of its own. Cutting that proxy cuts only this replica off
 * (nobody else's connection passes through it, and its keys live under a service id of
 * its own), so `/readyz` must turn 503 naming "replica.etcd", then 200 after the heal.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { type ServedReplica, startServedReplica } from "./support/served-replica.ts"
import { startTcpProxy, type TcpProxy } from "./support/replica-tcp-proxy.ts"

interface ReadyBody { readonly status: string; readonly failing?: readonly string[]; readonly checks: readonly { readonly name: string; readonly state: string; readonly reason?: string }[] }

/** The first etcd member of the local stack (`npm test` starts it). */
const etcdPort = Number(new URL((process.env.GATEWAY_ETCD_ENDPOINTS ?? "http://127.0.0.1:2379").split(",")[0] ?? "").port)

describe("/readyz on the replica listen follows etcd", () => {
  let proxy: TcpProxy | undefined
  let served: ServedReplica | undefined

  beforeAll(async () => {
    proxy = await startTcpProxy(etcdPort)
    served = await startServedReplica("setup-r1", `setup-readiness-${Date.now().toString(36)}`, [proxy.url])
  }, 60_000)
  afterAll(async () => {
    await served?.stop()
    await proxy?.close()
  }, 30_000)

  /** Polls /readyz every 100 ms until `accept` holds; returns the answer and how long it took. */
  const until = async (what: string, accept: (code: number, body: ReadyBody) => boolean, timeoutMs: number) => {
    const t0 = Date.now()
    let last = ""
    while (Date.now() - t0 < timeoutMs) {
      const res = await fetch(`${served?.url}/readyz`, { signal: AbortSignal.timeout(1000) })
      const body = (await res.json()) as ReadyBody
      if (accept(res.status, body)) return { body, ms: Date.now() - t0 }
      last = `${res.status} ${JSON.stringify(body)}`
      await Bun.sleep(100)
    }
    throw new Error(`no ${what} within ${timeoutMs} ms; last answer: ${last}`)
  }

  test("200 while etcd answers, 503 naming replica.etcd once cut off, 200 after the heal", async () => {
    const up = await until("200", (code) => code === 200, 10_000)
    expect(up.body.checks).toMatchObject([{ name: "replica.etcd", state: "ok" }])

    proxy?.cut()
    const down = await until("503", (code, body) => code === 503 && body.failing?.includes("replica.etcd") === true, 10_000)
    expect(down.body.checks[0]?.reason).toContain("etcd")

    proxy?.heal()
    const back = await until("200 again", (code) => code === 200, 15_000)
    console.log(`[replica-readiness] 503 ${down.ms} ms after the cut (${down.body.checks[0]?.reason}); 200 ${back.ms} ms after the heal`)
  }, 60_000)
})
