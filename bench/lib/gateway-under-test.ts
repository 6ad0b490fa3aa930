/**
 * Real gateway processes for benches. A bench run gets its own copy of the
 * config (topics `bench-<name>-<stamp>.sendto|.results|.dlq`, its own consumer
 * group, the intake on a free loopback port, and whatever node limits the
 * bench asks for), starts the same program it is running from (the compiled
 * binary, or `src/main.ts` from source) with `--role`, reads its structured
 * log, scrapes `/metrics`, reads its memory from /proc, and at the end stops
 * it by pid and deletes the run's topics, so nobody else's run or the
 * gateway's own `sendto` is touched.
 */
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join, resolve } from "node:path"
import { Effect, Result } from "effect"
import { ensureTopics, kafkaCall, makeCluster, scopedAdmin } from "../../src/adapters/kafka.ts"
import { gatewayTopics } from "../../src/kafka/topics.ts"
import type { GatewayConfig } from "../../src/config/gateway-config.ts"
import { parseConfig } from "../../src/config/parse-config.ts"
import type { Role } from "../../src/config/role.ts"
import { BenchFailed } from "./bench-definition.ts"
import { freeLoopbackPort } from "./free-port.ts"

/** A TOML value as Bun.TOML.parse returns it for the gateway's config. */
export type TomlValue = string | number | boolean | ReadonlyArray<TomlValue> | TomlTable
/** A TOML table. */
export interface TomlTable {
  readonly [key: string]: TomlValue
}

const isTable = (v: unknown): v is TomlTable => typeof v === "object" && v !== null && !Array.isArray(v)

/** The names one run uses on the shared cluster. */
export interface RunNames {
  /** `bench-<name>-<stamp>`: also the consumer group. */
  readonly prefix: string
  readonly requests: string
  readonly results: string
  readonly dlq: string
}

/** `bench-intake-20251121t154012z-k3f9`: sortable, unique per run, valid as topic and group names. */
export const runNames = (bench: string, at: Date, suffix: string): RunNames => {
  const stamp = at.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "").toLowerCase()
  const prefix = `bench-${bench}-${stamp}-${suffix}`.replace(/[^A-Za-z0-9._-]/g, "-")
  return { prefix, requests: `${prefix}.sendto`, results: `${prefix}.results`, dlq: `${prefix}.dlq` }
}

/** Limits a bench may set on one `[[nodes]]` entry. */
export interface NodeOverride {
  readonly url?: string
  readonly max_in_flight?: number
  readonly max_rps?: number
  readonly adaptive?: boolean
  readonly timeout_ms?: number
}

/** What the derived config changes besides the names. */
export interface ConfigOverrides {
  readonly names: RunNames
  /** `127.0.0.1:PORT` for the intake. */
  readonly listen: string
  readonly host: string
  /** Replace the host's `nodes` (e.g. drive one node only). */
  readonly hostNodes?: ReadonlyArray<string>
  /** Per node name. */
  readonly nodes?: Readonly<Record<string, NodeOverride>>
  /** Keys of `[kafka.consumer]`, e.g. `transaction_interval_ms`. */
  readonly consumer?: Readonly<Record<string, TomlValue>>
  /** Keys of `[intake]`, e.g. `backlog_breaker`. */
  readonly intake?: Readonly<Record<string, number>>
  /** Keys of `[chains.bitcoin]`, e.g. `batch_accounts`. */
  readonly bitcoin?: Readonly<Record<string, TomlValue>>
  /** Keys of `[reads]`, e.g. `head_poll_ms`; the table is written only when at least one key is given. */
  readonly reads?: Readonly<Record<string, TomlValue>>
  /** `[status].data_dir`: the run's own folder, so a run never resumes another run's status store. */
  readonly dataDir?: string
}

const tableAt = (root: TomlTable, path: ReadonlyArray<string>): TomlTable => {
  let at: TomlValue = root
  for (const key of path) {
    const next: TomlValue | undefined = isTable(at) ? at[key] : undefined
    if (!isTable(next)) throw new BenchFailed({ reason: `the base config has no [${path.join(".")}] table; pass --config with a gateway config (see config/local.toml)` })
    at = next
  }
  return at as TomlTable
}

const withKeys = (t: TomlTable, changes: Readonly<Record<string, TomlValue | undefined>>): TomlTable => {
  const out: Record<string, TomlValue> = { ...t }
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) out[k] = v
  return out
}

const entries = (root: TomlTable, key: string): ReadonlyArray<TomlTable> => {
  const list = root[key]
  return Array.isArray(list) ? list.filter(isTable) : []
}

/** The base config with the run's names, port and limits; the input is left untouched. */
export const deriveConfig = (base: TomlTable, o: ConfigOverrides): TomlTable => {
  const kafka = tableAt(base, ["kafka"])
  const topics = withKeys(tableAt(base, ["kafka", "topics"]), { requests: o.names.requests, results: o.names.results, dlq: o.names.dlq })
  const consumer = withKeys(tableAt(base, ["kafka", "consumer"]), { ...o.consumer, group_id: o.names.prefix })
  const intake = withKeys(tableAt(base, ["intake"]), { listen: o.listen, ...o.intake })
  const chains = tableAt(base, ["chains"])
  const bitcoin = withKeys(tableAt(base, ["chains", "bitcoin"]), { ...o.bitcoin })
  const nodes = entries(base, "nodes")
  const known = nodes.map((n) => String(n.name))
  for (const name of [...Object.keys(o.nodes ?? {}), ...(o.hostNodes ?? [])]) {
    if (!known.includes(name)) throw new BenchFailed({ reason: `the base config has no node named ${name}; its nodes are ${known.join(", ")}` })
  }
  const hosts = entries(base, "hosts")
  if (!hosts.some((h) => h.name === o.host)) throw new BenchFailed({ reason: `the base config has no host named ${o.host}` })
  const baseReads = base.reads
  const reads: TomlTable = o.reads === undefined || Object.keys(o.reads).length === 0 ? {} : { reads: withKeys(isTable(baseReads) ? baseReads : {}, o.reads) }
  const baseStatus = base.status
  const status: TomlTable = o.dataDir === undefined ? {} : { status: withKeys(isTable(baseStatus) ? baseStatus : {}, { data_dir: o.dataDir }) }
  return {
    ...base,
    ...reads,
    ...status,
    kafka: { ...kafka, topics, consumer },
    intake,
    chains: { ...chains, bitcoin },
    nodes: nodes.map((n) => withKeys(n, { ...o.nodes?.[String(n.name)] })),
    hosts: hosts.map((h) => (h.name === o.host && o.hostNodes !== undefined ? withKeys(h, { nodes: [...o.hostNodes] }) : h)),
  }
}

const bareKey = (k: string) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k))

const scalarText = (v: TomlValue, where: string): string => {
  if (typeof v === "string") return JSON.stringify(v).replace(/\x7f/g, "\\u007f")
  if (typeof v === "boolean") return String(v)
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan"
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf"
    return String(v)
  }
  if (Array.isArray(v)) return `[${v.map((x, i) => scalarText(x, `${where}[${i}]`)).join(", ")}]`
  throw new RangeError(`tomlText: ${where} is a table inside an inline value; this serializer writes the gateway config's shape only`)
}

const isTableList = (v: TomlValue): v is ReadonlyArray<TomlTable> => Array.isArray(v) && v.length > 0 && v.every(isTable)

const tableLines = (t: TomlTable, path: ReadonlyArray<string>): Array<string> => {
  const keys = Object.keys(t)
  const plain = keys.filter((k) => {
    const v = t[k] as TomlValue
    return !isTable(v) && !isTableList(v)
  })
  const lines = plain.map((k) => `${bareKey(k)} = ${scalarText(t[k] as TomlValue, [...path, k].join("."))}`)
  for (const k of keys) {
    const v = t[k] as TomlValue
    const sub = [...path, k]
    const header = sub.map(bareKey).join(".")
    if (isTable(v)) lines.push("", `[${header}]`, ...tableLines(v, sub))
    else if (isTableList(v)) for (const item of v) lines.push("", `[[${header}]]`, ...tableLines(item, sub))
  }
  return lines
}

/** TOML text for a config-shaped table (tables, arrays of tables, scalars and arrays of scalars). */
export const tomlText = (t: TomlTable): string => `${tableLines(t, []).join("\n").trimStart()}\n`

/** One sample of the Prometheus text format. */
export interface MetricSample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** The samples of a `/metrics` body; comments and unparsable lines are skipped. */
export const parseMetricsText = (text: string): ReadonlyArray<MetricSample> =>
  text.split("\n").flatMap((line): Array<MetricSample> => {
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line.trim())
    if (m === null || line.startsWith("#")) return []
    const value = Number(m[3])
    if (Number.isNaN(value) && m[3] !== "NaN") return []
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1] ?? ""] = (l[2] ?? "").replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1")
    return [{ name: m[1] ?? "", labels, value }]
  })

/** The sum of `name` over the samples whose labels include `match`; 0 when none. */
export const metricSum = (samples: ReadonlyArray<MetricSample>, name: string, match: Readonly<Record<string, string>> = {}): number =>
  samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0)

/** Resident memory of a process, in kB, from /proc/<pid>/status. */
export interface ProcessMemory {
  readonly rssKb: number
  /** The peak resident set (VmHWM). */
  readonly hwmKb: number
}

/** VmRSS and VmHWM of a /proc status text, or undefined when either is missing. */
export const parseProcStatus = (text: string): ProcessMemory | undefined => {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, "m").exec(text)
    return m === null ? undefined : Number(m[1])
  }
  const rssKb = kb("VmRSS")
  const hwmKb = kb("VmHWM")
  return rssKb === undefined || hwmKb === undefined ? undefined : { rssKb, hwmKb }
}

/** CPU time a process has used (user + system), in seconds, from the text of /proc/<pid>/stat. */
export const parseProcStatCpuSeconds = (text: string, ticksPerSecond = 100): number | undefined => {
  // The command name (field 2) may hold spaces and parentheses; the fields after its last ")" are fixed.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ")
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / ticksPerSecond : undefined
}

/** How to start this same program: the compiled binary itself, or bun with src/main.ts. */
export const programCommand = (execPath: string, main: string, sourceMain: string): ReadonlyArray<string> =>
  main.startsWith("/$bunfs") || !/^bun(-debug)?(\.exe)?$/.test(basename(execPath)) ? [execPath] : [execPath, sourceMain]

let privateCopy: string | undefined

/**
 * The binary to spawn when compiled: a private copy of this very program
 * (read through /proc/self/exe, which works even after dist/gateway was
 * rebuilt under a running bench), so every gateway of a run is the build
 * the bench itself is, and a rebuild of dist/gateway cannot break the run.
 */
const compiledProgram = (): string => {
  if (privateCopy !== undefined) return privateCopy
  const dir = mkdtempSync(join(tmpdir(), "gateway-bench-bin-"))
  const copy = join(dir, "gateway")
  copyFileSync(existsSync("/proc/self/exe") ? "/proc/self/exe" : process.execPath, copy)
  chmodSync(copy, 0o755)
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }))
  privateCopy = copy
  return copy
}

/** One isolated run: its derived config on disk, its names, and where its intake listens. */
export interface GatewayRun {
  readonly names: RunNames
  readonly dir: string
  readonly configPath: string
  readonly config: GatewayConfig
  readonly host: string
  readonly intakeUrl: string
  /** Deletes the run's topics and consumer groups, and the temp dir unless `keepDir`. */
  readonly finish: (options?: { readonly keepDir?: boolean }) => Promise<void>
}

/** What a run is derived from. */
export interface RunOptions extends Omit<ConfigOverrides, "names" | "listen" | "host"> {
  /** Short name used in topic names, e.g. `intake` or `drain-eth`. */
  readonly bench: string
  /**
   * Create the run's topics before any gateway starts (default true), so a
   * gateway's start is measured as a restart onto existing topics, the way a
   * deployment runs, and not as topic creation on the brokers.
   */
  readonly precreateTopics?: boolean
  /** The base config file, read at run time (the user's file, not the source tree). */
  readonly configPath: string
  /** Which `[[hosts]]` entry to run as; the first host with roles when absent. */
  readonly host?: string
}

/** Reads the base config, writes the run's derived copy into a temp dir, and checks it as `gateway config check` would. */
export const prepareRun = async (options: RunOptions): Promise<GatewayRun> => {
  const file = Bun.file(options.configPath)
  if (!(await file.exists())) throw new BenchFailed({ reason: `config file ${options.configPath} not found; run from the repository folder or pass --config FILE` })
  const parsed: unknown = Bun.TOML.parse(await file.text())
  if (!isTable(parsed)) throw new BenchFailed({ reason: `${options.configPath} is not a TOML table` })
  const host = options.host ?? String(entries(parsed, "hosts").find((h) => Array.isArray(h.roles) && h.roles.length > 0)?.name ?? "")
  const names = runNames(options.bench, new Date(), Math.random().toString(36).slice(2, 6))
  const port = await freeLoopbackPort()
  const dir = mkdtempSync(join(tmpdir(), `gateway-${names.prefix}-`))
  const derived = deriveConfig(parsed, { ...options, names, listen: `127.0.0.1:${port}`, host, dataDir: join(dir, "data") })
  const configPath = join(dir, "gateway.toml")
  const text = tomlText(derived)
  writeFileSync(configPath, text)
  const checked = parseConfig(text, configPath)
  if (Result.isFailure(checked)) {
    throw new BenchFailed({ reason: `the derived config does not pass gateway config check: ${checked.failure.lines().join("; ")} (kept in ${dir})` })
  }
  const config = checked.success
  if (options.precreateTopics !== false) await createRunTopics(config)
  return {
    names,
    dir,
    configPath,
    config,
    host,
    intakeUrl: `http://127.0.0.1:${port}`,
    finish: async (finishOptions = {}) => {
      await deleteRunData(config.kafka.brokers, names).catch(() => undefined)
      // GATEWAY_BENCH_KEEP_LOGS=1 keeps every run's folder (config and gateway logs) to read afterwards.
      if (finishOptions.keepDir !== true && !process.env.GATEWAY_BENCH_KEEP_LOGS) rmSync(dir, { recursive: true, force: true })
      else process.stderr.write(`gateway bench: the run's config and gateway logs are kept in ${dir}\n`)
    },
  }
}

/** Creates the run's topics with the config's partitions, replication and min.insync.replicas. */
export const createRunTopics = (config: GatewayConfig): Promise<void> => {
  const cluster = makeCluster({ brokers: [...config.kafka.brokers], clientId: "gateway-bench", connectionTimeoutMs: 3000, requestTimeoutMs: 30000 })
  return Effect.runPromise(
    Effect.scoped(Effect.asVoid(Effect.flatMap(scopedAdmin(cluster), (admin) => ensureTopics(cluster, admin, gatewayTopics(config))))).pipe(
      Effect.mapError((e) => new BenchFailed({ reason: `could not create the run's topics: ${e.message}; is Kafka up? (npm run stack -- status)` })),
    ),
  )
}

/** Deletes the run's three topics and every consumer group named after it (the view groups too). */
export const deleteRunData = (brokers: ReadonlyArray<string>, names: RunNames): Promise<void> => {
  const cluster = makeCluster({ brokers: [...brokers], clientId: "gateway-bench", connectionTimeoutMs: 3000, requestTimeoutMs: 30000 })
  return Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const admin = yield* scopedAdmin(cluster)
        const existing = yield* kafkaCall(cluster, "admin.listTopics", () => admin.listTopics())
        const topics = [names.requests, names.results, names.dlq].filter((t) => existing.includes(t))
        if (topics.length > 0) yield* kafkaCall(cluster, "admin.deleteTopics", () => admin.deleteTopics({ topics, timeout: 15000 }))
        const listed = yield* kafkaCall(cluster, "admin.listGroups", () => admin.listGroups())
        const groups = listed.groups.map((g) => g.groupId).filter((g) => g.startsWith(names.prefix))
        if (groups.length > 0) yield* Effect.ignore(kafkaCall(cluster, "admin.deleteGroups", () => admin.deleteGroups(groups)))
      }),
    ),
  )
}

/** One structured log line of the gateway. */
export type LogLine = Readonly<Record<string, unknown>> & { readonly event?: string }

/** Warn and error log events, by name: what a pass reports about the gateway's own complaints. */
export const warningsOf = (lines: ReadonlyArray<LogLine>): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const l of lines) if ((l.level === "warn" || l.level === "error") && typeof l.event === "string") out[l.event] = (out[l.event] ?? 0) + 1
  return out
}

/** A running gateway process. */
export interface GatewayUnderTest {
  readonly pid: number
  readonly roles: ReadonlyArray<Role>
  readonly intakeUrl: string
  /** Epoch ms when it was spawned, to place its log lines (`t`) on the bench's time line. */
  readonly spawnedAt: number
  /** Every JSON line it has written to stderr so far. */
  readonly lines: ReadonlyArray<LogLine>
  /** Resolves at `gateway.ready`; rejects when the process exits first or `timeoutMs` passes. */
  readonly waitReady: (timeoutMs?: number) => Promise<{ readonly spawnToReadyMs: number; readonly loggedMs: number | null }>
  /** GET /metrics, parsed. */
  readonly metrics: () => Promise<ReadonlyArray<MetricSample>>
  /** Current and peak RSS; undefined once the process is gone. */
  readonly memory: () => ProcessMemory | undefined
  /** CPU seconds (user + system) used so far; undefined once the process is gone. */
  readonly cpuSeconds: () => number | undefined
  /** SIGTERM, wait for the drain, and insist on exit code 0. */
  readonly stop: (timeoutMs?: number) => Promise<void>
  /** SIGKILL, for cleanup after a failure. */
  readonly kill: () => void
  /** The last lines of stderr, for error messages. */
  readonly tail: () => string
}

/** How to start one process of a run. */
export interface StartOptions {
  readonly run: GatewayRun
  readonly roles: ReadonlyArray<Role>
  /** Added to (and overriding) the bench's own environment. */
  readonly env?: Readonly<Record<string, string>>
  readonly baseEnv: Readonly<Record<string, string | undefined>>
}

const TAIL_CHARS = 4000

/**
 * Gateways this process started and that have not exited. If the bench is
 * interrupted (Ctrl-C, SIGTERM) or exits early, they are killed by pid, so
 * no gateway outlives the bench that started it.
 */
const live = new Set<{ readonly kill: (signal?: number | NodeJS.Signals) => void }>()
let handlersInstalled = false
const killLive = () => {
  for (const p of live) p.kill("SIGKILL")
  live.clear()
}
const installHandlers = () => {
  if (handlersInstalled) return
  handlersInstalled = true
  process.on("exit", killLive)
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killLive()
      process.exit(signal === "SIGINT" ? 130 : 143)
    })
  }
}

/**
 * `bun src/main.ts` with Bun's sampling profiler on, when `dir` is set (the benches'
 * `GATEWAY_BENCH_CPU_PROF=<dir>`): each gateway writes a `.cpuprofile` and a Markdown
 * summary of its hottest frames to `dir` when it exits. Only a bench run from source
 * (`bun src/main.ts bench ...`) can pass Bun's flags to the gateways it starts.
 */
export const withCpuProfile = (program: ReadonlyArray<string>, dir: string | undefined): ReadonlyArray<string> => {
  if (dir === undefined || dir === "" || program.length < 2) return program
  const [bun, ...rest] = program
  return [bun ?? "bun", "--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${resolve(dir)}`, ...rest]
}

/** Spawns `gateway --config <derived> --host <host> --role <roles>` and starts reading its log. */
export const startGateway = (options: StartOptions): GatewayUnderTest => {
  const { run } = options
  const program = programCommand(process.execPath, Bun.main, resolve(import.meta.dir, "..", "..", "src", "main.ts"))
  const command = [
    ...(program.length === 1 ? [compiledProgram()] : withCpuProfile(program, options.baseEnv.GATEWAY_BENCH_CPU_PROF)),
    "--config", run.configPath, "--host", run.host, "--role", options.roles.join(","),
  ]
  // A bench killed outright cannot stop its gateways; they stop themselves (src/runtime/parent-watch.ts).
  const env: Record<string, string> = { GATEWAY_EXIT_WITH_PARENT: "1" }
  for (const [k, v] of Object.entries({ ...options.baseEnv, ...options.env })) if (v !== undefined) env[k] = v
  const spawnedAt = performance.now()
  const spawnedAtEpoch = Date.now()
  const proc = Bun.spawn(command, { cwd: run.dir, env, stdin: "ignore", stdout: "ignore", stderr: "pipe" })
  installHandlers()
  live.add(proc)
  void proc.exited.then(() => live.delete(proc))
  const logFile = join(run.dir, `gateway-${options.roles.join("-")}-${proc.pid}.log`)
  const lines: Array<LogLine> = []
  const waiters = new Set<() => void>()
  let raw = ""
  let readyAt: number | undefined
  const pump = async () => {
    const decoder = new TextDecoder()
    let pending = ""
    for await (const chunk of proc.stderr) {
      const text = decoder.decode(chunk, { stream: true })
      appendFileSync(logFile, text)
      raw = (raw + text).slice(-TAIL_CHARS)
      const parts = (pending + text).split("\n")
      pending = parts.pop() ?? ""
      for (const part of parts) {
        if (!part.startsWith("{")) continue
        try {
          const line = JSON.parse(part) as LogLine
          if (line.event === "gateway.ready" && readyAt === undefined) readyAt = performance.now()
          lines.push(line)
        } catch {
          // A line cut by a crash is not a log record.
        }
      }
      for (const w of [...waiters]) w()
    }
  }
  const pumped = pump()
  const exited = proc.exited.then(async (code) => {
    await pumped.catch(() => undefined)
    for (const w of [...waiters]) w()
    return code
  })
  const who = `gateway (pid ${proc.pid}, --role ${options.roles.join(",")})`
  const tail = () => raw.split("\n").slice(-12).join("\n")
  const until = (ready: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((done, fail) => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const settle = (outcome: BenchFailed | undefined) => {
        clearTimeout(timer)
        waiters.delete(check)
        if (outcome === undefined) done()
        else fail(outcome)
      }
      function check() {
        if (ready()) settle(undefined)
        else if (proc.exitCode !== null) settle(new BenchFailed({ reason: `${who} exited with code ${proc.exitCode} before ${what}; its log is in ${logFile}; last lines:\n${tail()}` }))
      }
      timer = setTimeout(() => settle(new BenchFailed({ reason: `${who} did not reach ${what} within ${timeoutMs} ms; its log is in ${logFile}; last lines:\n${tail()}` })), timeoutMs)
      waiters.add(check)
      check()
    })
  return {
    pid: proc.pid,
    roles: options.roles,
    intakeUrl: run.intakeUrl,
    spawnedAt: spawnedAtEpoch,
    lines,
    tail,
    waitReady: async (timeoutMs = 60_000) => {
      await until(() => readyAt !== undefined, timeoutMs, "gateway.ready")
      const logged = lines.find((l) => l.event === "gateway.ready")?.ms_since_start
      return { spawnToReadyMs: (readyAt ?? spawnedAt) - spawnedAt, loggedMs: typeof logged === "number" ? logged : null }
    },
    metrics: async () => {
      const response = await fetch(`${run.intakeUrl}/metrics`, { signal: AbortSignal.timeout(5000) })
      if (!response.ok) throw new BenchFailed({ reason: `${who}: GET /metrics answered ${response.status}; is the producer role running?` })
      return parseMetricsText(await response.text())
    },
    memory: () => {
      try {
        return parseProcStatus(readFileSync(`/proc/${proc.pid}/status`, "utf8"))
      } catch {
        return undefined
      }
    },
    cpuSeconds: () => {
      try {
        return parseProcStatCpuSeconds(readFileSync(`/proc/${proc.pid}/stat`, "utf8"))
      } catch {
        return undefined
      }
    },
    stop: async (timeoutMs = run.config.runtime.drain_timeout_ms + 15_000) => {
      if (proc.exitCode === null) proc.kill("SIGTERM")
      let late = false
      const timer = setTimeout(() => {
        late = true
        proc.kill("SIGKILL")
      }, timeoutMs)
      const code = await exited
      clearTimeout(timer)
      const why = late ? `did not exit within ${timeoutMs} ms of SIGTERM and was killed` : `exited with code ${code} after SIGTERM (a drain must exit 0)`
      if (late || code !== 0) throw new BenchFailed({ reason: `${who} ${why}; its log is in ${logFile}; last lines:\n${tail()}` })
    },
    kill: () => {
      if (proc.exitCode === null) proc.kill("SIGKILL")
    },
  }
}

/** `[event (actor), ms after spawn]` of each log line up to `gateway.ready`: where a start spends its time. */
export const startTimeline = (lines: ReadonlyArray<LogLine>, spawnedAt: number): ReadonlyArray<readonly [string, number]> => {
  const out: Array<readonly [string, number]> = []
  for (const l of lines) {
    const at = typeof l.t === "string" ? Date.parse(l.t) : Number.NaN
    const name = `${String(l.event)}${typeof l.actor === "string" ? ` (${l.actor})` : typeof l.id === "string" ? ` (${l.id})` : ""}`
    if (Number.isFinite(at)) out.push([name, at - spawnedAt])
    if (l.event === "gateway.ready") break
  }
  return out
}

/** Records in `topic` (end offset minus start offset, over its partitions); 0 when it does not exist. */
export const topicRecordCount = (brokers: ReadonlyArray<string>, topic: string): Promise<number> => {
  const cluster = makeCluster({ brokers: [...brokers], clientId: "gateway-bench", connectionTimeoutMs: 3000, requestTimeoutMs: 30000 })
  return Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const admin = yield* scopedAdmin(cluster)
        const topics = yield* kafkaCall(cluster, "admin.listTopics", () => admin.listTopics())
        if (!topics.includes(topic)) return 0
        const offsets = yield* kafkaCall(cluster, "admin.fetchTopicOffsets", () => admin.fetchTopicOffsets(topic))
        return offsets.reduce((sum, o) => sum + Number(BigInt(o.high) - BigInt(o.low)), 0)
      }),
    ),
  )
}

/** Samples a gateway's VmRSS every `everyMs` until `stop`, which returns the peak, VmHWM and the `[s, MB]` samples. */
export const sampleMemory = (gateway: GatewayUnderTest, everyMs = 250) => {
  const started = performance.now()
  const samples: Array<readonly [number, number]> = []
  let peakRssKb = 0
  let hwmKb = 0
  const take = () => {
    const m = gateway.memory()
    if (m === undefined) return
    peakRssKb = Math.max(peakRssKb, m.rssKb)
    hwmKb = Math.max(hwmKb, m.hwmKb)
    samples.push([Math.round(performance.now() - started) / 1000, Math.round(m.rssKb / 102.4) / 10])
  }
  take()
  const timer = setInterval(take, everyMs)
  timer.unref()
  return {
    stop: () => {
      clearInterval(timer)
      take()
      return { peakRssKb, hwmKb, samples }
    },
  }
}

/**
 * Ends one pass's gateway: SIGTERM and a clean drain when the pass went well, SIGKILL
 * otherwise; then drops the pass's interrupt guard and finishes its run, keeping the
 * run's folder (and saying where) unless the gateway stopped cleanly.
 */
export const endPass = async (gateway: GatewayUnderTest, run: GatewayRun, ok: boolean, release: () => void, say: (line: string) => void, keepBecause?: string): Promise<void> => {
  let clean = false
  try {
    if (ok) {
      await gateway.stop()
      clean = true
    } else gateway.kill()
  } finally {
    release()
    await run.finish({ keepDir: !clean || keepBecause !== undefined })
    if (!clean || keepBecause !== undefined) say(`the run's config and gateway log are kept in ${run.dir}${keepBecause === undefined ? "" : ` (${keepBecause})`}`)
  }
}

