/**
 * The extra Ethereum nodes the scale bench needs: anvil processes it starts
 * on free loopback ports for the duration of the run, each its own chain with
 * the same settings, and stops again by pid (SIGTERM, then SIGKILL), also
 * when the run fails or the bench is interrupted. Nothing else is touched:
 * the stack's own anvil keeps running for everybody else.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BenchFailed } from "../lib/bench-definition.ts"
import { freeLoopbackPort } from "../lib/free-port.ts"
import { guardInterrupt } from "../lib/interrupt-guard.ts"

/** How every node of the fleet is set up. */
export interface AnvilSettings {
  readonly count: number
  readonly chainId: number
  /** Seconds between blocks; 0 mines each transaction as it arrives (automine). */
  readonly blockTimeS: number
  /** The block gas limit; 0 keeps anvil's default (30,000,000). */
  readonly gasLimit: number
}

/** One running anvil. */
export interface AnvilNode {
  readonly pid: number
  readonly port: number
  readonly url: string
}

/** The running fleet; `stop` is safe to call twice. */
export interface AnvilFleet {
  readonly nodes: ReadonlyArray<AnvilNode>
  readonly binary: string
  readonly args: ReadonlyArray<string>
  readonly stop: () => Promise<void>
}

/** The package that carries the anvil binary for this platform, as `@foundry-rs/anvil` names them. */
const platformPackage = (): string => {
  const arch = process.arch === "x64" ? "amd64" : process.arch
  return `anvil-${process.platform}-${arch}`
}

/**
 * Where anvil is: `explicit` when given; else the platform binary under
 * `<cwd>/node_modules/@foundry-rs/` (the real program, so its pid is the
 * node's pid), else `<cwd>/node_modules/.bin/anvil`, else `anvil` on PATH.
 */
export const findAnvil = (explicit: string, cwd: string): string | undefined => {
  if (explicit !== "") return existsSync(explicit) ? explicit : undefined
  const candidates = [join(cwd, "node_modules", "@foundry-rs", platformPackage(), "bin", "anvil"), join(cwd, "node_modules", ".bin", "anvil")]
  return candidates.find((c) => existsSync(c)) ?? Bun.which("anvil") ?? undefined
}

/**
 * The flags every node of the fleet shares (all but the port). The base fee
 * is pinned at 0: full blocks would otherwise raise it about 12% a block,
 * and transactions signed with an older fee would wait for it to fall,
 * mixing fee dynamics into what should measure each node's capacity.
 */
export const sharedAnvilArgs = (settings: AnvilSettings): ReadonlyArray<string> => [
  "--host", "127.0.0.1",
  "--chain-id", String(settings.chainId),
  "--order", "fifo",
  "--base-fee", "0",
  "--silent",
  ...(settings.blockTimeS > 0 ? ["--block-time", String(settings.blockTimeS)] : []),
  ...(settings.gasLimit > 0 ? ["--gas-limit", String(settings.gasLimit)] : []),
]

/** anvil's command-line flags for one node of the fleet. */
export const anvilArgs = (settings: AnvilSettings, port: number): ReadonlyArray<string> => [...sharedAnvilArgs(settings), "--port", String(port)]

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

const answers = async (url: string): Promise<boolean> => {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    })
    return response.ok
  } catch {
    return false
  }
}

type Child = ReturnType<typeof Bun.spawn>

const stopChild = async (child: Child): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill("SIGTERM")
  const exited = await Promise.race([child.exited.then(() => true), sleep(5000).then(() => false)])
  if (!exited) {
    child.kill("SIGKILL")
    await child.exited
  }
}

/** Starts `settings.count` anvils and waits until each answers; on any failure the started ones are stopped. */
export const startAnvilFleet = async (settings: AnvilSettings, binary: string, readyTimeoutMs = 20_000): Promise<AnvilFleet> => {
  const children: Array<Child> = []
  const nodes: Array<AnvilNode> = []
  // anvil's stderr goes to files, so a chatty node can never block on a full pipe.
  const logDir = mkdtempSync(join(tmpdir(), "gateway-bench-anvil-"))
  // An interrupted bench must not leave its nodes behind.
  const release = guardInterrupt(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL")
  })
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await Promise.all(children.map(stopChild))
    release()
    rmSync(logDir, { recursive: true, force: true })
  }
  try {
    for (let i = 0; i < settings.count; i++) {
      const port = await freeLoopbackPort()
      const logFile = join(logDir, `anvil-${port}.log`)
      // Old states in the run's folder, capped (anvil's default keeps every one under ~/.foundry, forever).
      const states = ["--max-persisted-states", "5000", "--cache-path", join(logDir, `states-${port}`)]
      const child = Bun.spawn([binary, ...anvilArgs(settings, port), ...states], { stdin: "ignore", stdout: "ignore", stderr: Bun.file(logFile) })
      children.push(child)
      const url = `http://127.0.0.1:${port}`
      const deadline = Date.now() + readyTimeoutMs
      while (!(await answers(url))) {
        if (child.exitCode !== null) {
          const why = readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join(" | ")
          throw new BenchFailed({ reason: `${binary} exited with code ${child.exitCode} on port ${port}: ${why || "no output"}; check --anvil` })
        }
        if (Date.now() > deadline) throw new BenchFailed({ reason: `anvil (pid ${child.pid}) on port ${port} did not answer within ${readyTimeoutMs} ms; is the machine overloaded?` })
        await sleep(100)
      }
      nodes.push({ pid: child.pid, port, url })
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { nodes, binary, args: sharedAnvilArgs(settings), stop }
}
