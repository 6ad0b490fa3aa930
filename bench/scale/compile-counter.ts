// Compiles bench/scale/Counter.sol with the pinned npm `solc`, the same way
// scripts/compile-contracts.ts builds the gateway's contracts, and writes
// bench/scale/counter-artifact.json. The artifact is committed: the scale
// bench imports it, so the compiled gateway binary carries the bytecode and
// never needs the compiler (solc is a devDependency, not in the binary).
//
//   bun bench/scale/compile-counter.ts           # rewrite the artifact
//   bun bench/scale/compile-counter.ts --check   # exit 1 if it is out of date
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { compileContract, renderArtifact } from "../../scripts/compile-contracts.ts"

/** Where the source and the committed artifact live, relative to the repository root. */
export const COUNTER_BUILD = { source: "bench/scale/Counter.sol", contract: "Counter", artifact: "bench/scale/counter-artifact.json" } as const

const main = () => {
  const root = join(import.meta.dir, "..", "..")
  const { artifact, warnings } = compileContract(root, COUNTER_BUILD)
  for (const warning of warnings) console.error(warning)
  const path = join(root, COUNTER_BUILD.artifact)
  const text = renderArtifact(artifact)
  if (process.argv.includes("--check")) {
    let committed = ""
    try {
      committed = readFileSync(path, "utf8")
    } catch {
      committed = ""
    }
    if (committed !== text) {
      console.error(`${COUNTER_BUILD.artifact} is out of date; run bun bench/scale/compile-counter.ts`)
      process.exit(1)
    }
    return
  }
  writeFileSync(path, text)
  console.error(`wrote ${COUNTER_BUILD.artifact} (${(artifact.deployedBytecode.length - 2) / 2} bytes deployed)`)
}

if (import.meta.main) main()
