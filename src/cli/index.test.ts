import { describe, expect, test } from "bun:test"
import packageJson from "../../package.json" with { type: "json" }
import { captureContext } from "./capture-context.fixture.ts"
import { main } from "./index.ts"

/** Runs the whole CLI in-process; only paths that stop before launching the gateway. */
const run = async (argv: ReadonlyArray<string>) => {
  const { context, out, err } = captureContext()
  const code = await main(argv, context)
  return { code, out, err }
}

describe("main dispatch", () => {
  const errors: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["--hots", "broker-1"], "gateway: unknown flag --hots; did you mean --host? (see gateway --help)"],
    [["--role", "consumr"], 'gateway: --role: unknown role "consumr"; expected producer, consumer, replica, registry-watcher'],
    [["--verison"], "gateway: unknown flag --verison; did you mean --version? (see gateway --help)"],
    [["confg", "check"], 'gateway: unknown command "confg"; did you mean config? (see gateway --help)'],
    [["bnech"], 'gateway: unknown command "bnech"; did you mean bench? (see gateway --help)'],
    [["bench", "nod-direct"], 'gateway bench: unknown bench "nod-direct"; did you mean node-direct? (see gateway bench --help)'],
    [["help", "rnu"], 'gateway: help: no command "rnu"; did you mean run? (see gateway --help)'],
    [["run", "--config"], "gateway: --config needs a value, e.g. --config config/paper.toml"],
    [["config", "chek"], 'gateway config: unknown subcommand "chek"; did you mean check? (see gateway config --help)'],
  ]
  test.each(errors)("%p fails with one line and exit 2", async (argv, line) => {
    expect(await run(argv)).toEqual({ code: 2, out: [], err: [line] })
  })

  test("--version prints the package.json version", async () => {
    expect(await run(["--version"])).toEqual({ code: 0, out: [`gateway ${packageJson.version}`], err: [] })
  })

  const helps: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["--help"], "  gateway help [COMMAND]"],
    [["-h"], "  config      Check a config file and show what each host runs"],
    [["help"], "  --version       Print the version and exit"],
    [["help", "run"], "  gateway [run] [--config FILE] [--host NAME] [--role ROLES]"],
    [["run", "--help"], "  --config FILE   Config file listing every host and its roles (default:"],
    [["--role", "consumer", "--help"], "  gateway --role consumer"],
    [["help", "config"], "  gateway config check [--effective] [FILE]"],
    [["config", "--help"], "  FILE   The config file to check (default: config/local.toml)"],
    [["config", "check", "--help"], "  gateway config check config/paper.toml"],
  ]
  test.each(helps)("%p prints help containing %p", async (argv, line) => {
    const result = await run(argv)
    expect({ code: result.code, err: result.err, first: result.out[0], hasLine: result.out.includes(line) }).toEqual({
      code: 0,
      err: [],
      first: "Usage:",
      hasLine: true,
    })
  })

  test("config check goes through the table", async () => {
    const result = await run(["config", "check", `${import.meta.dir}/../../config/local.toml`])
    expect({ code: result.code, last: result.out.at(-1) }).toEqual({ code: 0, last: "1 broker/consumer/producer host" })
  })
})
