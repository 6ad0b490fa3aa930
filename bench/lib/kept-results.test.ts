/**
 * `bench/results/` keeps each bench's `*-latest.*` files and the dated runs the README
 * cites; an older run that nobody cites goes, so the folder stays small enough to read.
 * This test names every dated results file the README does not mention, by its name
 * or by a cited prefix such as `bench/results/failover-2026112*.json`.
 */
import { describe, expect, test } from "bun:test"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dir, "..", "..")
const datedRun = /^[a-z0-9-]+-\d{8}T\d{6}Z\.json$/

/** The prefixes the README cites with a wildcard: `failover-2026112*` or `failover-2026112…`. */
export const citedPrefixes = (readme: string): ReadonlyArray<string> =>
  [...readme.matchAll(/([a-z0-9-]+-\d{1,8})[*…]/g)].map((match) => match[1] as string)

export const uncitedRuns = (files: ReadonlyArray<string>, readme: string): ReadonlyArray<string> => {
  const prefixes = citedPrefixes(readme)
  return files.filter(
    (file) => datedRun.test(file) && !readme.includes(file) && !prefixes.some((prefix) => file.startsWith(prefix))
  )
}

describe("bench/results keeps only the cited runs", () => {
  test("a dated run is cited by name or by a cited prefix, or it is reported", () => {
    const readme = "see `bench/results/drain-20261204T205336Z.json` and bench/results/failover-2026112*.json"
    const files = ["drain-20261204T205336Z.json", "drain-20261121T171539Z.json", "failover-20261121T191737Z.json", "drain-latest.json"]
    expect(uncitedRuns(files, readme)).toEqual(["drain-20261121T171539Z.json"])
  })

  test("every dated run in bench/results is cited in README.md (delete the others)", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8")
    const files = readdirSync(join(root, "bench", "results"))
    expect(uncitedRuns(files, readme)).toEqual([])
  })
})
