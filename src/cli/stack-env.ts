/**
 * The local stack's secrets for `gateway bench`, without `. .run/stack.env` first. The
 * benches need the API keys, the wallet password and the Ethereum keys that
 * `scripts/stack up` writes to `.run/stack.env`; a new user running the README's
 * `./dist/gateway bench intake` from a fresh shell should not have to know that. So when
 * the bench runs inside a checkout (a folder above the working directory holds
 * `scripts/stack`) whose local stack is running (a pid recorded under `.run/pids` is
 * alive), the variables of its `stack.env` that the environment does not already set
 * are added, and one line on stderr names them and the file (names only, never values).
 * `GATEWAY_RUN_DIR` moves `.run`, as it does for the scripts.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"

/** The environment a command sees. */
export type Environment = Readonly<Record<string, string | undefined>>

/**
 * Reads `NAME=value` lines (with or without `export`, the value bare, single- or
 * double-quoted, as scripts/stack writes them); blank lines and comments are skipped,
 * anything else is ignored.
 */
export const parseStackEnv = (text: string): ReadonlyMap<string, string> => {
  const vars = new Map<string, string>()
  for (const raw of text.split("\n")) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*?)\s*$/.exec(raw)
    if (m === null) continue
    const [, name = "", value = ""] = m
    const single = /^'(.*)'$/.exec(value)
    const double = /^"(.*)"$/.exec(value)
    vars.set(name, single ? (single[1] ?? "").replaceAll(`'\\''`, "'") : double ? (double[1] ?? "") : value)
  }
  return vars
}

/** The checkout around `cwd`: the nearest folder at or above it that holds `scripts/stack`. */
export const checkoutAround = (cwd: string): string | undefined => {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "scripts", "stack"))) return dir
    if (dirname(dir) === dir) return undefined
  }
}

/** True when signal 0 reaches `pid` (it exists; permission errors count as alive). */
export const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM"
  }
}

/** True when a pid file under `runDir/pids` names a live process: the local stack (or part of it) runs. */
export const stackRunning = (runDir: string, alive: (pid: number) => boolean = pidAlive): boolean => {
  const pids = join(runDir, "pids")
  if (!existsSync(pids)) return false
  return readdirSync(pids)
    .filter((f) => f.endsWith(".pid"))
    .some((f) => {
      const pid = Number(readFileSync(join(pids, f), "utf8").trim())
      return Number.isInteger(pid) && pid > 0 && alive(pid)
    })
}

/** What `withStackEnv` did: the environment to use and, when it read the file, the line that says so. */
export interface StackEnvOutcome {
  readonly env: Environment
  readonly note?: string
}

/**
 * Adds the running local stack's variables that `env` does not set. Without a checkout,
 * a `stack.env` or a running stack, `env` is returned as it is.
 */
export const withStackEnv = (env: Environment, cwd: string, alive: (pid: number) => boolean = pidAlive): StackEnvOutcome => {
  const checkout = checkoutAround(cwd)
  if (checkout === undefined) return { env }
  const runDir = env.GATEWAY_RUN_DIR ? resolve(checkout, env.GATEWAY_RUN_DIR) : join(checkout, ".run")
  const file = join(runDir, "stack.env")
  if (!existsSync(file) || !stackRunning(runDir, alive)) return { env }
  const added = [...parseStackEnv(readFileSync(file, "utf8"))].filter(([name]) => env[name] === undefined || env[name] === "")
  if (added.length === 0) return { env }
  const names = added.map(([name]) => name)
  return {
    env: { ...env, ...Object.fromEntries(added) },
    note: `gateway bench: using the running local stack's ${names.join(", ")} from ${file} (variables already set are kept)`,
  }
}
