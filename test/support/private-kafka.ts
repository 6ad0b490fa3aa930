/**
 * A Kafka broker of a test's own: one KRaft node (broker and controller in one JVM) on
 * free loopback ports, with its data under a temp folder. A test that must stop the
 * brokers (readiness flipping to 503 and back) stops this one, never the shared stack's,
 * which other runs are using. It is formatted through scripts/kafka-format, as the
 * stack's brokers are, runs from the cached jars with a 256 MB heap, and is stopped by
 * its pid.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { homedir, tmpdir } from "node:os"
import { join } from "node:path"
import type { Subprocess } from "bun"
import { repoRoot } from "./gateway-process.ts"
import { freePort } from "./replica-hosts-config.ts"

/** A running (or stopped) private broker. */
export interface PrivateKafka {
  /** `127.0.0.1:<port>`, the one bootstrap address. */
  readonly broker: string
  readonly dir: string
  /** The broker's pid while it runs. */
  readonly pid: () => number | undefined
  /** Starts the broker (again, on the same ports and data) and waits until it answers a metadata request. */
  readonly start: () => Promise<void>
  /** SIGSTOP by pid: the broker keeps its sockets open and answers nothing (a frozen machine). */
  readonly pause: () => void
  /** SIGCONT by pid: it answers what it was sent meanwhile. */
  readonly resume: () => void
  /** SIGTERM by pid and wait for the exit (SIGKILL after `graceMs`). */
  readonly stop: (graceMs?: number) => Promise<void>
  /** Stops it and removes its folder. */
  readonly dispose: () => Promise<void>
}

/** The cached Kafka jars scripts/install fetched (the version pinned in scripts/versions.sh). */
export const kafkaLib = (): string => {
  const version = /^KAFKA_VERSION=(\S+)$/m.exec(readFileSync(join(repoRoot, "scripts", "versions.sh"), "utf8"))?.[1]
  if (version === undefined) throw new Error("scripts/versions.sh names no KAFKA_VERSION")
  return join(process.env.GATEWAY_CACHE_DIR ?? join(homedir(), ".cache", "gateway"), `kafka-${version}`, "lib")
}

const log4j = [
  "log4j.rootLogger=WARN, stdout",
  "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
  "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
  "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
  "log4j.logger.kafka.server.KafkaRaftServer=INFO",
  "",
].join("\n")

const serverProperties = (dir: string, port: number, controllerPort: number): string =>
  [
    `log.dirs=${join(dir, "data")}`,
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name=PLAINTEXT",
    "num.partitions=1",
    "default.replication.factor=1",
    "min.insync.replicas=1",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=3",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
    "num.network.threads=2",
    "num.io.threads=2",
    "",
  ].join("\n")

/** Every broker started here; killed when the test process exits, so none outlives its run. */
const running = new Set<Subprocess>()
process.on("exit", () => {
  for (const p of running) if (p.exitCode === null) p.kill("SIGKILL")
})

/** Resolves once a metadata request to `broker` names one broker, or rejects after `timeoutMs`. */
const waitUntilAnswers = async (broker: string, proc: Subprocess, logFile: string, timeoutMs: number): Promise<void> => {
  const until = Date.now() + timeoutMs
  let last = ""
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`private Kafka exited with ${proc.exitCode}; its log: ${logFile}`)
    const probe = Bun.spawnSync([process.execPath, join(repoRoot, "scripts", "kafka-ready.ts"), broker, "1"], { stdout: "pipe", stderr: "pipe" })
    if (probe.exitCode === 0) return
    last = probe.stderr.toString().trim()
    await Bun.sleep(500)
  }
  throw new Error(`private Kafka on ${broker} did not answer within ${timeoutMs} ms (${last}); its log: ${logFile}`)
}

/**
 * Formats and starts a private broker. `clusterId` is written to its id file first when
 * given (e.g. one that begins with '-'); otherwise scripts/kafka-format makes one.
 */
export const startPrivateKafka = async (name: string, options: { readonly clusterId?: string; readonly readyTimeoutMs?: number } = {}): Promise<PrivateKafka> => {
  const dir = mkdtempSync(join(tmpdir(), `${name}-kafka-`))
  const port = freePort()
  const controllerPort = freePort()
  const broker = `127.0.0.1:${port}`
  const props = join(dir, "server.properties")
  const log4jFile = join(dir, "log4j.properties")
  const logFile = join(dir, "kafka.log")
  writeFileSync(props, serverProperties(dir, port, controllerPort))
  writeFileSync(log4jFile, log4j)
  if (options.clusterId !== undefined) writeFileSync(join(dir, "cluster-id"), options.clusterId)
  const format = Bun.spawnSync(["bash", join(repoRoot, "scripts", "kafka-format"), join(dir, "cluster-id"), props, log4jFile], { stdout: "pipe", stderr: "pipe" })
  if (format.exitCode !== 0) throw new Error(`scripts/kafka-format failed (${format.exitCode}): ${format.stderr.toString()}`)
  mkdirSync(join(dir, "logs"), { recursive: true })

  let proc: Subprocess | undefined
  const start = async () => {
    if (proc !== undefined && proc.exitCode === null) return
    const lib = kafkaLib()
    // Appended to, so the log of a restarted broker follows the first run's.
    const out = openSync(logFile, "a")
    proc = Bun.spawn(
      ["java", "-Xms256m", "-Xmx256m", "-XX:+UseG1GC", "-Djava.awt.headless=true", `-Dlog4j.configuration=file:${log4jFile}`, `-Dkafka.logs.dir=${join(dir, "logs")}`, "-cp", `${lib}/*`, "kafka.Kafka", props],
      { stdin: "ignore", stdout: out, stderr: out },
    )
    closeSync(out)
    running.add(proc)
    await waitUntilAnswers(broker, proc, logFile, options.readyTimeoutMs ?? 120_000)
  }
  const stop = async (graceMs = 30_000) => {
    const p = proc
    if (p === undefined || p.exitCode !== null) return
    p.kill("SIGCONT")
    p.kill("SIGTERM")
    const killer = setTimeout(() => p.kill("SIGKILL"), graceMs)
    await p.exited
    clearTimeout(killer)
    running.delete(p)
  }
  const handle: PrivateKafka = {
    broker,
    dir,
    pid: () => (proc !== undefined && proc.exitCode === null ? proc.pid : undefined),
    start,
    pause: () => void proc?.kill("SIGSTOP"),
    resume: () => void proc?.kill("SIGCONT"),
    stop,
    dispose: async () => {
      await stop(5_000)
      rmSync(dir, { recursive: true, force: true })
    },
  }
  try {
    await start()
  } catch (error) {
    await handle.stop(5_000)
    throw error
  }
  return handle
}
