/**
 * One fault scenario's gateway, on the real stack: its own topics and consumer group
 * (nothing another test left in Kafka reaches it), its own intake port(s), its own anvil
 * (a fault may pause its mining, drop from its pool or reorg it without touching the
 * shared node), fresh funded Ethereum senders whose keys only this run's gateway holds,
 * and a fresh account of the shared wallet with several coins. The scenario submits requests of both chains, injects its
 * fault, waits until every request is final, and then judges from the chains
 * themselves: each Ethereum value and each Bitcoin amount appears exactly once.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect } from "bun:test"
import { Wallet } from "ethers"
import { Effect } from "effect"
import type { Kafka } from "kafkajs"
import type { Subprocess } from "bun"
import { ethereumCall, makeEthereumNode } from "../../src/adapters/ethereum.ts"
import { executorTransactionalId } from "../../src/kafka/fenced-writer.ts"
import { btc } from "./chain-clients.ts"
import { freePorts } from "./free-ports.ts"
import { connectedAdmin, deleteTopics, testCluster } from "./kafka-fixtures.ts"
import { builtBinary, keepGatewayLogs, killOnExit, repoRoot, stackEnv, startGateway, type GatewayProcess } from "./gateway-process.ts"
import { get, post, waitUntil } from "./intake-client.ts"

/** What a scenario's gateway is made of. */
export interface FaultRunOptions {
  /** Short name, in topic names and logs. */
  readonly name: string
  readonly producers?: number
  readonly consumers?: number
  readonly ethSenders?: number
  /** Coins of 1 BTC the run's wallet account gets. */
  readonly btcCoins?: number
  /** Changes to the config text, after the run's own topics and port are set; `run.account` is the run's wallet account. */
  readonly edit?: (toml: string, run: { readonly account: string }) => string
  /** Extra environment for the gateways. */
  readonly env?: Readonly<Record<string, string>>
  /** The producers' `--role` (default "producer"); "producer,consumer" gives hosts that also serve reads. */
  readonly producerRoles?: string
  /**
   * How the run's anvil mines: "mixed" (default: automine plus a block every second, so each
   * transfer mines at once and a run stays short; a fault run's bursts of a few hundred are
   * far below the few thousand that wedge anvil 1.7.1's automine, which is why the stack
   * mines on an interval instead), "auto" (a block only per transaction or evm_mine) or
   * "interval" (a block a second and no automine, as the stack mines: a transfer waits up to
   * a second between its broadcast and its block, so a fault meets transfers in flight).
   */
  readonly anvilMining?: "mixed" | "auto" | "interval"
}

/** A running scenario. */
export interface FaultRun {
  readonly dir: string
  readonly topics: { readonly requests: string; readonly results: string; readonly dlq: string; readonly webhooks: string; readonly group: string }
  readonly intakes: readonly string[]
  readonly producers: GatewayProcess[]
  readonly consumers: GatewayProcess[]
  readonly senders: readonly string[]
  readonly sink: string
  readonly account: string
  readonly target: string
  /** The run's own anvil. */
  readonly ethUrl: string
  /** One JSON-RPC call to the run's anvil. */
  readonly eth: (method: string, params?: readonly unknown[]) => Promise<unknown>
  /** Starts one more consumer host (e.g. to replace a killed one). */
  readonly startConsumer: () => Promise<GatewayProcess>
  /**
   * SIGKILLs producer host `index` and starts it again on the same config (same port, same
   * host name, so the same status store file); resolves once it is ready again.
   */
  readonly restartProducer: (index: number) => Promise<GatewayProcess>
  /** Stops every gateway (SIGTERM, then SIGKILL) and removes the run's folder unless KEEP_TEST_LOGS is set. */
  readonly stop: () => Promise<void>
}

const ready = (g: GatewayProcess) => g.waitFor((l) => l.event === "gateway.ready", 120_000)

/** Funds `addresses` on anvil with 1,000 ether each. */
const fundEth = async (eth: FaultRun["eth"], addresses: readonly string[]) => {
  for (const a of addresses) await eth("anvil_setBalance", [a, "0x3635c9adc5dea00000"])
}

/** Starts an anvil of the run's own on a free port, mining as told (see `FaultRunOptions.anvilMining`). */
const startAnvil = async (mining: "mixed" | "auto" | "interval"): Promise<{ readonly url: string; readonly proc: Subprocess; readonly states: string }> => {
  const [port] = await freePorts(1)
  const blocks = { mixed: ["--mixed-mining", "--block-time", "1"], auto: [], interval: ["--block-time", "1"] }[mining]
  // Old states go to a folder of the run's own, capped, and removed with the run (anvil's default keeps them all in ~/.foundry).
  const states = mkdtempSync(join(tmpdir(), "gateway-fault-anvil-states-"))
  const proc = Bun.spawn([join(repoRoot, "node_modules", ".bin", "anvil"), "--host", "127.0.0.1", "--port", String(port), "--chain-id", "31337", "--order", "fifo", "--silent", "--max-persisted-states", "5000", "--cache-path", states, ...blocks], { stdout: "ignore", stderr: "ignore" })
  killOnExit(proc)
  const url = `http://127.0.0.1:${port}`
  const up = await waitUntil(async () => {
    try {
      return (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' })).ok
    } catch {
      return false
    }
  }, 30_000, 100)
  if (!up) {
    proc.kill("SIGKILL")
    rmSync(states, { recursive: true, force: true })
    throw new Error(`the run's anvil did not answer on ${url} within 30 s`)
  }
  return { url, proc, states }
}

/**
 * A wallet call that moves btcwallet past a change address it cannot read back (simnet's
 * "Sb1…" addresses, which it takes for bech32: "-5: Invalid address or key: Sb1…") by
 * asking for a fresh one, then calls again.
 */
const walletCall = async (method: string, params: readonly unknown[]): Promise<unknown> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await btc(method, params)
    } catch (error) {
      if (attempt >= 5 || !/Invalid address or key: Sb1/.test(String((error as { detail?: unknown }).detail ?? error))) throw error
      // Asking for the next change address can itself hit an unreadable one: it still moves the wallet on.
      await btc("getrawchangeaddress", ["default"]).catch(() => undefined)
    }
  }
}

/** A fresh wallet account with `coins` coins of 1 BTC, confirmed, and an address of it to pay to. */
const fundAccount = async (account: string, coins: number) => {
  await btc("createnewaccount", [account])
  const target = String(await walletCall("getnewaddress", [account]))
  for (let i = 0; i < coins; i++) await walletCall("sendfrom", ["default", String(await walletCall("getnewaddress", [account])), 1, 0])
  const funded = await waitUntil(async () => Number(await btc("getbalance", [account, 1])) >= coins, 60_000, 500)
  if (!funded) throw new Error(`the wallet account ${account} did not get ${coins} confirmed BTC within 60 s; is the btc miner running?`)
  return target
}

/** Starts a scenario's gateways (see the module comment). */
export const startFaultRun = async (options: FaultRunOptions): Promise<FaultRun> => {
  const tag = `${options.name}-${Date.now().toString(36)}`
  const topics = { requests: `sendto-${tag}`, results: `sendto-${tag}.results`, dlq: `sendto-${tag}.dlq`, webhooks: `sendto-${tag}.webhooks`, group: `gateway-${tag}` }
  const dir = mkdtempSync(join(tmpdir(), `gateway-fault-${options.name}-`))
  copyFileSync(builtBinary, join(dir, "gateway"))
  const base = readFileSync(join(repoRoot, "config", "local.toml"), "utf8")
    .replace('requests = "sendto"', `requests = "${topics.requests}"`)
    .replace('results = "sendto.results"', `results = "${topics.results}"`)
    .replace('dlq = "sendto.dlq"', `dlq = "${topics.dlq}"`)
    .replace('webhooks = "sendto.webhooks"', `webhooks = "${topics.webhooks}"`)
    .replace('group_id = "gateway-consumers"', `group_id = "${topics.group}"`)
  const anvil = await startAnvil(options.anvilMining ?? "mixed").catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true })
    throw error
  })
  const producers: GatewayProcess[] = []
  const consumers: GatewayProcess[] = []
  const stopProcesses = async () => {
    const all = [...producers, ...consumers].filter((p) => p.proc.exitCode === null)
    for (const p of all) p.proc.kill("SIGCONT")
    for (const p of all) p.proc.kill("SIGTERM")
    const forced = setTimeout(() => all.forEach((p) => p.proc.kill("SIGKILL")), 30_000)
    await Promise.all(all.map((p) => p.proc.exited))
    clearTimeout(forced)
    anvil.proc.kill("SIGTERM")
    await anvil.proc.exited
    rmSync(anvil.states, { recursive: true, force: true })
  }
  try {
    const node = makeEthereumNode({ name: "fault-anvil", url: anvil.url, chainId: 31337, pollingIntervalMs: 250 })
    const eth = (method: string, params: readonly unknown[] = []) => Effect.runPromise(ethereumCall(node, method, params))
    const withAnvil = base.replace(/(name = "eth-1"[\s\S]*?\nurl = )"[^"]*"/, `$1"${anvil.url}"`)
    if (!withAnvil.includes(`url = "${anvil.url}"`)) throw new Error("config/local.toml has no eth-1 node whose url the run could point at its anvil")
    const account = `fault-${tag}`
    const edited = options.edit === undefined ? withAnvil : options.edit(withAnvil, { account })
    const intakes: string[] = []
    const configs: string[] = []
    for (let i = 0; i < Math.max(1, options.producers ?? 1); i++) {
      const [port] = await freePorts(1)
      const file = `fault-${i}.toml`
      writeFileSync(join(dir, file), edited.replace('listen = "127.0.0.1:8080"', `listen = "127.0.0.1:${port}"`))
      configs.push(file)
      intakes.push(`http://127.0.0.1:${port}`)
    }
    const wallets = Array.from({ length: options.ethSenders ?? 4 }, () => Wallet.createRandom())
    const senders = wallets.map((w) => w.address)
    await fundEth(eth, senders)
    const sink = Wallet.createRandom().address
    const target = await fundAccount(account, options.btcCoins ?? 20)
    const env = { ...stackEnv(), GATEWAY_ETH_KEYS: wallets.map((w) => w.privateKey).join(","), ...options.env }
    const startProducer = (config: string) => startGateway(dir, ["--config", config, "--host", "local", "--role", options.producerRoles ?? "producer"], env)
    producers.push(...configs.map(startProducer))
    await Promise.all(producers.map(ready))
    const restartProducer = async (index: number) => {
      const old = producers[index]
      if (old === undefined) throw new Error(`the run has no producer ${index}`)
      old.proc.kill("SIGKILL")
      await old.proc.exited
      const fresh = startProducer(configs[index] ?? "")
      producers[index] = fresh
      await ready(fresh)
      return fresh
    }
    const startConsumer = async () => {
      const g = startGateway(dir, ["--config", configs[0] ?? "", "--host", "local", "--role", "consumer"], env)
      consumers.push(g)
      await ready(g)
      return g
    }
    for (let i = 0; i < (options.consumers ?? 2); i++) await startConsumer()
    const stop = async () => {
      await stopProcesses()
      // The run's topics go too: thousands of leftover partitions weigh on the brokers' heap.
      const admin = await testCluster(`fault-${tag}-cleanup`).then(connectedAdmin).catch(() => undefined)
      if (admin !== undefined) {
        await deleteTopics(admin, [topics.requests, topics.results, topics.dlq, topics.webhooks])
        await admin.disconnect().catch(() => undefined)
      }
      // The gateways' logs outlive the run (in the checkout's .run/, which git ignores), so a failure can be read afterwards.
      const kept = keepGatewayLogs(dir, tag)
      if (process.env.KEEP_TEST_LOGS) process.stderr.write(`${options.name}: gateway logs kept in ${dir}/logs\n`)
      else rmSync(dir, { recursive: true, force: true })
      process.stderr.write(`${options.name}: gateway logs copied to ${kept}\n`)
    }
    return { dir, topics, intakes, producers, consumers, senders, sink, account, target, ethUrl: anvil.url, eth, startConsumer, restartProducer, stop }
  } catch (error) {
    // A setup that fails part way stops what it started: its gateways and its anvil.
    await stopProcesses().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}

/**
 * One host that both takes requests and executes them (`--role producer,consumer`), eight
 * Ethereum senders, and an anvil mining a block a second: the scenarios that fault the
 * single host of a small deployment.
 */
export const startOneHostRun = (name: string): Promise<FaultRun> =>
  startFaultRun({ name, ethSenders: 8, producers: 1, producerRoles: "producer,consumer", consumers: 0, anvilMining: "interval" })

/** Stops the run's anvil from mining (no automine, no interval): sent transactions wait in its pool. */
export const pauseMining = async (run: FaultRun): Promise<void> => {
  await run.eth("evm_setAutomine", [false])
  await run.eth("evm_setIntervalMining", [0])
}

/** Mines again as the run's anvil does by default: at once for each transaction, and a block every second. */
export const resumeMining = async (run: FaultRun): Promise<void> => {
  await run.eth("evm_setAutomine", [true])
  await run.eth("evm_setIntervalMining", [1])
}

/** A transaction in anvil's pool. */
export interface PooledTransaction {
  readonly hash: string
  readonly to: string | null
}

/** The transactions of `sender` in the run's anvil's pool (pending, or queued behind a missing nonce), by nonce. */
export const pooledOf = async (run: FaultRun, sender: string): Promise<Map<number, PooledTransaction>> => {
  type Part = Record<string, Record<string, PooledTransaction>>
  const content = (await run.eth("txpool_content", [])) as Record<"pending" | "queued", Part>
  const of = (part: Part) => Object.entries(part).find(([a]) => a.toLowerCase() === sender.toLowerCase())?.[1] ?? {}
  return new Map([...Object.entries(of(content.pending)), ...Object.entries(of(content.queued))].map(([n, tx]) => [Number(n), tx]))
}

/**
 * Gives each of the first `partitions` executor ids of `groupId` a new epoch: the
 * InitProducerId a new owner's writer sends on open. Each working executor's next commit
 * is then refused, and it halts.
 */
export const fenceExecutors = async (kafka: Kafka, groupId: string, partitions: number): Promise<void> => {
  await Promise.all(
    Array.from({ length: partitions }, async (_, p) => {
      const producer = kafka.producer({ transactionalId: executorTransactionalId(groupId, p), idempotent: true, maxInFlightRequests: 1 })
      await producer.connect()
      // The transactional InitProducerId is sent when the first transaction begins.
      const txn = await producer.transaction()
      await txn.abort()
      await producer.disconnect()
    }),
  )
}

/**
 * Submits `bodies` to `intake` in `rounds * 4` small batches, one every quarter of
 * `everyMs`, while fencing every executor of the run's group every `everyMs`, so fetches
 * and transfers are in flight at each fence. Answers the request ids, in the order sent.
 */
export const streamWhileFencing = async (
  run: FaultRun,
  kafka: Kafka,
  intake: string,
  bodies: readonly unknown[],
  fences: { readonly rounds: number; readonly everyMs: number; readonly partitions: number; readonly beforeFence?: () => void },
): Promise<string[]> => {
  const ids: string[] = []
  const slices = fences.rounds * 4
  const per = Math.ceil(bodies.length / slices)
  const streaming = (async () => {
    for (let i = 0; i < slices; i++) {
      ids.push(...(await submitAll(intake, bodies.slice(i * per, (i + 1) * per))))
      await new Promise((r) => setTimeout(r, fences.everyMs / 4))
    }
  })()
  for (let round = 0; round < fences.rounds; round++) {
    await new Promise((r) => setTimeout(r, fences.everyMs))
    fences.beforeFence?.()
    await fenceExecutors(kafka, run.topics.group, fences.partitions)
  }
  await streaming
  return ids
}

/** A run's Ethereum transfers: `perSender` from each sender to the sink, each with a value of its own. */
export const ethTransfers = (run: FaultRun, perSender: number) => {
  const base = 1_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000_000
  return run.senders.flatMap((from, s) =>
    Array.from({ length: perSender }, (_, i) => ({ chain: "ethereum", method: "transfer", params: { from, to: run.sink, value: String(base + s * perSender + i) } })),
  )
}

/** A run's Bitcoin payouts: `count` sendfrom calls from the run's account, each with an amount of its own. */
export const btcPayouts = (run: FaultRun, count: number) => {
  const base = 0.001 + Math.floor(Math.random() * 1000) * 1e-6
  return Array.from({ length: count }, (_, i) => ({ chain: "bitcoin", method: "sendfrom", params: { account: run.account, address: run.target, amount: (base + i * 1e-8).toFixed(8) } }))
}

/** The stack's wallet, as config/local.toml names it. */
export const stackWalletUrl = "http://127.0.0.1:18554"

/** A `FaultRunOptions.edit` that points the run's wallet node at `proxyUrl`, a test's proxy in front of the stack's wallet. */
export const walletBehind = (proxyUrl: string) => (toml: string): string => {
  const edited = toml.replace(`url = "${stackWalletUrl}"`, `url = "${proxyUrl}"`)
  if (edited === toml) throw new Error(`config/local.toml has no wallet at ${stackWalletUrl} to put the proxy in front of`)
  return edited
}

/**
 * A fault run whose gateways reach the stack's wallet through `proxy` (a test's proxy that
 * hides, holds or loses some of the wallet's answers). Stopping the run stops the proxy
 * after the gateways; a run that fails to start stops it too.
 */
export const startFaultRunBehindWallet = async (proxy: { readonly url: string; readonly stop: () => Promise<void> }, options: FaultRunOptions): Promise<FaultRun> => {
  const behind = walletBehind(proxy.url)
  try {
    const run = await startFaultRun({ ...options, edit: (toml, r) => behind(options.edit?.(toml, r) ?? toml) })
    const stop = async () => {
      try {
        await run.stop()
      } finally {
        await proxy.stop()
      }
    }
    return { ...run, stop }
  } catch (error) {
    await proxy.stop()
    throw error
  }
}

/** Submits `bodies` in batches to `intake` and answers every request id. */
export const submitAll = async (intake: string, bodies: readonly unknown[], batchSize = 200): Promise<string[]> => {
  const ids: string[] = []
  for (let i = 0; i < bodies.length; i += batchSize) {
    const res = await post(intake, "/v1/batches", { requests: bodies.slice(i, i + batchSize) })
    expect(res.status).toBe(202)
    ids.push(...(((await res.json()) as { ids: string[] }).ids))
  }
  return ids
}

/** The final status of each id, read from `intake`'s view. */
export const statusesOf = async (intake: string, ids: readonly string[]) => {
  const out = new Map<string, Record<string, unknown>>()
  for (const id of ids) {
    const r = await get(intake, `/v1/requests/${id}`)
    if (r.status === 200) out.set(id, r.body)
  }
  return out
}

/** How many of `ids` are recorded and sent but not final yet (signed or submitted) on `intake`. */
export const countRecordedUnfinished = async (intake: string, ids: readonly string[]): Promise<number> => {
  const s = await statusesOf(intake, ids)
  return ids.filter((id) => ["signed", "submitted"].includes(String(s.get(id)?.status))).length
}

/** SIGKILLs every consumer host of `run`, waits for them to exit, and starts `count` new ones. */
export const replaceEveryConsumer = async (run: FaultRun, count: number): Promise<void> => {
  for (const c of [...run.consumers]) c.proc.kill("SIGKILL")
  await Promise.all(run.consumers.map((c) => c.proc.exited))
  run.consumers.length = 0
  for (let i = 0; i < count; i++) await run.startConsumer()
}

const finals = new Set(["confirmed", "failed", "dlq"])

/** Waits until every id is final on `intake`, reporting progress; answers whether they all got there. */
export const waitAllFinal = async (label: string, intake: string, ids: readonly string[], timeoutMs: number) => {
  const started = Date.now()
  let lastReport = 0
  const pending = new Set(ids)
  const done = await waitUntil(async () => {
    for (const id of [...pending]) {
      const r = await get(intake, `/v1/requests/${id}`)
      if (r.status === 200 && finals.has(String(r.body.status))) pending.delete(id)
    }
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now()
      process.stderr.write(`${label}: ${ids.length - pending.size}/${ids.length} final after ${Math.round((Date.now() - started) / 1000)} s\n`)
    }
    return pending.size === 0
  }, timeoutMs, 1_000)
  if (!done) {
    // Say which ones are stuck, and where, for whoever reads the failure.
    for (const id of [...pending].slice(0, 10)) {
      const r = await get(intake, `/v1/requests/${id}`)
      process.stderr.write(`${label}: not final: ${id} ${r.status === 200 ? JSON.stringify({ status: r.body.status, partition: r.body.partition, sender: r.body.sender, nonce: r.body.nonce, txid: r.body.txid, reason: r.body.reason }) : `HTTP ${r.status}`}\n`)
    }
  }
  return done
}

/** How many times each of `values` was paid to the run's sink, in the run's whole chain. */
export const ethPaidCounts = async (run: FaultRun, values: readonly string[]) => {
  const wanted = new Set(values)
  const counts = new Map<string, number>()
  const sink = run.sink
  const head = Number(await run.eth("eth_blockNumber"))
  for (let b = 0; b <= head; b++) {
    const block = (await run.eth("eth_getBlockByNumber", [`0x${b.toString(16)}`, true])) as { transactions: Array<{ to: string | null; value: string }> }
    for (const tx of block.transactions) {
      const value = BigInt(tx.value).toString()
      if (tx.to?.toLowerCase() === sink.toLowerCase() && wanted.has(value)) counts.set(value, (counts.get(value) ?? 0) + 1)
    }
  }
  return counts
}

/** How many times each amount was received by the run's target address (the account's own receives). */
export const btcPaidCounts = async (run: FaultRun) => {
  const received = ((await btc("listtransactions", ["*", 100_000])) as Array<{ category: string; address?: string; account?: string; amount: number; confirmations: number }>)
    .filter((t) => t.category === "receive" && t.account === run.account && t.address === run.target && t.amount < 1)
  const counts = new Map<string, number>()
  for (const r of received) counts.set(r.amount.toFixed(8), (counts.get(r.amount.toFixed(8)) ?? 0) + 1)
  return counts
}

/** Checks that every value/amount was paid exactly once and nothing else was. */
export const expectExactlyOnce = (counts: ReadonlyMap<string, number>, expected: readonly string[], what: string) => {
  const missing = expected.filter((v) => (counts.get(v) ?? 0) === 0)
  const twice = expected.filter((v) => (counts.get(v) ?? 0) > 1)
  if (missing.length > 0 || twice.length > 0) process.stderr.write(`${what}: ${missing.length} never paid (${missing.slice(0, 5).join(", ")}), ${twice.length} paid twice (${twice.slice(0, 5).join(", ")})\n`)
  expect({ missing: missing.length, twice: twice.length }).toEqual({ missing: 0, twice: 0 })
}
