/**
 * The named policies' bounds (first delay, cap, jitter range), and a scan of `src/` that
 * fails, naming file and line, when a schedule or an exponential backoff is written
 * outside `schedules.ts` and `backoff.ts`: a new policy is named here, beside the others.
 */
import { describe, expect, test } from "bun:test"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { Duration, Effect, Option, Schedule } from "effect"
import { makeBackoffTracker } from "./backoff-tracker.ts"
import { exponentialDelayMs, jitterMs } from "./backoff.ts"
import {
  backlogPoll,
  campaignRetryDelay,
  chainFollowRound,
  bitcoinWatchRound,
  commitRetry,
  commitRetryDelayMs,
  dlqSizePoll,
  etcdMemberBreaker,
  etcdReadRetry,
  etcdStartupProbe,
  failoverClientBackoff,
  headPoll,
  immediateRestart,
  intakeClientRetryDelayMs,
  kafkaProbe,
  kafkaProbeMs,
  kafkaRetries,
  locationWriteRetryDelayMs,
  logSizeReread,
  nodeHealthPoll,
  nodeProbe,
  requestRetryDelay,
  restartBackoff,
  restartBackoffWithin,
  sendtoResendDelayMs,
  sessionRetryDelayMs,
  snapshotGapRetryDelay,
  statusSampling,
  throttleReportRetryDelay,
  throttleReportRound,
  topicCreationRetry,
  trackerRound,
  transactionalRetry,
  watchReattach,
  webhookRetryDelayMs,
} from "./schedules.ts"

/** The first `n` delays (ms) a schedule yields, stepped as the supervisor steps a restart backoff. */
const delaysOf = (schedule: Schedule.Schedule<unknown, unknown>, n: number): Promise<number[]> =>
  Effect.runPromise(Effect.gen(function* () {
    const tracker = makeBackoffTracker(schedule, Number.MAX_SAFE_INTEGER)
    const out: number[] = []
    for (let i = 0; i < n; i++) out.push(Option.getOrElse(yield* tracker.next("k", i), () => -1))
    return out
  }))

/** Checks `got[i]` against `nominal[i]` jittered ±20% and then capped at `cap`. */
const withinJitter = (got: readonly number[], baseMs: number, cap: number) =>
  got.forEach((delay, i) => {
    const nominal = baseMs * 2 ** i
    expect(delay).toBeGreaterThanOrEqual(Math.min(nominal * 0.8, cap))
    expect(delay).toBeLessThanOrEqual(Math.min(nominal * 1.2, cap))
  })

/** Every step of a plain-delay policy with the randomness at its two ends and in the middle. */
const randomEnds = <A>(run: () => A): A[] => {
  const real = Math.random
  try {
    return [0, 0.5, 0.999999].map((r) => {
      Math.random = () => r
      return run()
    })
  } finally {
    Math.random = real
  }
}

describe("the mechanics", () => {
  test("exponentialDelayMs grows by its factor, is capped, and survives an overflowing step", () => {
    const policy = { baseMs: 100, factor: 2, maxMs: 1_000 }
    expect([0, 1, 2, 3, 4, 5_000].map((s) => exponentialDelayMs(policy, s))).toEqual([100, 200, 400, 800, 1_000, 1_000])
    expect(exponentialDelayMs({ baseMs: 100, factor: 1.5, maxMs: 1_000 }, 1)).toBe(150)
  })

  test("jitterMs spreads a delay over [0.8, 1.2] of it", () => {
    expect([0, 0.5, 1].map((r) => Math.round(jitterMs(1_000, () => r)))).toEqual([800, 1_000, 1_200])
  })
})

describe("jittered exponential schedules: first delay, doubling, cap", () => {
  test("restartBackoff: 100 ms doubling to 10 s", async () => {
    const got = await delaysOf(restartBackoff, 10)
    withinJitter(got, 100, 10_000)
    expect(got.slice(-3)).toEqual([10_000, 10_000, 10_000])
  })

  test("restartBackoffWithin: the configured first delay and cap ([runtime].backoff_base_ms, backoff_max_ms)", async () => {
    const got = await delaysOf(restartBackoffWithin(50, 2_000), 9)
    withinJitter(got, 50, 2_000)
    expect(got.at(-1)).toBe(2_000)
  })

  test("commitRetry: 100 ms doubling to 5 s", async () => {
    const got = await delaysOf(commitRetry, 9)
    withinJitter(got, 100, 5_000)
    expect(got.at(-1)).toBe(5_000)
  })

  test("etcdReadRetry: 50 ms doubling to 1 s", async () => {
    const got = await delaysOf(etcdReadRetry, 8)
    withinJitter(got, 50, 1_000)
    expect(got.at(-1)).toBe(1_000)
  })

  test("immediateRestart never waits", async () => {
    expect(await delaysOf(immediateRestart, 3)).toEqual([0, 0, 0])
  })
})

describe("spaced schedules", () => {
  test.each([
    ["trackerRound", 500, trackerRound],
    ["nodeHealthPoll", 250, nodeHealthPoll],
    ["chainFollowRound", 250, chainFollowRound],
    ["bitcoinWatchRound", 250, bitcoinWatchRound],
    ["nodeProbe", 2_000, nodeProbe],
    ["backlogPoll", 1_000, backlogPoll],
    ["dlqSizePoll", 5_000, dlqSizePoll],
    ["kafkaProbe", kafkaProbeMs, kafkaProbe],
    ["throttleReportRound", 2_000, throttleReportRound],
    ["headPoll(250)", 250, headPoll(250)],
    ["statusSampling(5000)", 5_000, statusSampling(5_000)],
    ["topicCreationRetry", 1_000, topicCreationRetry.schedule],
    ["etcdStartupProbe", 100, etcdStartupProbe(3).schedule],
  ] as const)("%s waits %d ms every time", async (_, ms, schedule) => {
    expect(await delaysOf(schedule, 3)).toEqual([ms, ms, ms])
  })

  test("the counts that go with them", () => {
    expect(kafkaProbeMs).toBe(1_000)
    expect(topicCreationRetry.times).toBe(5)
    expect(etcdStartupProbe(3).times).toBe(6)
    expect(etcdMemberBreaker).toEqual({ failures: 3, halfOpenMs: 1_000 })
  })
})

describe("plain delays", () => {
  test("fixed delays", () => {
    expect(Duration.toMillis(campaignRetryDelay)).toBe(200)
    expect(Duration.toMillis(snapshotGapRetryDelay)).toBe(1_000)
    expect(Duration.toMillis(logSizeReread)).toBe(5_000)
    expect(Duration.toMillis(throttleReportRetryDelay)).toBe(5_000)
  })

  test("unjittered exponentials: first delay and cap", () => {
    expect([0, 1, 2, 3, 4, 50].map(sendtoResendDelayMs)).toEqual([100, 200, 400, 800, 1_000, 1_000])
    expect([0, 1, 4, 5, 50].map(sessionRetryDelayMs)).toEqual([100, 200, 1_600, 2_000, 2_000])
    expect([1, 2, 5, 6, 50].map(locationWriteRetryDelayMs)).toEqual([500, 1_000, 8_000, 10_000, 10_000])
  })

  test("commitRetryDelayMs: 100 ms doubling to 5 s, jittered ±20%", () => {
    expect(randomEnds(() => [0, 1, 6, 50].map(commitRetryDelayMs))).toEqual([
      [80, 160, 4_000, 4_000],
      [100, 200, 5_000, 5_000],
      [120, 240, 6_000, 6_000],
    ])
  })

  test("requestRetryDelay: 200 ms doubling to 10 s, jittered ±20%", () => {
    const ms = randomEnds(() => [0, 1, 6, 50].map((a) => Math.round(Duration.toMillis(requestRetryDelay(a)))))
    expect(ms).toEqual([
      [160, 320, 8_000, 8_000],
      [200, 400, 10_000, 10_000],
      [240, 480, 12_000, 12_000],
    ])
  })

  test("webhookRetryDelayMs: 1 s doubling to 5 min, jittered ±20%", () => {
    expect([0, 1, 2, 10, 50].map((a) => webhookRetryDelayMs(a, () => 0.5))).toEqual([1_000, 1_000, 2_000, 300_000, 300_000])
    expect([webhookRetryDelayMs(1, () => 0), webhookRetryDelayMs(1, () => 0.999999)]).toEqual([800, 1_200])
  })

  test("watchReattach: 100 ms doubling to 2 s", () => {
    const seen: number[] = []
    let b = watchReattach()
    for (let i = 0; i < 7; i++) {
      seen.push(b.duration)
      b = b.next(undefined)
    }
    expect(seen).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000])
  })
})

describe("kafkajs's own retries", () => {
  test("bounded counts, starts and caps", () => {
    expect(kafkaRetries.cluster).toEqual({ retries: 3, initialRetryTime: 200, maxRetryTime: 2000 })
    expect(kafkaRetries.admin).toEqual({ retries: 3, initialRetryTime: 200, maxRetryTime: 2000 })
    expect(kafkaRetries.consumer).toEqual({ retries: 5, initialRetryTime: 200, maxRetryTime: 2000 })
    expect(transactionalRetry).toEqual({ retries: 8, initialRetryTime: 10, maxRetryTime: 1000, factor: 0.2, multiplier: 2 })
  })
})

describe("the client SDKs' defaults", () => {
  test("failoverClientBackoff: 100 ms doubling to 1 s", () => {
    expect(failoverClientBackoff).toEqual({ baseMs: 100, factor: 2, maxMs: 1_000 })
  })

  test("intakeClientRetryDelayMs grows, is capped, has equal jitter, and is never below Retry-After", () => {
    expect(intakeClientRetryDelayMs(1, undefined, () => 1)).toBe(200)
    expect(intakeClientRetryDelayMs(3, undefined, () => 1)).toBe(800)
    expect(intakeClientRetryDelayMs(20, undefined, () => 1)).toBe(5000)
    expect(intakeClientRetryDelayMs(1, undefined, () => 0)).toBe(100)
    expect(intakeClientRetryDelayMs(1, 2000, () => 1)).toBe(2000)
  })
})

// ------------------------------------------------------------------ the scan

const src = join(import.meta.dir, "..")

/** Where policies may be written. */
const home = new Set(["runtime/schedules.ts", "runtime/backoff.ts"])

/** Every product file of `src/` (tests may build what schedules they like). */
const productFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return productFiles(path)
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : []
  })

/** A line without its comment: doc-comment lines go entirely, `// ...` from where it starts. */
const codeOf = (line: string): string => (/^\s*(\/\*|\*)/.test(line) ? "" : line.replace(/(^|\s)\/\/.*$/, ""))

/** Words that say a line computes a wait. */
const delayWords = /delay|backoff|retry|wait|sleep|timeout|millis|\bms\b|Ms\b/i

/** Why a line of code is a policy written outside its home, or undefined. */
const policyProblem = (line: string): string | undefined => {
  const code = codeOf(line)
  if (/\bSchedule\.(exponential|fibonacci|linear|spaced|fixed|windowed|cron|jittered|recurs|forever|during|duration)\b/.test(code)) return "builds a Schedule"
  if (delayWords.test(code) && (/\*\*/.test(code) || /Math\.pow\(/.test(code))) return "computes an exponential delay"
  if (delayWords.test(code) && /Math\.min\([^;]*\*\s*2\b/.test(code)) return "doubles a delay"
  return undefined
}

describe("every policy is named in schedules.ts", () => {
  test("no schedule or exponential backoff is written outside runtime/schedules.ts and runtime/backoff.ts", () => {
    const found = productFiles(src)
      .filter((file) => !home.has(relative(src, file)))
      .flatMap((file) =>
        readFileSync(file, "utf8").split("\n").flatMap((line, i) => {
          const problem = policyProblem(line)
          return problem === undefined ? [] : [`src/${relative(src, file)}:${i + 1} ${problem}: ${line.trim()}; name the policy in src/runtime/schedules.ts and import it`]
        }))
    expect(found).toEqual([])
  })

  test("the scan sees what it looks for (a guard against patterns that match nothing)", () => {
    expect(policyProblem("  Effect.retry(Schedule.exponential(\"10 millis\"))")).toBe("builds a Schedule")
    expect(policyProblem("  Effect.repeat(once, Schedule.spaced(everyMs))")).toBe("builds a Schedule")
    expect(policyProblem("const waitMs = Math.min(retryMaxMs, retryBaseMs * 2 ** (failures - 1))")).toBe("computes an exponential delay")
    expect(policyProblem("next: () => backoff(Math.min(capMs, durationMs * 2)),")).toBe("doubles a delay")
    expect(policyProblem(" * Schedule.exponential in a doc comment")).toBeUndefined()
    expect(policyProblem("const limit = 2 ** 32 - 1")).toBeUndefined()
    expect(policyProblem("const x = Schedule.toStep(schedule) // Schedule.spaced")).toBeUndefined()
  })
})
