import { describe, expect, test } from "bun:test"
import { parseFlags } from "../../src/cli/flag-parser.ts"
import { renderHelp } from "../../src/cli/help-text.ts"
import { UsageError } from "../../src/cli/usage-error.ts"
import { flagSpecs, parseOptions } from "../lib/bench-flags.ts"
import { PAPER_FLAGS, paperBench } from "./index.ts"

const PREFIX = "gateway bench paper"

/** argv → the lab's options, or the error line. */
const lab = (argv: ReadonlyArray<string>): unknown => {
  const scanned = parseFlags(argv, flagSpecs(PAPER_FLAGS), { prefix: PREFIX, helpCommand: `${PREFIX} --help` })
  if (scanned instanceof UsageError) return scanned.line
  const parsed = parseOptions(PAPER_FLAGS, scanned, PREFIX)
  if (parsed instanceof UsageError) return parsed.line
  return { lab: parsed.lab, cutHost: parsed.cutHost, cutAfterS: parsed.cutAfterS, cutS: parsed.cutS, requestDeadlineS: parsed.requestDeadlineS }
}

describe("the lab flags of gateway bench paper", () => {
  test.each<readonly [ReadonlyArray<string>, unknown]>([
    [[], { lab: false, cutHost: "broker-2", cutAfterS: 5, cutS: 20, requestDeadlineS: 120 }],
    [["--lab"], { lab: true, cutHost: "broker-2", cutAfterS: 5, cutS: 20, requestDeadlineS: 120 }],
    [["--lab", "--cut-host", "none"], { lab: true, cutHost: "none", cutAfterS: 5, cutS: 20, requestDeadlineS: 120 }],
    [["--lab", "--cut-host=broker-1", "--cut-after-s", "0", "--cut-s", "30", "--request-deadline-s", "60"], { lab: true, cutHost: "broker-1", cutAfterS: 0, cutS: 30, requestDeadlineS: 60 }],
    [["--cut-s", "0"], `${PREFIX}: --cut-s: expected an integer from 1 to 3600; found "0"`],
    [["--cut-host", ""], `${PREFIX}: --cut-host: expected a non-empty value; found ""`],
  ])("%p", (argv, expected) => {
    expect(lab(argv)).toEqual(expected)
  })
})

describe("gateway bench paper --help", () => {
  test("explains the lab mode, that it needs root, and shows an example of it", () => {
    const text = renderHelp(paperBench.help).join("\n")
    expect(text).toContain("--lab")
    expect(text).toContain("as root")
    expect(text).toContain("sudo -E dist/gateway bench paper --lab")
    expect(/--cut-host HOST[\s\S]*?\(default: ([^)]*)\)/.exec(text)?.[1]).toBe("broker-2")
  })
})
