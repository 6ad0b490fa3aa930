import { describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { CONTRACT_BUILDS, compileContract, EVM_VERSION, renderArtifact } from "./compile-contracts.ts"

const root = join(import.meta.dir, "..")

describe("committed contract artifacts", () => {
  test.each(CONTRACT_BUILDS.map((b) => [b.artifact, b] as const))(
    "%s is what its source compiles to, without warnings",
    (_, build) => {
      const { artifact, warnings } = compileContract(root, build)
      expect(warnings).toEqual([])
      expect(artifact.settings.evmVersion).toBe(EVM_VERSION)
      // Compared as text: a stale ABI, bytecode, compiler or setting all show up here.
      // If this fails, run `bun scripts/compile-contracts.ts` and commit contracts/build/.
      expect(readFileSync(join(root, build.artifact), "utf8")).toBe(renderArtifact(artifact))
    },
    60_000,
  )
})
