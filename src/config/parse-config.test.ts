import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { parseConfig } from "./parse-config.ts"

const FILE = "config/paper.toml"
const paper = await Bun.file(`${import.meta.dir}/../../config/paper.toml`).text()

/** Replaces exactly one occurrence, failing loudly if the shipped file no longer has the text. */
const edit = (base: string, edits: ReadonlyArray<readonly [string, string]>): string =>
  edits.reduce((text, [from, to]) => {
    const at = text.indexOf(from)
    if (at < 0) throw new Error(`test fixture: ${JSON.stringify(from)} is not in paper.toml`)
    return text.slice(0, at) + to + text.slice(at + from.length)
  }, base)

const linesOf = (text: string): ReadonlyArray<string> => {
  const result = parseConfig(text, FILE)
  return Result.isFailure(result) ? result.failure.lines() : []
}

/** Each row: the edits that break paper.toml, and every line the error must print. */
const invalid: ReadonlyArray<{
  readonly name: string
  readonly edits: ReadonlyArray<readonly [string, string]>
  readonly lines: ReadonlyArray<string>
}> = [
  {
    name: "misspelt role",
    edits: [['name = "broker-3"\naddress = "10.77.0.13"\nroles = ["consumer"', 'name = "broker-3"\naddress = "10.77.0.13"\nroles = ["consumr"']],
    lines: [
      `${FILE}: hosts[2].roles[0]: expected one of producer, consumer, replica, registry-watcher; found "consumr"`,
    ],
  },
  {
    name: "zero partitions",
    edits: [["partitions = 12", "partitions = 0"]],
    lines: [`${FILE}: kafka.topics.partitions: expected an integer >= 1; found 0`],
  },
  {
    name: "a replica_listen without a port",
    edits: [['name = "broker-2"\naddress = "10.77.0.12"\n', 'name = "broker-2"\naddress = "10.77.0.12"\nreplica_listen = "127.0.0.1"\n']],
    lines: [`${FILE}: hosts[1].replica_listen: expected host:port (e.g. 127.0.0.1:8080); found "127.0.0.1"`],
  },
  {
    name: "a manager_key_env that is not a variable name",
    edits: [["poll_interval_ms = 500", 'poll_interval_ms = 500\nmanager_key_env = "registry key"']],
    lines: [`${FILE}: registry.manager_key_env: expected an environment variable name of capital letters, digits and _ (e.g. GATEWAY_API_KEYS); found "registry key"`],
  },
  {
    name: "a negative from_block",
    edits: [["from_block = 0 ", "from_block = -1 "]],
    lines: [`${FILE}: registry.from_block: expected an integer >= 0; found -1`],
  },
  {
    name: "fractional partitions",
    edits: [["partitions = 12", "partitions = 1.5"]],
    lines: [`${FILE}: kafka.topics.partitions: expected an integer >= 1; found 1.5`],
  },
  {
    name: "quoted number",
    edits: [["partitions = 12", 'partitions = "12"']],
    lines: [`${FILE}: kafka.topics.partitions: expected an integer >= 1; found "12"`],
  },
  {
    name: "min.insync above replication factor",
    edits: [["min_insync_replicas = 2", "min_insync_replicas = 4"]],
    lines: [
      `${FILE}: kafka.topics.min_insync_replicas: expected at most replication_factor (3), or no write could ever be acknowledged; found 4`,
    ],
  },
  {
    name: "acks other than all",
    edits: [['acks = "all"', 'acks = "1"']],
    lines: [
      `${FILE}: kafka.producer.acks: expected "all" (a 202 is sent only after every in-sync replica has the request); found "1"`,
    ],
  },
  {
    name: "non-idempotent producer",
    edits: [["idempotent = true", "idempotent = false"]],
    lines: [`${FILE}: kafka.producer.idempotent: expected true (a retried send must not duplicate a request); found false`],
  },
  {
    name: "string for a boolean",
    edits: [["adaptive = true", 'adaptive = "yes"']],
    lines: [`${FILE}: nodes[0].adaptive: expected true or false; found "yes"`],
  },
  {
    name: "empty broker list",
    edits: [['brokers = ["10.77.0.11:9092", "10.77.0.12:9092", "10.77.0.13:9092"]', "brokers = []"]],
    lines: [`${FILE}: kafka.brokers: expected a non-empty list of broker addresses (host:port); found []`],
  },
  {
    name: "broker without port",
    edits: [['brokers = ["10.77.0.11:9092",', 'brokers = ["10.77.0.11",']],
    lines: [`${FILE}: kafka.brokers[0]: expected host:port (e.g. 127.0.0.1:8080); found "10.77.0.11"`],
  },
  {
    name: "empty etcd endpoints",
    edits: [['endpoints = ["http://10.77.0.11:2379", "http://10.77.0.12:2379", "http://10.77.0.13:2379"]', "endpoints = []"]],
    lines: [`${FILE}: etcd.endpoints: expected a non-empty list of etcd client URLs; found []`],
  },
  {
    name: "duplicate host name",
    edits: [['name = "broker-2"', 'name = "broker-1"']],
    lines: [`${FILE}: hosts[1].name: expected a host name not used by another host; found "broker-1" again (first at hosts[0].name)`],
  },
  {
    name: "duplicate node name",
    edits: [["[stack]", '[[nodes]]\nname = "btc-1"\nchain = "ethereum"\nurl = "http://10.77.0.30:8545"\nmax_in_flight = 1\nmax_rps = 1\nadaptive = false\ntimeout_ms = 1\nbreaker_failures = 1\nbreaker_reset_ms = 1\n\n[stack]']],
    lines: [`${FILE}: nodes[1].name: expected a node name not used by another node; found "btc-1" again (first at nodes[0].name)`],
  },
  {
    name: "host names an undefined node",
    edits: [['nodes = ["btc-1"]', 'nodes = ["btc-2"]']],
    lines: [`${FILE}: hosts[0].nodes[0]: expected one of the [[nodes]] names btc-1; found "btc-2" (did you mean btc-1?)`],
  },
  {
    name: "consumer host without nodes",
    edits: [['nodes = ["btc-1"]', "nodes = []"]],
    lines: [`${FILE}: hosts[0].nodes: expected at least one [[nodes]] name, because this host runs the consumer role; found []`],
  },
  {
    name: "misspelt key, with the missing key it leaves",
    edits: [['address = "10.77.0.11"', 'adress = "10.77.0.11"']],
    lines: [
      `${FILE}: hosts[0].adress: expected one of the keys name, address, roles, services, nodes, replica_listen; found an unknown key (did you mean address?)`,
      `${FILE}: hosts[0].address: expected a non-empty string; found nothing (the key is missing)`,
    ],
  },
  {
    name: "misspelt table header (its keys would all have defaults, so the unknown key is the one error)",
    edits: [["[runtime]", "[runtim]"]],
    lines: [
      `${FILE}: runtim: expected one of the keys kafka, intake, etcd, replica, registry, chains, nodes, stack, runtime, reads, status, webhooks, hosts; found an unknown key (did you mean runtime?)`,
    ],
  },
  {
    name: "leader would outlive its lease",
    edits: [["step_down_after_ms = 3500", "step_down_after_ms = 5000"]],
    lines: [
      `${FILE}: etcd.step_down_after_ms: expected less than lease_ttl_s * 1000 (5000), so a cut-off leader stops before its lease can expire; found 5000`,
    ],
  },
  {
    name: "a leader beat too slow to come before the lease expires",
    edits: [["leader_beat_ms = 0", "leader_beat_ms = 1667"]],
    lines: [
      `${FILE}: etcd.leader_beat_ms: expected 0 (off) or less than a third of lease_ttl_s * 1000 (so under 1667): followers end a leadership silent for 3 beats, which must come before its lease expires to gain anything; found 1667`,
    ],
  },
  {
    name: "heartbeat not below session timeout",
    edits: [["heartbeat_interval_ms = 1000", "heartbeat_interval_ms = 6000"]],
    lines: [
      `${FILE}: kafka.consumer.heartbeat_interval_ms: expected less than session_timeout_ms (6000), ideally a third of it; found 6000`,
    ],
  },
  {
    name: "a transaction interval that outlasts the ownership grace",
    edits: [["transaction_interval_ms = 2000", "transaction_interval_ms = 3000"]],
    lines: [
      `${FILE}: kafka.consumer.transaction_interval_ms: expected less than half of session_timeout_ms (3000), the time a broadcast may rely on the last commit; found 3000`,
    ],
  },
  {
    name: "a light transaction interval longer than the busy one",
    edits: [["transaction_interval_light_ms = 500", "transaction_interval_light_ms = 2500"]],
    lines: [
      `${FILE}: kafka.consumer.transaction_interval_light_ms: expected at most transaction_interval_ms (2000): the pause without a backlog is the shorter one; found 2500`,
    ],
  },
  {
    name: "two topics with one name",
    edits: [['dlq = "sendto.dlq"', 'dlq = "sendto"']],
    lines: [`${FILE}: kafka.topics.dlq: expected a topic name not used by another topic; found "sendto" again (first at kafka.topics.requests)`],
  },
  {
    name: "bitcoin node without credentials",
    edits: [['user = "gateway"\n', ""], ['password_env = "GATEWAY_BTC_PASSWORD"\n', ""]],
    lines: [
      `${FILE}: nodes[0].user: expected a user name (Bitcoin JSON-RPC uses basic auth); found nothing (the key is missing)`,
      `${FILE}: nodes[0].password_env: expected the environment variable holding the RPC password; found nothing (the key is missing)`,
    ],
  },
  {
    name: "zookeeper under the kraft profile",
    edits: [['profile = "paper"', 'profile = "kraft"']],
    lines: [0, 1, 2].map(
      (h) => `${FILE}: hosts[${h}].services[1]: expected no zookeeper while stack.profile is "kraft" (set it to "paper"); found "zookeeper"`,
    ),
  },
  {
    name: "non-http RPC URL and short contract address",
    edits: [['rpc_url = "http://10.77.0.30:8545"', 'rpc_url = "ws://10.77.0.30:8546"'], ['contract_address = ""', 'contract_address = "0x12"']],
    lines: [
      `${FILE}: registry.rpc_url: expected an http:// or https:// URL (e.g. http://127.0.0.1:8545); found "ws://10.77.0.30:8546"`,
      `${FILE}: registry.contract_address: expected "" (before gateway contracts deploy has run) or a 0x address of 40 hex digits; found "0x12"`,
    ],
  },
  {
    name: "secret written where its variable name belongs",
    edits: [['api_keys_env = "GATEWAY_API_KEYS"', 'api_keys_env = "s3cret-key"']],
    lines: [
      `${FILE}: intake.api_keys_env: expected an environment variable name of capital letters, digits and _ (e.g. GATEWAY_API_KEYS); found "s3cret-key"`,
    ],
  },
  {
    name: "a string where a list belongs",
    edits: [['services = ["bitcoin-node"]', 'services = "bitcoin-node"']],
    lines: [
      `${FILE}: hosts[8].services: expected a list of services (kafka-broker, zookeeper, etcd, bitcoin-node, ethereum-node); found "bitcoin-node"`,
    ],
  },
  {
    name: "TOML syntax error points at the line",
    edits: [["partitions = 12", "partitions = = 12"]],
    lines: [`${FILE}:${paper.split("\n").findIndex((l) => l.startsWith("partitions = 12")) + 1}: expected valid TOML; found a syntax error: Expected a value but found '='`],
  },
  {
    name: "a key defined twice points at the second definition",
    edits: [["partitions = 12\n", "partitions = 12\npartitions = 6\n"]],
    lines: [
      `${FILE}:${paper.split("\n").findIndex((l) => l.startsWith("partitions = 12")) + 2}: expected valid TOML; found a syntax error: Cannot redefine key 'partitions'`,
    ],
  },
  {
    name: "every problem at once, schema and cross-field together",
    edits: [["partitions = 12", "partitions = 0"], ['name = "broker-2"', 'name = "broker-1"'], ["max_in_flight = 1 ", "max_in_flight = -1 "]],
    lines: [
      `${FILE}: kafka.topics.partitions: expected an integer >= 1; found 0`,
      `${FILE}: nodes[0].max_in_flight: expected an integer >= 1; found -1`,
      `${FILE}: hosts[1].name: expected a host name not used by another host; found "broker-1" again (first at hosts[0].name)`,
    ],
  },
]

describe("parseConfig rejects", () => {
  test.each(invalid)("$name", ({ edits, lines }) => {
    expect(linesOf(edit(paper, edits))).toEqual(lines)
  })
})

/** Edits at the edge of each rule that must still be accepted, so the rules are not stricter than stated. */
const boundaries: ReadonlyArray<{ readonly name: string; readonly edits: ReadonlyArray<readonly [string, string]> }> = [
  { name: "paper.toml unchanged", edits: [] },
  { name: "one partition", edits: [["partitions = 12", "partitions = 1"]] },
  { name: "min.insync equal to the replication factor", edits: [["min_insync_replicas = 2", "min_insync_replicas = 3"]] },
  { name: "step-down 1 ms before the lease expires", edits: [["step_down_after_ms = 3500", "step_down_after_ms = 4999"]] },
  { name: "the slowest leader beat that still beats the lease", edits: [["leader_beat_ms = 0", "leader_beat_ms = 1666"]] },
  { name: "heartbeat 1 ms below the session timeout", edits: [["heartbeat_interval_ms = 1000", "heartbeat_interval_ms = 5999"]] },
  { name: "zero confirmations", edits: [["confirmations = 1", "confirmations = 0"]] },
  { name: "an older file that still sets the unused linger_ms", edits: [["max_batch_messages = 500", "max_batch_messages = 500\nlinger_ms = 0"]] },
  {
    name: "a deployed contract address",
    edits: [['contract_address = ""', 'contract_address = "0x5FbDB2315678afecb367f032c93F642f64180aa3"']],
  },
  { name: "equal backoff base and cap", edits: [["backoff_base_ms = 100", "backoff_base_ms = 10000"]] },
  { name: "an IPv6 listen address", edits: [['listen = "0.0.0.0:8080"', 'listen = "[::1]:8080"']] },
  {
    name: "a per-host replica_listen and a manager_key_env",
    edits: [
      ['name = "broker-2"\naddress = "10.77.0.12"\n', 'name = "broker-2"\naddress = "10.77.0.12"\nreplica_listen = "127.0.0.1:8092"\n'],
      ["poll_interval_ms = 500", 'poll_interval_ms = 500\nmanager_key_env = "REGISTRY_MANAGER_KEY"'],
    ],
  },
]

describe("parseConfig accepts", () => {
  test.each(boundaries)("$name", ({ edits }) => {
    expect(linesOf(edit(paper, edits))).toEqual([])
  })
})

describe("parseConfig", () => {
  test("an empty file reports the keys that have no default", () => {
    expect(linesOf("")).toEqual([
      `${FILE}: kafka.brokers: expected a non-empty list of broker addresses (host:port); found nothing (the key is missing)`,
      `${FILE}: nodes: expected a non-empty list of [[nodes]] tables; found nothing (the key is missing)`,
      `${FILE}: hosts: expected a non-empty list of [[hosts]] tables; found nothing (the key is missing)`,
    ])
  })

  test("returns the typed config with keys as written in the file", () => {
    const result = parseConfig(paper, FILE)
    expect(Result.isSuccess(result)).toBe(true)
    if (Result.isSuccess(result)) {
      expect(result.success.kafka.topics.min_insync_replicas).toBe(2)
      expect(result.success.hosts.map((h) => h.name)).toContain("producer-5")
    }
  })
})
