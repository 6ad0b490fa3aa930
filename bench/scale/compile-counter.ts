// Compiles bench/scale/Counter.sol with the pinned npm `solc`, through the same
// compileArtifacts that builds the gateway's contracts, and writes
// bench/scale/counter-artifact.json. The artifact is committed: the scale
// bench imports it, so the compiled gateway binary carries the bytecode and
// never needs the compiler (solc is a devDependency, not in the binary).
//
//   bun bench/scale/compile-counter.ts           # rewrite the artifact
//   bun bench/scale/compile-counter.ts --check   # exit 1 if it is out of date
import { join } from "node:path"
import { compileArtifacts } from "../../scripts/compile-contracts.ts"

/** Where the source and the committed artifact live, relative to the repository root. */
export const COUNTER_BUILD = { source: "bench/scale/Counter.sol", contract: "Counter", artifact: "bench/scale/counter-artifact.json" } as const

const main = () => {
  const stale = compileArtifacts(join(import.meta.dir, "..", ".."), [COUNTER_BUILD], { check: process.argv.includes("--check"), rerun: "bun bench/scale/compile-counter.ts" })
  if (stale > 0) process.exit(1)
}

if (import.meta.main) main()
