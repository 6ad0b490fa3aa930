import { describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { compileContract, renderArtifact } from "../../scripts/compile-contracts.ts"
import { COUNTER_BUILD } from "./compile-counter.ts"

const root = join(import.meta.dir, "..", "..")

describe("the committed Counter artifact", () => {
  test(
    "is what bench/scale/Counter.sol compiles to, without warnings",
    () => {
      const { artifact, warnings } = compileContract(root, COUNTER_BUILD)
      expect(warnings).toEqual([])
      // If this fails, run `bun bench/scale/compile-counter.ts`.
      expect(readFileSync(join(root, COUNTER_BUILD.artifact), "utf8")).toBe(renderArtifact(artifact))
    },
    60_000,
  )
})
