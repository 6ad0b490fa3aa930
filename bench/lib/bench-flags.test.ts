import { describe, expect, test } from "bun:test"
import { parseFlags } from "../../src/cli/flag-parser.ts"
import { UsageError } from "../../src/cli/usage-error.ts"
import { flagNameOf, flagSpecs, intFlag, intListFlag, numberFlag, parseOptions, stringFlag, stringListFlag, switchFlag } from "./bench-flags.ts"

const TABLE = {
  callsPerStep: intFlag({ description: "calls", default: 100, min: 1, max: 5000 }),
  amount: numberFlag({ value: "BTC", description: "amount", default: 0.0001, min: 0.00001 }),
  method: stringFlag({ value: "METHOD", description: "method", default: "sendfrom", choices: ["sendfrom", "sendtoaddress"] }),
  url: stringFlag({ value: "URL", description: "url", default: "http://127.0.0.1:8545" }),
  ladder: intListFlag({ description: "ladder", default: [1, 2, 4], min: 1 }),
  chains: stringListFlag({ description: "chains", default: ["bitcoin", "ethereum"], choices: ["bitcoin", "ethereum"] }),
  dryRun: switchFlag({ description: "dry" }),
}

const PREFIX = "gateway bench t"

/** argv → typed options, or the error line. */
const outcome = (argv: ReadonlyArray<string>): unknown => {
  const scanned = parseFlags(argv, flagSpecs(TABLE), { prefix: PREFIX, helpCommand: `${PREFIX} --help` })
  if (scanned instanceof UsageError) return scanned.line
  const parsed = parseOptions(TABLE, scanned, PREFIX)
  return parsed instanceof UsageError ? parsed.line : parsed
}

const DEFAULTS = { callsPerStep: 100, amount: 0.0001, method: "sendfrom", url: "http://127.0.0.1:8545", ladder: [1, 2, 4], chains: ["bitcoin", "ethereum"], dryRun: false }

describe("parseOptions", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, unknown]> = [
    [[], DEFAULTS],
    [["--calls-per-step", "250", "--ladder=1,8", "--dry-run"], { ...DEFAULTS, callsPerStep: 250, ladder: [1, 8], dryRun: true }],
    [["--chains", "ethereum", "--method", "sendtoaddress", "--amount", "0.5"], { ...DEFAULTS, chains: ["ethereum"], method: "sendtoaddress", amount: 0.5 }],
    [["--chains", "ethereum,ethereum"], { ...DEFAULTS, chains: ["ethereum"] }],
    [["--calls-per-step", "0"], `${PREFIX}: --calls-per-step: expected an integer from 1 to 5000; found "0"`],
    [["--calls-per-step", "1.5"], `${PREFIX}: --calls-per-step: expected an integer from 1 to 5000; found "1.5"`],
    [["--amount", "lots"], `${PREFIX}: --amount: expected a number >= 0.00001; found "lots"`],
    [["--method", "sendmany"], `${PREFIX}: --method: expected one of sendfrom, sendtoaddress; found "sendmany"`],
    [["--ladder", "1,,4"], `${PREFIX}: --ladder: expected a comma-separated list of integers >= 1; found "1,,4"`],
    [["--ladder", "0,1"], `${PREFIX}: --ladder: expected a comma-separated list of integers >= 1; found "0,1"`],
    [["--chains", "bitcoin,solana"], `${PREFIX}: --chains: expected a comma-separated list of bitcoin, ethereum; found "bitcoin,solana"`],
    [["--url="], `${PREFIX}: --url: expected a non-empty value; found ""`],
    [["--calls-per-stp", "3"], `${PREFIX}: unknown flag --calls-per-stp; did you mean --calls-per-step? (see ${PREFIX} --help)`],
    [["--ladder"], `${PREFIX}: --ladder needs a value, e.g. --ladder 1,2,4`],
  ]
  test.each(cases)("%p", (argv, expected) => {
    expect(outcome(argv)).toEqual(expected)
  })
})

describe("flagSpecs", () => {
  test("names come from option keys; defaults show as help text", () => {
    expect(flagSpecs(TABLE).map((f) => [f.name, f.value, f.default])).toEqual([
      ["--calls-per-step", "N", "100"],
      ["--amount", "BTC", "0.0001"],
      ["--method", "METHOD", "sendfrom"],
      ["--url", "URL", "http://127.0.0.1:8545"],
      ["--ladder", "N,N,...", "1,2,4"],
      ["--chains", "A,B,...", "bitcoin,ethereum"],
      ["--dry-run", undefined, "off"],
    ])
  })

  test("flagNameOf", () => {
    expect(flagNameOf("btcPasswordEnv")).toBe("--btc-password-env")
    expect(flagNameOf("out")).toBe("--out")
  })
})
