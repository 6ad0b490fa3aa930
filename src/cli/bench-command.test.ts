import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BenchFailed, defineBench } from "../../bench/lib/bench-definition.ts"
import { intFlag, intListFlag } from "../../bench/lib/bench-flags.ts"
import type { BenchRunContext } from "../../bench/lib/run-bench.ts"
import type { ResultDocument } from "../../bench/lib/results.ts"
import { ratioAtLeast } from "../../bench/lib/target.ts"
import { BENCHES } from "../../bench/registry.ts"
import { benchCommand, makeBenchCommand, parseBenchArgs } from "./bench-command.ts"
import { captureContext } from "./capture-context.fixture.ts"
import { UsageError } from "./usage-error.ts"

/** A bench that measures nothing real: its figures are its options, so runs are exact. */
const echoBench = defineBench({
  name: "echo-rate",
  summary: "Reports its --rate against a reference of 100",
  description: ["Test bench."],
  flags: {
    rate: intFlag({ description: "The rate to report", default: 60, min: 0 }),
    ladder: intListFlag({ description: "Unused ladder", default: [1, 2], min: 1 }),
  },
  examples: [["gateway bench echo-rate --rate 90", "Report 90"]],
  run: async (options) => {
    if (options.rate === 13) throw new BenchFailed({ reason: "node btc-1 did not answer; is the stack up? (npm run stack -- status)" })
    return {
      figures: [{ name: "rate", unit: "calls/s", value: options.rate }],
      comparisons: [{ measure: "rate", unit: "calls/s", value: options.rate, reference: 100, referenceName: "fixed", target: ratioAtLeast(0.5) }],
      chart: { kind: "bar", title: "echo", yLabel: "calls/s", series: ["bench", "reference"], groups: [{ label: "rate", values: [options.rate, 100] }] },
    }
  },
})
const nodeBench = defineBench({ name: "node-burst", summary: "Another", description: [], flags: {}, examples: [], run: async () => ({ figures: [], comparisons: [] }) })
const BENCH_LIST = [echoBench, nodeBench]

/** Help lines as one string with runs of spaces collapsed, so wrapped rows can be matched whole. */
const flat = (lines: ReadonlyArray<string>): string => lines.join(" ").replace(/\s+/g, " ")

describe("parseBenchArgs", () => {
  const outcome = (argv: ReadonlyArray<string>): unknown => {
    const parsed = parseBenchArgs(argv, BENCH_LIST)
    if (parsed instanceof UsageError) return parsed.line
    return parsed._tag === "List" ? parsed : { _tag: parsed._tag, bench: parsed.part.name, args: parsed.args }
  }
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, unknown]> = [
    [["--help"], { _tag: "List" }],
    [["-h", "echo-rate"], { _tag: "List" }],
    [["echo-rate"], { _tag: "Run", bench: "echo-rate", args: [] }],
    [["echo-rate", "--rate", "5", "--help"], { _tag: "Run", bench: "echo-rate", args: ["--rate", "5", "--help"] }],
    [[], "gateway bench: missing bench name; type gateway bench NAME with one of echo-rate, node-burst (see gateway bench --help)"],
    [["echo-rat"], 'gateway bench: unknown bench "echo-rat"; did you mean echo-rate? (see gateway bench --help)'],
    [["node-brust"], 'gateway bench: unknown bench "node-brust"; did you mean node-burst? (see gateway bench --help)'],
    [["throughput"], 'gateway bench: unknown bench "throughput"; expected one of echo-rate, node-burst (see gateway bench --help)'],
    [["--rate", "5"], "gateway bench: expected a bench name before --rate; type gateway bench NAME [FLAGS] (see gateway bench --help)"],
  ]
  test.each(cases)("%p", (argv, expected) => {
    expect(outcome(argv)).toEqual(expected)
  })
})

describe("gateway bench", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-command-test-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const progress: Array<string> = []

  /** Runs the command in-process with a fixed clock, machine and commit, in `dir`. */
  const run = async (argv: ReadonlyArray<string>) => {
    const { context, out, err } = captureContext()
    let tick = Date.parse("2025-11-21T15:40:12.000Z")
    const command = makeBenchCommand(BENCH_LIST, (cli): BenchRunContext => ({
      out: cli.out,
      err: cli.err,
      progress: { write: (text) => progress.push(text), isTTY: false },
      env: {},
      now: () => new Date((tick += 1500)),
      cwd: dir,
      commit: () => null,
      machine: () => ({ cores: 2, cpuModel: "test", memoryBytes: 1, platform: "linux", arch: "x64", bunVersion: "1.4.5" }),
    }))
    const code = await command.run(argv, context)
    return { code, out, err }
  }

  test("--help lists every bench with its summary", async () => {
    const { code, out, err } = await run(["--help"])
    expect({ code, err }).toEqual({ code: 0, err: [] })
    expect(out).toContain("  echo-rate    Reports its --rate against a reference of 100")
    expect(out).toContain("  node-burst   Another")
    expect(flat(out)).toContain("--out DIR Where the results JSON and chart are written (default: bench/results)")
  })

  test("NAME --help shows that bench's flags with their defaults", async () => {
    const { code, out } = await run(["echo-rate", "--help"])
    expect(code).toBe(0)
    expect(out[1]).toBe("  gateway bench echo-rate [FLAGS]")
    expect(out).toContain("  --rate N           The rate to report (default: 60)")
    expect(out).toContain("  --ladder N,N,...   Unused ladder (default: 1,2)")
  })

  test("an unknown bench is one line naming the nearest, exit 2", async () => {
    expect(await run(["echo-rat", "--rate", "5"])).toEqual({
      code: 2,
      out: [],
      err: ['gateway bench: unknown bench "echo-rat"; did you mean echo-rate? (see gateway bench --help)'],
    })
  })

  const refusals: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["echo-rate", "--rate", "-1"], 'gateway bench echo-rate: --rate: expected an integer >= 0; found "-1"'],
    [["echo-rate", "--rat", "1"], "gateway bench echo-rate: unknown flag --rat; did you mean --rate? (see gateway bench echo-rate --help)"],
    [["echo-rate", "fast"], 'gateway bench echo-rate: unexpected argument "fast"; a bench takes only flags (see gateway bench echo-rate --help)'],
  ]
  test.each(refusals)("%p is refused with exit 2", async (argv, line) => {
    expect(await run(argv)).toEqual({ code: 2, out: [], err: [line] })
  })

  test("a run writes the results under ./bench/results and prints the ratio table", async () => {
    const { code, out, err } = await run(["echo-rate", "--rate", "45"])
    const results = join(dir, "bench", "results")
    expect({ code, err }).toEqual({ code: 0, err: [] })
    expect(readdirSync(results).sort()).toEqual(["echo-rate-20251121T154013Z.json", "echo-rate-latest.json", "echo-rate-latest.svg"])
    expect(out).toContain("rate     45 calls/s  100 calls/s (fixed)  0.45x  >= 0.5x  NO")
    expect(out).toContain(`results: ${join(results, "echo-rate-20251121T154013Z.json")}`)
    const doc = (await Bun.file(join(results, "echo-rate-latest.json")).json()) as ResultDocument
    expect({ bench: doc.bench, startedAt: doc.startedAt, finishedAt: doc.finishedAt, commandLine: doc.commandLine, parameters: doc.parameters, commit: doc.commit, ratios: doc.ratios }).toEqual({
      bench: "echo-rate",
      startedAt: "2025-11-21T15:40:13.500Z",
      finishedAt: "2025-11-21T15:40:15.000Z",
      commandLine: ["gateway", "bench", "echo-rate", "--rate", "45"],
      parameters: { rate: 45, ladder: [1, 2] },
      commit: null,
      ratios: [
        {
          measure: "rate",
          unit: "calls/s",
          value: 45,
          reference: 100,
          referenceName: "fixed",
          ratio: 0.45,
          target: { kind: "ratio-at-least", bound: 0.5, text: ">= 0.5x" },
          met: false,
        },
      ],
    })
  })

  test("--out puts the files elsewhere", async () => {
    const { code } = await run(["echo-rate", "--out", "elsewhere/x"])
    expect(code).toBe(0)
    expect(readdirSync(join(dir, "elsewhere", "x")).filter((f) => f.endsWith("latest.json"))).toEqual(["echo-rate-latest.json"])
  })

  test("a bench that cannot measure exits 1 with its advice and writes nothing", async () => {
    const before = readdirSync(join(dir, "bench", "results")).length
    expect(await run(["echo-rate", "--rate", "13", "--out", "bench/results"])).toEqual({
      code: 1,
      out: [],
      err: ["gateway bench echo-rate: node btc-1 did not answer; is the stack up? (npm run stack -- status)"],
    })
    expect(readdirSync(join(dir, "bench", "results")).length).toBe(before)
  })
})

describe("the real registry", () => {
  test("names are unique kebab-case and node-direct is there", () => {
    const names = BENCHES.map((b) => b.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names.every((n) => /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(n))).toBe(true)
    expect(names).toContain("node-direct")
  })

  test("gateway bench node-direct --help shows its defaults without touching a node", async () => {
    const { context, out, err } = captureContext()
    expect(await benchCommand.run(["node-direct", "--help"], context)).toBe(0)
    expect(err).toEqual([])
    expect(flat(out)).toContain("--ladder N,N,... Concurrencies to try, one after another (default: 1,2,4,8,16)")
    expect(flat(out)).toContain("--calls-per-step N Calls per concurrency step (rounded up to whole calls per worker) (default: 100)")
  })
})
