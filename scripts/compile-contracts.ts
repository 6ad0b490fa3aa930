// Compiles contracts/*.sol offline with the pinned npm `solc` (standard JSON input,
// optimizer on, evmVersion set explicitly) and writes one artifact per contract under
// contracts/build/. The artifacts are committed: src/registry imports the JSON, so the
// compiled gateway binary carries the ABI and bytecode and reads nothing at run time,
// and building the gateway never needs the compiler. scripts/compile-contracts.test.ts
// recompiles and fails when a committed artifact is not what the sources give.
//
//   bun scripts/compile-contracts.ts            # rewrite the artifacts
//   bun scripts/compile-contracts.ts --check    # exit 1 if any artifact is out of date
import { createHash } from "node:crypto"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import solc from "solc"

/** One contract to build: its source (relative to the repo root) and where its artifact goes. */
export interface ContractBuild {
  readonly source: string
  readonly contract: string
  readonly artifact: string
}

/** Every artifact this script owns. The test helper is built the same way, apart from the registry's. */
export const CONTRACT_BUILDS: ReadonlyArray<ContractBuild> = [
  { source: "contracts/ServiceRegistry.sol", contract: "ServiceRegistry", artifact: "contracts/build/ServiceRegistry.json" },
  { source: "contracts/test/ClaimBurst.sol", contract: "ClaimBurst", artifact: "contracts/build/test/ClaimBurst.json" },
]

/**
 * The EVM version the bytecode targets. Cancun runs on anvil (whose default hardfork is
 * newer) and on any post-Dencun chain; solc's own default moves with each release, which
 * would silently change the bytecode and could target opcodes a node lacks.
 */
export const EVM_VERSION = "cancun"

/** Optimizer runs: the registry is called far more often than deployed. */
export const OPTIMIZER_RUNS = 200

/** What is committed for one contract. */
export interface ContractArtifact {
  readonly contractName: string
  readonly sourcePath: string
  readonly sourceSha256: string
  readonly compiler: string
  readonly settings: { readonly evmVersion: string; readonly optimizer: { readonly enabled: true; readonly runs: number } }
  readonly abi: ReadonlyArray<unknown>
  readonly bytecode: string
  readonly deployedBytecode: string
}

/** What one build gives: the artifact, and solc's warnings (the test wants none). */
export interface CompileResult {
  readonly artifact: ContractArtifact
  readonly warnings: ReadonlyArray<string>
}

/** A source did not compile; `problems` are solc's formatted messages. */
export class CompileFailed extends Error {
  constructor(readonly source: string, readonly problems: ReadonlyArray<string>) {
    super(`${source} does not compile:\n${problems.join("\n")}`)
  }
}

interface SolcMessage {
  readonly severity: string
  readonly formattedMessage: string
}

interface SolcContractOutput {
  readonly abi: ReadonlyArray<unknown>
  readonly evm: { readonly bytecode: { readonly object: string }; readonly deployedBytecode: { readonly object: string } }
}

interface SolcOutput {
  readonly errors?: ReadonlyArray<SolcMessage>
  readonly contracts?: Record<string, Record<string, SolcContractOutput>>
}

/** The compiler's version without the platform suffix, e.g. `0.8.37+commit.f401782d`. */
const compilerVersion = (): string => String(solc.version()).replace(/\.Emscripten.*$/, "")

/** Compiles one contract from the repository at `root`. Throws CompileFailed on errors. */
export const compileContract = (root: string, build: ContractBuild): CompileResult => {
  const content = readFileSync(join(root, build.source), "utf8")
  const input = {
    language: "Solidity",
    sources: { [build.source]: { content } },
    settings: {
      optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
      evmVersion: EVM_VERSION,
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  }
  const output = JSON.parse(String(solc.compile(JSON.stringify(input)))) as SolcOutput
  const messages = output.errors ?? []
  const errors = messages.filter((m) => m.severity === "error").map((m) => m.formattedMessage.trim())
  if (errors.length > 0) throw new CompileFailed(build.source, errors)
  const compiled = output.contracts?.[build.source]?.[build.contract]
  if (compiled === undefined) throw new CompileFailed(build.source, [`no contract named ${build.contract} in ${build.source}`])
  return {
    warnings: messages.filter((m) => m.severity !== "error").map((m) => m.formattedMessage.trim()),
    artifact: {
      contractName: build.contract,
      sourcePath: build.source,
      sourceSha256: createHash("sha256").update(content).digest("hex"),
      compiler: compilerVersion(),
      settings: { evmVersion: EVM_VERSION, optimizer: { enabled: true, runs: OPTIMIZER_RUNS } },
      abi: compiled.abi,
      bytecode: `0x${compiled.evm.bytecode.object}`,
      deployedBytecode: `0x${compiled.evm.deployedBytecode.object}`,
    },
  }
}

/** The artifact exactly as it is committed (stable key order, trailing newline). */
export const renderArtifact = (artifact: ContractArtifact): string => `${JSON.stringify(artifact, null, 2)}\n`

/** What `compileArtifacts` does with each build, and the command that rewrites them (for the stale message). */
export interface CompileRun {
  /** Only compare each artifact with the committed one; write nothing. */
  readonly check: boolean
  readonly rerun: string
}

/**
 * Compiles each build and writes its artifact, or with `check` compares it with the
 * committed file; answers how many were out of date. The gateway's contracts and the
 * scale bench's Counter are both built through it.
 */
export const compileArtifacts = (root: string, builds: ReadonlyArray<ContractBuild>, run: CompileRun): number => {
  let stale = 0
  for (const build of builds) {
    const { artifact, warnings } = compileContract(root, build)
    for (const warning of warnings) console.error(warning)
    const path = join(root, build.artifact)
    const text = renderArtifact(artifact)
    if (run.check) {
      let committed = ""
      try {
        committed = readFileSync(path, "utf8")
      } catch {
        committed = ""
      }
      if (committed !== text) {
        stale++
        console.error(`${build.artifact} is out of date; run ${run.rerun} and commit it`)
      }
      continue
    }
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text)
    console.error(`wrote ${build.artifact} (${build.contract}, ${(artifact.deployedBytecode.length - 2) / 2} bytes deployed)`)
  }
  return stale
}

const main = () => {
  const stale = compileArtifacts(join(import.meta.dir, ".."), CONTRACT_BUILDS, { check: process.argv.includes("--check"), rerun: "bun scripts/compile-contracts.ts" })
  if (stale > 0) process.exit(1)
}

if (import.meta.main) main()
