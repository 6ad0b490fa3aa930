/**
 * The command lines and config files of the services a lab host carries, as pure text:
 * a ZooKeeper server of the ensemble, a Kafka broker on it (the `paper` profile of
 * scripts/stack, with smaller heaps: nine hosts share one machine), and the environment
 * of the Bitcoin host's `scripts/stack up bitcoin` with the relay to its wallet. Each
 * listens on its host's address.
 */
import { existsSync } from "node:fs"
import { basename, join } from "node:path"
import type { LabPlan, PlannedHost } from "./lab-plan.ts"
import { ZK_PORTS } from "./lab-plan.ts"

/** Debian's ZooKeeper jar; its manifest's Class-Path names its dependencies (scripts/install zookeeper). */
export const ZOOKEEPER_JAR = "/usr/share/java/zookeeper.jar"

/** zoo.cfg of `host`'s server in the lab's ensemble. */
export const zooCfg = (plan: LabPlan, host: PlannedHost, dataDir: string): string => {
  const servers = plan.hosts
    .filter((h) => h.zookeeperId !== undefined)
    .map((h) => `server.${h.zookeeperId}=${h.address}:${ZK_PORTS.quorum}:${ZK_PORTS.election}`)
  return [
    "tickTime=2000",
    "initLimit=10",
    "syncLimit=5",
    `dataDir=${dataDir}`,
    `clientPort=${ZK_PORTS.client}`,
    `clientPortAddress=${host.address}`,
    "4lw.commands.whitelist=ruok,srvr",
    "admin.enableServer=false",
    ...servers,
    "",
  ].join("\n")
}

/** The java command line of a ZooKeeper server. */
export const zookeeperArgv = (cfgPath: string, logDir: string): ReadonlyArray<string> => [
  "java", "-Xms64m", "-Xmx256m", "-cp", ZOOKEEPER_JAR, `-Dzookeeper.log.dir=${logDir}`,
  "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfgPath,
]

/** server.properties of `host`'s broker, on the lab's ZooKeeper ensemble. */
export const kafkaProperties = (plan: LabPlan, host: PlannedHost, dataDir: string, replicationFactor: number): string => {
  if (host.kafka === undefined) throw new RangeError(`${host.name} carries no Kafka broker`)
  const brokers = plan.hosts.filter((h) => h.kafka !== undefined).length
  const listener = `PLAINTEXT://${host.address}:${host.kafka.port}`
  return [
    `broker.id=${host.kafka.brokerId}`,
    `zookeeper.connect=${plan.zookeeperConnect}`,
    `listeners=${listener}`,
    `advertised.listeners=${listener}`,
    `log.dirs=${dataDir}`,
    "num.partitions=12",
    `default.replication.factor=${Math.min(replicationFactor, brokers)}`,
    `min.insync.replicas=${Math.min(2, brokers)}`,
    `offsets.topic.replication.factor=${Math.min(3, brokers)}`,
    `transaction.state.log.replication.factor=${Math.min(3, brokers)}`,
    `transaction.state.log.min.isr=${Math.min(2, brokers)}`,
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
    "num.network.threads=2",
    "num.io.threads=4",
    "",
  ].join("\n")
}

/** log4j settings: warnings, and the broker's start and stop. */
export const KAFKA_LOG4J = [
  "log4j.rootLogger=WARN, stdout",
  "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
  "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
  "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
  "log4j.logger.kafka.server.KafkaServer=INFO",
  "",
].join("\n")

/** The java command line of a broker (512 MiB: the lab's brokers hold a few topics, not a long-lived stack's thousands). */
export const kafkaArgv = (kafkaLib: string, propsPath: string, log4jPath: string, logDir: string): ReadonlyArray<string> => [
  "java", "-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
  `-Dlog4j.configuration=file:${log4jPath}`, `-Dkafka.logs.dir=${logDir}`,
  "-cp", `${kafkaLib}/*`, "kafka.Kafka", propsPath,
]

/** btcwallet's RPC port on the namespace's loopback (scripts/stack's BTCWALLET_RPC_PORT). */
export const WALLET_LOOPBACK_PORT = 18554

/**
 * The environment of `scripts/stack up bitcoin` in the Bitcoin host's namespace: its
 * own run folder (pid files, logs, chain data), and no installs (scripts/lab did them).
 */
export const bitcoinStackEnv = (hostRunDir: string, password: string): Readonly<Record<string, string>> => ({
  GATEWAY_RUN_DIR: hostRunDir,
  GATEWAY_BTC_PASSWORD: password,
  STACK_SKIP_INSTALL: "1",
})

/** The relay that puts the wallet (loopback only: it serves RPC without TLS nowhere else) at the host's address and the `[[nodes]]` URL's port. */
export const walletRelayArgv = (root: string, host: PlannedHost): ReadonlyArray<string> => {
  if (host.bitcoinWalletPort === undefined) throw new RangeError(`${host.name} carries no Bitcoin node`)
  return [bunFor(root), `${root}/bench/lab/tcp-forward.ts`, `${host.address}:${host.bitcoinWalletPort}`, `127.0.0.1:${WALLET_LOOPBACK_PORT}`]
}

/**
 * The bun that runs a TypeScript file of the checkout at `root`: this process's own when
 * it is bun (`scripts/lab`), else the checkout's (a compiled gateway running the lab for
 * `gateway bench paper --lab` cannot run a .ts file itself), else whatever PATH has.
 */
export const bunFor = (root: string, execPath = process.execPath): string => {
  if (/^bun(-debug)?(\.exe)?$/.test(basename(execPath))) return execPath
  const local = join(root, "node_modules", ".bin", "bun")
  return existsSync(local) ? local : "bun"
}
