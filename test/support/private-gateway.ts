/**
 * A compiled gateway on a test's private single-broker Kafka (test/support/
 * private-kafka.ts), for tests that stop or freeze the broker, which the shared stack's
 * must never be. Its config is config/local.toml with replication 1 and min.insync 1,
 * three partitions, the intake on the test's own port, and one host "local" with the
 * roles the test runs. A consumer host names eth-1 (the shared anvil) because the
 * consumer role needs a node; the tests that use this send nothing to it.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { type GatewayProcess, isolatedCopy, repoRoot, startGateway } from "./gateway-process.ts"
import { type PrivateKafka, startPrivateKafka } from "./private-kafka.ts"
import { freePort } from "./replica-hosts-config.ts"

/** What differs between the tests. */
export interface PrivateGatewayConfig {
  readonly broker: string
  readonly intakePort: number
  readonly roles: readonly ("producer" | "consumer")[]
  readonly groupId: string
  /** `[intake].accept_timeout_ms`, when the test wants its own. */
  readonly acceptTimeoutMs?: number
}

/** The config text. */
export const privateGatewayConfig = (o: PrivateGatewayConfig): string => {
  let text = readFileSync(join(repoRoot, "config/local.toml"), "utf8")
  const set = (from: RegExp, to: string) => {
    if (!from.test(text)) throw new Error(`test fixture: ${from} is not in local.toml`)
    text = text.replace(from, to)
  }
  set(/^brokers = \[[^\]]*\]/m, `brokers = ["${o.broker}"]`)
  set(/^partitions = \d+/m, "partitions = 3")
  set(/^replication_factor = \d+/m, "replication_factor = 1")
  set(/^min_insync_replicas = \d+/m, "min_insync_replicas = 1")
  set(/^group_id = "[^"]*"/m, `group_id = "${o.groupId}"`)
  set(/^listen = "127\.0\.0\.1:8080"/m, `listen = "127.0.0.1:${o.intakePort}"`)
  if (o.acceptTimeoutMs !== undefined) set(/^accept_timeout_ms = \d+/m, `accept_timeout_ms = ${o.acceptTimeoutMs}`)
  text = text.slice(0, text.indexOf("[[hosts]]"))
  const nodes = o.roles.includes("consumer") ? `["eth-1"]` : "[]"
  return `${text}[[hosts]]\nname = "local"\naddress = "127.0.0.1"\nroles = [${o.roles.map((r) => `"${r}"`).join(", ")}]\nservices = []\nnodes = ${nodes}\n`
}

/** The broker, the gateway process and its intake URL. */
export interface PrivateGateway {
  readonly kafka: PrivateKafka
  readonly gw: GatewayProcess
  /** `http://127.0.0.1:<port>`: the intake. */
  readonly url: string
  /** Drains the gateway (SIGKILL after 20 s), stops the broker and removes both folders. */
  readonly dispose: () => Promise<void>
}

/** Starts a private broker (with `clusterId`, if given) and a gateway on it, and waits for `gateway.ready`. */
export const startPrivateGateway = async (
  o: Omit<PrivateGatewayConfig, "broker" | "intakePort"> & { readonly name: string; readonly apiKey: string; readonly clusterId?: string },
): Promise<PrivateGateway> => {
  const kafka = await startPrivateKafka(o.name, o.clusterId === undefined ? {} : { clusterId: o.clusterId })
  const dir = isolatedCopy([])
  const port = freePort()
  writeFileSync(join(dir, "private.toml"), privateGatewayConfig({ ...o, broker: kafka.broker, intakePort: port }))
  const gw = startGateway(dir, ["--config", "private.toml", "--host", "local"], { GATEWAY_API_KEYS: o.apiKey })
  const dispose = async () => {
    kafka.resume()
    if (gw.proc.exitCode === null) {
      gw.proc.kill("SIGTERM")
      await Promise.race([gw.proc.exited, Bun.sleep(20_000)])
      if (gw.proc.exitCode === null) gw.proc.kill("SIGKILL")
    }
    await kafka.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const exited = gw.proc.exited.then((code) => Promise.reject(new Error(`the gateway exited (${code}) before it was ready:\n${gw.stderrText().slice(-3000)}`)))
    await Promise.race([gw.waitFor((l) => l.event === "gateway.ready", 120_000), exited])
  } catch (error) {
    await dispose()
    throw error
  }
  return { kafka, gw, url: `http://127.0.0.1:${port}`, dispose }
}
