/**
 * A gateway started by a process that is then killed outright (SIGKILL, as a cancelled CI
 * job or an out-of-memory kill does it) stops by itself: with `GATEWAY_EXIT_WITH_PARENT=1`,
 * which the tests' and benches' spawners set, it notices it was handed to another parent
 * and drains as on SIGTERM. Without that, the orphan kept the intake's port and its
 * consumer-group membership, and the next run met it. Real binary, real stack, a real bash
 * parent killed with SIGKILL; the orphan's fate is read from the kernel (its pid) and its log.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { isolatedCopy, stackEnv } from "./support/gateway-process.ts"

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const freePort = (): number => {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: () => undefined } })
  const port = probe.port
  probe.stop(true)
  return port
}

const until = async (what: string, check: () => boolean, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await Bun.sleep(100)
  }
}

describe("a gateway whose parent is killed", () => {
  const dir = isolatedCopy(["config/local.toml"])
  let pid = 0
  afterAll(() => {
    if (pid > 0 && alive(pid)) process.kill(pid, "SIGKILL")
    rmSync(dir, { recursive: true, force: true })
  })

  test("stays up while its parent lives, then drains and exits once the parent is SIGKILLed", async () => {
    const config = join(dir, "local.toml")
    writeFileSync(config, readFileSync(config, "utf8").replace('listen = "127.0.0.1:8080"', `listen = "127.0.0.1:${freePort()}"`))
    const log = join(dir, "gateway.log")
    // bash is the parent: it starts the gateway in the background, says its pid, and waits.
    const parent = Bun.spawn(["bash", "-c", "./gateway --config local.toml --host local --role producer 2> gateway.log & echo $!; wait"], {
      cwd: dir,
      env: { PATH: "/usr/bin:/bin", HOME: dir, GATEWAY_EXIT_WITH_PARENT: "1", ...stackEnv() },
      stdout: "pipe",
      stderr: "ignore",
    })
    const reader = parent.stdout.getReader()
    const first = await reader.read()
    pid = Number(new TextDecoder().decode(first.value).trim())
    expect(pid).toBeGreaterThan(0)
    const text = () => (existsSync(log) ? readFileSync(log, "utf8") : "")
    await until("gateway.ready in the gateway's log", () => text().includes('"gateway.ready"'), 90_000)

    // Two parent checks later it is still running: the watch does not fire on its own.
    await Bun.sleep(2_500)
    expect(alive(pid)).toBe(true)
    expect(text()).not.toContain("gateway.parent-gone")

    parent.kill("SIGKILL")
    await parent.exited
    await until("the orphaned gateway to exit", () => !alive(pid), 30_000)
    const lines = text()
    expect(lines).toContain('"gateway.parent-gone"')
    expect(lines).toContain("drained; exiting 0")
  }, 150_000)
})
