import { afterAll, describe, expect, test } from "bun:test"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseStackEnv, withStackEnv } from "./stack-env.ts"

describe("parseStackEnv", () => {
  test("reads what scripts/stack writes, and the other shell forms", () => {
    const text = [
      "export GATEWAY_BTC_PASSWORD='gateway-dev-password'",
      "export GATEWAY_API_KEYS='local-dev-key'",
      "# a comment",
      "",
      "GATEWAY_PLAIN=bare",
      'GATEWAY_DOUBLE="two words"',
      "export GATEWAY_QUOTE='it'\\''s'",
      "not a line",
    ].join("\n")
    expect([...parseStackEnv(text)]).toEqual([
      ["GATEWAY_BTC_PASSWORD", "gateway-dev-password"],
      ["GATEWAY_API_KEYS", "local-dev-key"],
      ["GATEWAY_PLAIN", "bare"],
      ["GATEWAY_DOUBLE", "two words"],
      ["GATEWAY_QUOTE", "it's"],
    ])
  })
})

describe("withStackEnv", () => {
  const root = mkdtempSync(join(tmpdir(), "stack-env-"))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  /** A fake checkout: scripts/stack, a stack.env under `run`, and a pid file naming `pid`. */
  const checkout = (name: string, options: { readonly run?: string; readonly pid?: number; readonly env?: boolean; readonly script?: boolean } = {}) => {
    const dir = join(root, name)
    const run = join(dir, options.run ?? ".run")
    mkdirSync(join(dir, "scripts"), { recursive: true })
    mkdirSync(join(dir, "bench", "results"), { recursive: true })
    if (options.script !== false) writeFileSync(join(dir, "scripts", "stack"), "#!/usr/bin/env bash\n")
    mkdirSync(join(run, "pids"), { recursive: true })
    if (options.env !== false) writeFileSync(join(run, "stack.env"), "export GATEWAY_API_KEYS='secret-key-1'\nexport GATEWAY_BTC_PASSWORD='secret-pass'\n")
    if (options.pid !== undefined) writeFileSync(join(run, "pids", "kafka-1.pid"), `${options.pid}\n`)
    return dir
  }
  const alive = (pid: number) => pid === 4242

  test("a running stack: adds the unset variables and says so in one line naming them, never their values", () => {
    const dir = checkout("running", { pid: 4242 })
    const out = withStackEnv({ PATH: "/usr/bin", GATEWAY_BTC_PASSWORD: "mine" }, join(dir, "bench", "results"), alive)
    expect(out.env).toEqual({ PATH: "/usr/bin", GATEWAY_BTC_PASSWORD: "mine", GATEWAY_API_KEYS: "secret-key-1" })
    expect(out.note).toBe(`gateway bench: using the running local stack's GATEWAY_API_KEYS from ${join(dir, ".run", "stack.env")} (variables already set are kept)`)
    expect(out.note).not.toContain("secret")
  })

  test("an empty variable counts as unset", () => {
    const dir = checkout("empty-var", { pid: 4242 })
    expect(withStackEnv({ GATEWAY_API_KEYS: "" }, dir, alive).env.GATEWAY_API_KEYS).toBe("secret-key-1")
  })

  test("GATEWAY_RUN_DIR moves .run, as it does for the scripts", () => {
    const dir = checkout("moved", { run: "elsewhere", pid: 4242 })
    const out = withStackEnv({ GATEWAY_RUN_DIR: "elsewhere" }, dir, alive)
    expect(out.env.GATEWAY_API_KEYS).toBe("secret-key-1")
  })

  const unchanged: ReadonlyArray<readonly [string, () => string]> = [
    ["the stack is not running (its recorded pid is dead)", () => checkout("stopped", { pid: 999_999 })],
    ["no pid is recorded", () => checkout("no-pids")],
    ["no stack.env was written", () => checkout("no-env", { pid: 4242, env: false })],
    ["not inside a checkout", () => checkout("not-a-checkout", { pid: 4242, script: false })],
  ]
  test.each(unchanged)("leaves the environment as it is when %s", (_, make) => {
    const env = { PATH: "/usr/bin" }
    const out = withStackEnv(env, make(), alive)
    expect(out.env).toBe(env)
    expect(out.note).toBeUndefined()
  })

  test("every variable already set: nothing to say", () => {
    const dir = checkout("all-set", { pid: 4242 })
    const env = { GATEWAY_API_KEYS: "a", GATEWAY_BTC_PASSWORD: "b" }
    expect(withStackEnv(env, dir, alive)).toEqual({ env })
  })
})
