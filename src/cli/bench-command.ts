/**
 * `gateway bench NAME [FLAGS]`: run one bench from the registry in
 * bench/registry.ts and write its results. This file only picks the bench;
 * each bench parses its own flags and shows its own help
 * (`gateway bench NAME --help`), and bench/lib/run-bench.ts runs it. Run inside a
 * checkout whose local stack is up, it reads that stack's `.run/stack.env` itself.
 */
import { COMMON_FLAGS, type Bench } from "../../bench/lib/bench-definition.ts"
import { type BenchRunContext, processRunContext, runBench } from "../../bench/lib/run-bench.ts"
import { BENCHES } from "../../bench/registry.ts"
import type { CliContext, Command } from "./command.ts"
import { type Picked, pickByName, runPicked } from "./command-group.ts"
import type { HelpText } from "./help-text.ts"
import { withStackEnv } from "./stack-env.ts"
import type { UsageError } from "./usage-error.ts"

/** Picks the bench argv names, or a one-line error that names the nearest bench. */
export const parseBenchArgs = (argv: ReadonlyArray<string>, benches: ReadonlyArray<Bench>): Picked<Bench> | UsageError =>
  pickByName(argv, benches, {
    missing: (names) => `gateway bench: missing bench name; type gateway bench NAME with one of ${names.join(", ")} (see gateway bench --help)`,
    flagFirst: (flag) => `gateway bench: expected a bench name before ${flag}; type gateway bench NAME [FLAGS] (see gateway bench --help)`,
    unknown: (name, hint) => `gateway bench: unknown bench "${name}"; ${hint} (see gateway bench --help)`,
  })

/** The text of `gateway bench --help`: every bench with its one-line summary. */
export const benchHelp = (benches: ReadonlyArray<Bench>): HelpText => ({
  usage: ["gateway bench NAME [FLAGS]"],
  description: [
    "Runs a bench against the real stack and writes bench/results/NAME-<time>.json,",
    "NAME-latest.json and NAME-latest.svg under the current folder (or --out DIR).",
    "Each figure is reported as a ratio against a reference measured in the same",
    "run, with the brief's target and whether it was met; the table goes to stdout,",
    "progress to stderr. gateway bench NAME --help shows a bench's flags.",
    "Inside a checkout whose local stack runs, the stack's .run/stack.env supplies",
    "the variables the environment does not set (one line on stderr names them).",
  ],
  sections: [{ title: "Benches", rows: benches.map((b): readonly [string, string] => [b.name, b.summary]) }],
  flags: COMMON_FLAGS,
  examples: [
    ["gateway bench node-direct", "Drive both nodes directly over a concurrency ladder"],
    ["gateway bench node-direct --help", "Show that bench's flags and their defaults"],
  ],
})

/**
 * The real process's run context, with the running local stack's variables added when
 * the environment lacks them (one line on stderr says which, never their values).
 */
export const stackAwareRunContext = (context: CliContext): BenchRunContext => {
  const base = processRunContext(context.out, context.err)
  const stack = withStackEnv(base.env, base.cwd)
  if (stack.note !== undefined) context.err(stack.note)
  return { ...base, env: stack.env }
}

/** Builds the command over `benches`; tests pass their own benches and a recording context. */
export const makeBenchCommand = (
  benches: ReadonlyArray<Bench> = BENCHES,
  runContext: (context: CliContext) => BenchRunContext = stackAwareRunContext,
): Command => {
  const help = benchHelp(benches)
  return {
    name: "bench",
    summary: "Run a bench against the real stack and write its results and chart",
    flags: [],
    help,
    run: (args, context) =>
      runPicked(parseBenchArgs(args, benches), help, context, (bench, rest) => {
        // Help touches no stack: it needs none of its variables, and says nothing about them.
        const wantsHelp = rest.includes("--help") || rest.includes("-h")
        return runBench(bench, rest, wantsHelp ? processRunContext(context.out, context.err) : runContext(context))
      }),
  }
}

/** `gateway bench`, over the registered benches. */
export const benchCommand: Command = makeBenchCommand()
