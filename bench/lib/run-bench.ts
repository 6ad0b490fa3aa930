/**
 * Runs one bench from its argv: parse the flags (or show its help), run it,
 * write the results files, and print the ratio table. Every bench goes
 * through here, so every result has the same shape and the same files.
 */
import { resolve } from "node:path"
import { type ParsedFlags, parseFlags } from "../../src/cli/flag-parser.ts"
import { renderHelp } from "../../src/cli/help-text.ts"
import { UsageError } from "../../src/cli/usage-error.ts"
import { type Bench, type BenchIo, COMMON_FLAGS } from "./bench-definition.ts"
import { resultDocument, ratioTable, writeResults } from "./results.ts"
import { gitCommit, type MachineFacts, machineFacts } from "./run-environment.ts"
import { type ProgressSink } from "./progress.ts"

/** Exit codes of `gateway bench NAME`: 2 for a bad command line, 1 when the bench could not measure. */
export const EXIT_BENCH_FAILED = 1
const EXIT_USAGE = 2

/** The process surface a bench run uses; `processRunContext` is the real one. */
export interface BenchRunContext {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  readonly progress: ProgressSink
  readonly env: Readonly<Record<string, string | undefined>>
  readonly now: () => Date
  /** Results go to `<cwd>/bench/results` unless `--out` says otherwise. */
  readonly cwd: string
  readonly commit: () => string | null
  readonly machine: () => MachineFacts
}

/** stderr as a progress sink: a bar on a terminal, lines in a log. */
export const stderrSink = (): ProgressSink => ({
  write: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
  // A pseudo-terminal may report 0 columns; leave the width unknown then, so the bar uses 80.
  ...(process.stderr.columns > 0 ? { columns: process.stderr.columns } : {}),
})

/** The real process, given its stdout/stderr line writers. */
export const processRunContext = (out: (line: string) => void, err: (line: string) => void): BenchRunContext => ({
  out,
  err,
  progress: stderrSink(),
  env: process.env,
  now: () => new Date(),
  cwd: process.cwd(),
  commit: () => gitCommit(process.cwd()),
  machine: machineFacts,
})

/** Scans argv against the bench's flags and the common ones. */
const scan = (bench: Bench, args: ReadonlyArray<string>): ParsedFlags | UsageError => {
  const prefix = `gateway bench ${bench.name}`
  const parsed = parseFlags(args, [...bench.flags, ...COMMON_FLAGS], { prefix, helpCommand: `${prefix} --help` })
  if (parsed instanceof UsageError || parsed.help) return parsed
  const extra = parsed.positionals[0]
  if (extra !== undefined) {
    return new UsageError({ line: `${prefix}: unexpected argument "${extra}"; a bench takes only flags (see ${prefix} --help)` })
  }
  return parsed
}

/** Runs `bench` with `args` (what follows its name) and resolves to the exit code. */
export const runBench = async (bench: Bench, args: ReadonlyArray<string>, context: BenchRunContext): Promise<number> => {
  const parsed = scan(bench, args)
  if (parsed instanceof UsageError) {
    context.err(parsed.line)
    return EXIT_USAGE
  }
  if (parsed.help) {
    for (const line of renderHelp(bench.help)) context.out(line)
    return 0
  }
  const prepared = bench.prepare(parsed)
  if (prepared instanceof UsageError) {
    context.err(prepared.line)
    return EXIT_USAGE
  }
  const outDir = resolve(context.cwd, parsed.values.get("--out")?.[0] ?? "bench/results")
  const io: BenchIo = { out: context.out, err: context.err, progress: context.progress, env: context.env }
  const startedAt = context.now()
  const outcome = await prepared.run(io).then(
    (report) => ({ report }),
    (error: unknown) => ({ error }),
  )
  if ("error" in outcome) {
    const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error)
    context.err(`gateway bench ${bench.name}: ${message}`)
    return EXIT_BENCH_FAILED
  }
  const { report } = outcome
  const finishedAt = context.now()
  const document = resultDocument(
    {
      bench: bench.name,
      startedAt,
      finishedAt,
      commandLine: ["gateway", "bench", bench.name, ...args],
      commit: context.commit(),
      machine: context.machine(),
      parameters: prepared.parameters,
    },
    report,
  )
  const paths = await writeResults(document, outDir)
  context.out("")
  for (const line of ratioTable(document.ratios)) context.out(line)
  context.out("")
  context.out(`results: ${paths.json}`)
  context.out(`latest:  ${paths.latestJson}`)
  if (paths.latestSvg !== null) context.out(`chart:   ${paths.latestSvg}`)
  return 0
}
