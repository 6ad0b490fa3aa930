/**
 * What the multi-host lab builds from one config file, as pure data: a namespace per
 * `[[hosts]]` entry at its address on one bridge, plus a namespace for each chain URL
 * (the registry's anvil, Ethereum `[[nodes]]`) whose address no host has; and, per
 * namespace, the services it carries (ZooKeeper, a Kafka broker, an etcd member, the
 * Bitcoin node, anvil) with the ports the config names for them, and whether a gateway
 * runs there. Every name starts with `gwl<third octet>`, so the lab owns exactly the
 * names with its prefix. The failover lab's subnets (10.77.1-99.0/24) are refused.
 */
import { basename, join } from "node:path"
import type { GatewayConfig, Role } from "../../src/config/index.ts"
import { replicaListenOf } from "../../src/config/index.ts"
import { BenchFailed } from "../lib/bench-definition.ts"
import type { NetnsHost, NetnsNetwork } from "../lib/netns.ts"
import { LAB_NET, LAB_SUBNETS } from "../failover/lab-layout.ts"

/** Where every lab keeps its run folder: `<LAB_ROOT>/<config name>/`. */
export const LAB_ROOT = "/tmp/gateway-lab"

/** ZooKeeper's ports inside a namespace: clients, followers, elections. */
export const ZK_PORTS = { client: 2181, quorum: 2888, election: 3888 } as const
/** etcd's ports inside a namespace (bench/failover/lab-etcd.ts listens on these). */
export const ETCD_PORTS = { client: 2379, peer: 2380 } as const

/** An anvil the lab runs. */
export interface PlannedAnvil {
  readonly port: number
  /** The registry's chain: a ServiceRegistry is deployed there and the gateways get its address. */
  readonly registry: boolean
  readonly url: string
}

/** One namespace and what runs in it. */
export interface PlannedHost extends NetnsHost {
  /** False for a namespace the lab adds for a chain URL no `[[hosts]]` entry has. */
  readonly fromConfig: boolean
  readonly roles: ReadonlyArray<Role>
  /** ZooKeeper server id (1..n), when the host carries `zookeeper`. */
  readonly zookeeperId?: number
  /** Kafka broker id and port, when the host carries `kafka-broker`. */
  readonly kafka?: { readonly brokerId: number; readonly port: number }
  readonly etcd: boolean
  /** btcwallet's RPC port (the `[[nodes]]` URL's), when the host carries `bitcoin-node`. */
  readonly bitcoinWalletPort?: number
  readonly anvils: ReadonlyArray<PlannedAnvil>
  /** Where the host's gateway answers `/readyz` (its intake, else its replica), if it runs one that listens. */
  readonly readyzUrl?: string
}

/** The whole lab of one config. */
export interface LabPlan {
  /** The config file's name without `.toml`: names the run folder. */
  readonly name: string
  readonly prefix: string
  readonly runDir: string
  readonly network: NetnsNetwork
  readonly hosts: ReadonlyArray<PlannedHost>
  /** `addr:2181,...` of every ZooKeeper host. */
  readonly zookeeperConnect: string
  /** `addr:port,...` of every broker. */
  readonly kafkaBrokers: ReadonlyArray<string>
}

const fail = (configPath: string, problem: string) => new BenchFailed({ reason: `${configPath}: ${problem}` })

const octets = (address: string): ReadonlyArray<number> | undefined => {
  const parts = address.split(".").map(Number)
  return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255) ? parts : undefined
}

const portOf = (url: URL): number => Number(url.port === "" ? (url.protocol === "https:" ? 443 : 80) : url.port)

const portOfListen = (listen: string): number => Number(listen.slice(listen.lastIndexOf(":") + 1))

/** The lab of `config` (read from `configPath`), with its run folder under `root`. */
export const labPlan = (config: GatewayConfig, configPath: string, root = LAB_ROOT): LabPlan => {
  const first = config.hosts[0]
  const firstOctets = first === undefined ? undefined : octets(first.address)
  if (firstOctets === undefined) throw fail(configPath, `host ${first?.name ?? "?"} has address "${first?.address ?? ""}"; the lab needs IPv4 addresses`)
  const net = firstOctets.slice(0, 3).join(".")
  const third = firstOctets[2] ?? 0
  if (`${firstOctets[0]}.${firstOctets[1]}` === LAB_NET && third >= LAB_SUBNETS[0] && third <= LAB_SUBNETS[1]) {
    throw fail(configPath, `the hosts are on ${net}.0/24, which the failover lab uses (${LAB_NET}.${LAB_SUBNETS[0]}-${LAB_SUBNETS[1]}.0/24); put them on another /24, e.g. ${LAB_NET}.0.x`)
  }
  const inNet = (address: string) => octets(address) !== undefined && address.startsWith(`${net}.`)
  for (const h of config.hosts) if (!inNet(h.address)) throw fail(configPath, `host ${h.name} is at ${h.address}, outside ${net}.0/24 where ${first?.name} is; the lab puts every host on one /24 bridge`)

  const prefix = `gwl${third}`
  const withService = (s: string) => config.hosts.filter((h) => (h.services as ReadonlyArray<string>).includes(s))
  const zkHosts = withService("zookeeper")
  const brokerHosts = withService("kafka-broker")
  if (brokerHosts.length > 0 && zkHosts.length === 0) throw fail(configPath, "the broker hosts carry no zookeeper; the lab runs Kafka on a ZooKeeper ensemble (the paper profile): add \"zookeeper\" to their services")
  const brokerPort = (address: string, name: string): number => {
    const entry = config.kafka.brokers.find((b) => b.slice(0, b.lastIndexOf(":")) === address)
    if (entry === undefined) throw fail(configPath, `host ${name} carries kafka-broker, but [kafka].brokers has no entry at ${address}; add "${address}:9092"`)
    return portOfListen(entry)
  }
  for (const b of config.kafka.brokers) {
    const at = b.slice(0, b.lastIndexOf(":"))
    if (!brokerHosts.some((h) => h.address === at)) throw fail(configPath, `[kafka].brokers names ${b}, but no host at ${at} carries kafka-broker`)
  }
  const etcdHosts = withService("etcd")
  for (const e of config.etcd.endpoints) {
    const u = new URL(e)
    if (!etcdHosts.some((h) => h.address === u.hostname)) throw fail(configPath, `[etcd].endpoints names ${e}, but no host at ${u.hostname} carries etcd`)
    if (portOf(u) !== ETCD_PORTS.client) throw fail(configPath, `[etcd].endpoints names ${e}; the lab's etcd members listen on port ${ETCD_PORTS.client}`)
  }

  // Chains: each Bitcoin [[nodes]] URL is its host's wallet; each Ethereum one, and the registry's, an anvil.
  const bitcoinPorts = new Map<string, number>()
  for (const n of config.nodes.filter((n) => n.chain === "bitcoin")) {
    const u = new URL(n.url)
    const carrier = withService("bitcoin-node").find((h) => h.address === u.hostname)
    if (carrier === undefined) throw fail(configPath, `node ${n.name} is at ${n.url}, but no host at ${u.hostname} carries bitcoin-node`)
    bitcoinPorts.set(carrier.name, portOf(u))
  }
  const needsRegistry = config.hosts.some((h) => h.roles.includes("replica") || h.roles.includes("registry-watcher"))
  const anvilUrls = new Map<string, PlannedAnvil>()
  const addAnvil = (url: string, registry: boolean) => {
    const u = new URL(url)
    const key = `${u.hostname}:${portOf(u)}`
    if (!inNet(u.hostname)) throw fail(configPath, `${url} is outside the lab's ${net}.0/24; the lab runs that chain's anvil at its address`)
    const known = anvilUrls.get(key)
    anvilUrls.set(key, { port: portOf(u), registry: registry || known?.registry === true, url: `http://${key}` })
  }
  if (needsRegistry) addAnvil(config.registry.rpc_url, true)
  for (const n of config.nodes.filter((n) => n.chain === "ethereum")) addAnvil(n.url, false)
  const anvilsAt = (address: string) => [...anvilUrls.entries()].filter(([k]) => k.startsWith(`${address}:`)).map(([, a]) => a)

  const zkIds = new Map(zkHosts.map((h, i) => [h.name, i + 1]))
  const brokerIds = new Map(brokerHosts.map((h, i) => [h.name, i + 1]))
  const hosts: Array<PlannedHost> = config.hosts.map((h, i) => {
    const zookeeperId = zkIds.get(h.name)
    const brokerId = brokerIds.get(h.name)
    const walletPort = bitcoinPorts.get(h.name)
    const readyzPort = h.roles.includes("producer")
      ? portOfListen(config.intake.listen)
      : h.roles.includes("replica")
        ? portOfListen(replicaListenOf(config, h))
        : undefined
    return {
      name: h.name,
      netns: `${prefix}-${h.name}`,
      hostVeth: `${prefix}h${i}`,
      innerVeth: `${prefix}p${i}`,
      address: h.address,
      fromConfig: true,
      roles: h.roles,
      ...(zookeeperId === undefined ? {} : { zookeeperId }),
      ...(brokerId === undefined ? {} : { kafka: { brokerId, port: brokerPort(h.address, h.name) } }),
      etcd: etcdHosts.includes(h),
      ...(walletPort === undefined ? {} : { bitcoinWalletPort: walletPort }),
      anvils: anvilsAt(h.address),
      ...(readyzPort === undefined ? {} : { readyzUrl: `http://${h.address}:${readyzPort}/readyz` }),
    }
  })
  const extraAddresses = [...new Set([...anvilUrls.keys()].map((k) => k.slice(0, k.lastIndexOf(":"))))].filter((a) => !config.hosts.some((h) => h.address === a))
  for (const address of extraAddresses) {
    const i = hosts.length
    const name = `chain-${address.split(".")[3]}`
    hosts.push({ name, netns: `${prefix}-${name}`, hostVeth: `${prefix}h${i}`, innerVeth: `${prefix}p${i}`, address, fromConfig: false, roles: [], etcd: false, anvils: anvilsAt(address) })
  }
  const taken = new Set(hosts.map((h) => h.address))
  const bridgeAddress = [`${net}.1`, `${net}.254`].find((a) => !taken.has(a))
  if (bridgeAddress === undefined) throw fail(configPath, `both ${net}.1 and ${net}.254 are host addresses; the lab's bridge needs one of them`)
  const tooLong = hosts.find((h) => h.hostVeth.length > 15)
  if (tooLong !== undefined) throw fail(configPath, `too many hosts: the veth name ${tooLong.hostVeth} is longer than Linux allows`)
  const name = basename(configPath).replace(/\.toml$/, "")
  return {
    name,
    prefix,
    runDir: join(root, name),
    network: { bridge: `${prefix}br`, bridgeAddress, prefixLength: 24, hosts },
    hosts,
    zookeeperConnect: zkHosts.map((h) => `${h.address}:${ZK_PORTS.client}`).join(","),
    kafkaBrokers: [...config.kafka.brokers],
  }
}

/** The services a planned host runs, by the names `status` shows. */
export const servicesOf = (h: PlannedHost): ReadonlyArray<string> => [
  ...(h.zookeeperId === undefined ? [] : ["zookeeper"]),
  ...(h.kafka === undefined ? [] : ["kafka"]),
  ...(h.etcd ? ["etcd"] : []),
  ...(h.bitcoinWalletPort === undefined ? [] : ["btcd", "btcwallet", "btc-miner", "rpc-relay"]),
  ...h.anvils.map((a) => `anvil-${a.port}`),
]
