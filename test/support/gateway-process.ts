/**
 * Runs the compiled `dist/gateway` as a real child process for end-to-end tests, from a
 * temporary folder that has no node_modules anywhere above it, and reads its structured
 * log lines as they arrive.
 */
import { appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import type { Subprocess } from "bun"

/** The variables the local stack exports (.run/stack.env), passed on to gateway processes. */
export const stackEnv = (): Record<string, string> => {
  const names = ["GATEWAY_BTC_PASSWORD", "GATEWAY_BTC_WALLET_PASSPHRASE", "GATEWAY_ETH_KEYS", "GATEWAY_API_KEYS"]
  const missing = names.filter((n) => !process.env[n])
  if (missing.length > 0) throw new Error(`${missing.join(", ")} unset: run the tests through \`npm test\`, which starts the stack and exports them`)
  return Object.fromEntries(names.map((n) => [n, process.env[n] ?? ""]))
}

/** The repository root. */
export const repoRoot = join(import.meta.dir, "..", "..")
/** The compiled binary under test; `npm test` builds it before the tests run. */
export const builtBinary = join(repoRoot, "dist", "gateway")

/** One parsed log line. */
export type LogLine = Readonly<Record<string, unknown>> & { readonly event?: string; readonly path?: string }

/** A running gateway process and what it has logged so far. */
export interface GatewayProcess {
  readonly proc: Subprocess<"ignore", "pipe", "pipe">
  readonly lines: LogLine[]
  readonly stderrText: () => string
  /** Resolves with the first line matching `predicate`, or rejects after `timeoutMs`. */
  readonly waitFor: (predicate: (line: LogLine) => boolean, timeoutMs: number) => Promise<LogLine>
}

/** This test process's own topic names and consumer group, so runs never see each other's messages. */
export const runTopics = (() => {
  const tag = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`
  return { requests: `sendto-${tag}`, results: `sendto-${tag}.results`, dlq: `sendto-${tag}.dlq`, webhooks: `sendto-${tag}.webhooks`, group: `gateway-${tag}` }
})()

/**
 * Copies the binary (and the given config files) into a fresh folder under the system
 * temp dir and returns that folder. /tmp has no node_modules above it, so the binary
 * cannot fall back on the repository's packages. The configs get this run's own topics
 * and consumer group.
 */
export const isolatedCopy = (configs: readonly string[]): string => {
  const dir = mkdtempSync(join(tmpdir(), "gateway-bin-"))
  copyFileSync(builtBinary, join(dir, "gateway"))
  for (const c of configs) {
    const text = readFileSync(join(repoRoot, c), "utf8")
      .replace('requests = "sendto"', `requests = "${runTopics.requests}"`)
      .replace('results = "sendto.results"', `results = "${runTopics.results}"`)
      .replace('dlq = "sendto.dlq"', `dlq = "${runTopics.dlq}"`)
      .replace('webhooks = "sendto.webhooks"', `webhooks = "${runTopics.webhooks}"`)
      .replace('group_id = "gateway-consumers"', `group_id = "${runTopics.group}"`)
    writeFileSync(join(dir, basename(c)), text)
  }
  return dir
}

/** Every process started here; killed when the test process exits, so none outlives its run. */
const started = new Set<Subprocess>()
process.on("exit", () => {
  for (const p of started) if (p.exitCode === null) p.kill("SIGKILL")
})

/** Kills `proc` too when the test process exits (a helper process a run starts beside its gateways, such as its own anvil). */
export const killOnExit = (proc: Subprocess): void => {
  started.add(proc)
}

/**
 * Copies the logs a run's gateways wrote under `dir` to the checkout's `.run/fault-logs/<label>`
 * (git ignores `.run/`), so a failed run can be read after its folder is gone. Returns where.
 */
export const keepGatewayLogs = (dir: string, label: string): string => {
  const kept = join(process.env.GATEWAY_RUN_DIR ?? join(repoRoot, ".run"), "fault-logs", label)
  mkdirSync(kept, { recursive: true })
  cpSync(join(dir, "logs"), kept, { recursive: true })
  return kept
}

/** Starts `./gateway args...` in `cwd` with a minimal environment plus `env`. */
export const startGateway = (cwd: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): GatewayProcess => {
  const proc = Bun.spawn([join(cwd, "gateway"), ...args], {
    cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    // A test runner killed outright cannot stop its gateways; they stop themselves (src/runtime/parent-watch.ts).
    env: { PATH: "/usr/bin:/bin", HOME: cwd, GATEWAY_EXIT_WITH_PARENT: "1", ...env },
  })
  started.add(proc)
  const lines: LogLine[] = []
  let raw = ""
  // Everything the process writes is also kept on disk, for reading after a failed run.
  mkdirSync(join(cwd, "logs"), { recursive: true })
  const logFile = join(cwd, "logs", `gateway-${proc.pid}.log`)
  const waiters: Array<{ predicate: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = []
  const pump = async () => {
    const decoder = new TextDecoder()
    let buffer = ""
    for await (const chunk of proc.stderr) {
      const text = decoder.decode(chunk, { stream: true })
      raw += text
      appendFileSync(logFile, text)
      buffer += text
      let nl = buffer.indexOf("\n")
      while (nl >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        nl = buffer.indexOf("\n")
        if (!line.startsWith("{")) continue
        const parsed = JSON.parse(line) as LogLine
        lines.push(parsed)
        for (const w of [...waiters]) {
          if (w.predicate(parsed)) {
            waiters.splice(waiters.indexOf(w), 1)
            w.resolve(parsed)
          }
        }
      }
    }
  }
  void pump()
  return {
    proc,
    lines,
    stderrText: () => raw,
    waitFor: (predicate, timeoutMs) => {
      const seen = lines.find(predicate)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms; stderr so far:\n${raw.slice(-4000)}`)), timeoutMs)
        const waiter = { predicate, resolve: (l: LogLine) => { clearTimeout(timer); resolve(l) } }
        waiters.push(waiter)
        // A process that exits before the line comes fails the wait at once, with why it exited.
        void proc.exited.then(async (code) => {
          if (!waiters.includes(waiter)) return
          await Bun.sleep(50)
          const late = lines.find(predicate)
          waiters.splice(waiters.indexOf(waiter), 1)
          clearTimeout(timer)
          if (late !== undefined) resolve(late)
          else reject(new Error(`the gateway (pid ${proc.pid}) exited with code ${code} before the awaited line; stderr:\n${raw.slice(-4000)}`))
        })
      })
    },
  }
}

/** Runs the binary to completion and returns its exit code and output. */
export const runBinary = async (cwd: string, args: readonly string[]) => {
  const proc = Bun.spawn([join(cwd, "gateway"), ...args], { cwd, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin", HOME: cwd } })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, stdout, stderr }
}
