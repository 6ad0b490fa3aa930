/**
 * `scripts/lab up|down|status CONFIG`: the multi-host lab of one config file (see
 * host-lab.ts). scripts/lab runs this after installing what the lab starts; it can be
 * run as `bun bench/lab/main.ts` too, with KAFKA_LIB and GATEWAY_ETCD_BIN set.
 */
import { join } from "node:path"
import { Result } from "effect"
import { loadConfig } from "../../src/config/index.ts"
import { BenchFailed } from "../lib/bench-definition.ts"
import { defaultKafkaLib } from "../lib/kafka-producer-perf.ts"
import { labDown, labStatus, labUp, statusTable } from "./host-lab.ts"
import { LAB_ROOT, labPlan } from "./lab-plan.ts"

const USAGE = `usage: scripts/lab up|down|status CONFIG [--gateway PATH]
  up      one network namespace per [[hosts]] entry on one bridge, the services each
          host carries, and 'gateway --config CONFIG --host NAME' where a host has roles
  down    stop everything by pid, delete the namespaces, veths and bridge (also after a killed up)
  status  each host's services and gateway: pid, alive, and a check run inside its namespace
The run folder is ${LAB_ROOT}/<config name>/ (GATEWAY_LAB_ROOT moves it): logs/, pids/, lab.env.`

const ROOT = join(import.meta.dir, "..", "..")

const say = (line: string) => process.stderr.write(`[lab] ${line}\n`)

/** Runs one lab command and answers the exit code. */
export const labMain = async (argv: ReadonlyArray<string>, env: Readonly<Record<string, string | undefined>>): Promise<number> => {
  const [command, configPath, ...rest] = argv
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE)
    return 0
  }
  if (!["up", "down", "status"].includes(command) || configPath === undefined) {
    console.error(`scripts/lab: expected up, down or status and a config file\n${USAGE}`)
    return 2
  }
  let gateway = join(ROOT, "dist", "gateway")
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--gateway" && rest[i + 1] !== undefined) gateway = rest[++i] ?? gateway
    else {
      console.error(`scripts/lab: unexpected argument "${rest[i]}"\n${USAGE}`)
      return 2
    }
  }
  const loaded = await loadConfig(configPath)
  if (Result.isFailure(loaded)) {
    console.error(`scripts/lab: ${configPath} is not a valid config; run 'gateway config check ${configPath}' to see why`)
    return 2
  }
  const config = loaded.success
  const btcPassword = env.GATEWAY_BTC_PASSWORD ?? "gateway-dev-password"
  try {
    const plan = labPlan(config, configPath, env.GATEWAY_LAB_ROOT ?? LAB_ROOT)
    if (command === "up") {
      const started = Date.now()
      await labUp(plan, {
        configPath,
        root: ROOT,
        gateway,
        kafkaLib: env.KAFKA_LIB ?? defaultKafkaLib(env),
        replicationFactor: config.kafka.topics.replication_factor,
        anvilBlockTimeS: config.stack.anvil_block_time_s,
        apiKeys: env.GATEWAY_API_KEYS ?? "local-dev-key",
        btcPassword,
        say,
      })
      say(`up in ${Math.round((Date.now() - started) / 1000)} s; 'source ${join(plan.runDir, "lab.env")}' for the API key and the intakes`)
      return 0
    }
    if (command === "down") {
      // A gateway's drain may take its whole drain timeout, and its supervisor's stop a little more.
      await labDown(plan, say, config.runtime.drain_timeout_ms + 15_000)
      return 0
    }
    const rows = labStatus(plan, btcPassword)
    for (const line of statusTable(rows)) console.log(line)
    return rows.every((r) => r.alive) ? 0 : 1
  } catch (e) {
    console.error(`scripts/lab ${command}: ${e instanceof BenchFailed ? e.reason : e instanceof Error ? e.message : String(e)}`)
    return 1
  }
}

if (import.meta.main) process.exit(await labMain(process.argv.slice(2), process.env))
