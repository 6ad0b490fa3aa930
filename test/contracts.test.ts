/**
 * Paper B's ServiceRegistry on the real anvil: every client function, every refusal the
 * contract makes (and the tagged error it becomes), every event with its decoded fields,
 * and `gateway contracts deploy` end to end. Each run deploys its own registry from fresh
 * funded accounts, so it shares no state with other users of the node; assertions read
 * the chain back rather than trusting what a write answered.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test"
import { Effect } from "effect"
import {
  accountFromKey,
  closeEthereumNode,
  type EthereumAccount,
  ethereumCall,
  makeContractCodec,
  makeEthereumNode,
  sendContractTransaction,
} from "../src/adapters/ethereum.ts"
import { captureContext } from "../src/cli/capture-context.fixture.ts"
import { makeContractsCommand } from "../src/cli/contracts-command.ts"
import {
  addManager,
  claimBound,
  claimEvents,
  deployRegistry,
  encodeServiceId,
  getService,
  getServiceLocation,
  getServiceMembers,
  isManager,
  newLocationEvents,
  nextClaimBlock,
  type Registry,
  registryAt,
  registryEvents,
  register,
  removeManager,
  revertToRegistryError,
  SERVICE_REGISTRY_BYTECODE,
  sendClaim,
  updateInfo,
  updateLocation,
  updateMembers,
} from "../src/registry/index.ts"
import { registryCodec } from "../src/registry/artifact.ts"
import claimBurstArtifact from "../contracts/build/test/ClaimBurst.json" with { type: "json" }

// anvil is shared: under another suite's burst a transaction can wait seconds for its block.
setDefaultTimeout(120_000)

const RPC = "http://127.0.0.1:8545"
const node = makeEthereumNode({ name: "anvil", url: RPC, chainId: 31337, pollingIntervalMs: 50 })
const rpc = (method: string, params: readonly unknown[] = []) => Effect.runPromise(ethereumCall(node, method, params))

/** Runs an effect that must succeed. */
const ok = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)
/** Runs an effect that must fail, and answers its error (a success fails the test). */
const fails = async <A, E>(effect: Effect.Effect<A, E>): Promise<E> => {
  const exit = await Effect.runPromise(Effect.result(effect))
  if (exit._tag === "Success") throw new Error(`expected a failure, got ${String(exit.success)}`)
  return exit.failure
}
/** The fields of a tagged error, without the stack, for toEqual. */
const fields = (e: unknown) => ({ ...(e as object) })

const randomKey = () => `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")}`

/** A fresh account with 100 ether, so no other user of anvil sends from it. */
const freshAccount = async (): Promise<{ account: EthereumAccount; key: string }> => {
  const key = randomKey()
  const account = accountFromKey(node, key)
  if (account === undefined) throw new Error("random key rejected")
  await rpc("anvil_setBalance", [account.address, `0x${(100n * 10n ** 18n).toString(16)}`])
  return { account, key }
}

const head = async () => Number(await rpc("eth_blockNumber"))

const INTERVAL = 1_000_000 // claim interval of the main registry: a second claim is always too soon
const PER_BLOCK = 2
const SERVICE = "registry-dashboard"
const FIRST = "http://10.77.0.11:8090"

let deployer: EthereumAccount
let alice: EthereumAccount
let bob: EthereumAccount
let carol: EthereumAccount
let dave: EthereumAccount
let registry: Registry
let deployBlock = 0

beforeAll(async () => {
  ;[deployer, alice, bob, carol, dave] = (await Promise.all(Array.from({ length: 5 }, freshAccount))).map((a) => a.account) as [
    EthereumAccount,
    EthereumAccount,
    EthereumAccount,
    EthereumAccount,
    EthereumAccount,
  ]
  const deployed = await ok(deployRegistry(deployer, { intervalBlocks: INTERVAL, maxPerBlock: PER_BLOCK }, { confirmations: 1, timeoutMs: 30_000 }))
  registry = deployed.registry
  deployBlock = deployed.blockNumber
})

afterAll(() => Effect.runPromise(closeEthereumNode(node)))

describe("deploy", () => {
  test("puts code at the address and records the claim bound", async () => {
    expect(String(await rpc("eth_getCode", [registry.address, "latest"])).length).toBeGreaterThan(1000)
    expect(await ok(claimBound(registry))).toEqual({ intervalBlocks: INTERVAL, maxPerBlock: PER_BLOCK })
  })

  test.each([
    ["claim interval", { intervalBlocks: 0, maxPerBlock: 1 }],
    ["per-block cap", { intervalBlocks: 1, maxPerBlock: 0 }],
  ])("a zero %s is refused by the constructor (InvalidClaimBound)", async (_, bound) => {
    const error = await fails(deployRegistry(deployer, bound, { confirmations: 1, timeoutMs: 30_000 }))
    expect(fields(error)).toEqual({ _tag: "InvalidClaimBound", ...bound })
  })

  test("a bound outside the contract's integer types is refused before sending", async () => {
    const error = await fails(deployRegistry(deployer, { intervalBlocks: 10, maxPerBlock: 2 ** 32 }, { confirmations: 1, timeoutMs: 30_000 }))
    expect(fields(error)).toEqual({ _tag: "InvalidRegistryArgument", field: "maxPerBlock", value: String(2 ** 32), expected: "an integer from 1 to 4294967295" })
  })

  test("an account without ether gets InsufficientFunds naming it", async () => {
    const broke = accountFromKey(node, randomKey())
    if (broke === undefined) throw new Error("random key rejected")
    const error = await fails(deployRegistry(broke, { intervalBlocks: 1, maxPerBlock: 1 }, { confirmations: 1, timeoutMs: 30_000 }))
    expect(fields(error)).toEqual({ _tag: "InsufficientFunds", node: "anvil", address: broke.address })
  })
})

describe("register", () => {
  test("records the caller as first manager, at epoch 0, and emits ServiceRegistered and NewLocation", async () => {
    const outcome = await ok(register(registry, alice, SERVICE, FIRST, "dashboard v1"))
    const at = { blockNumber: outcome.blockNumber, transactionHash: outcome.hash, removed: false }
    expect(outcome.event).toMatchObject({ _tag: "ServiceRegistered", serviceId: SERVICE, manager: alice.address, location: FIRST, info: "dashboard v1", ...at })
    expect(outcome.events.map((e) => e._tag)).toEqual(["ServiceRegistered", "NewLocation"])
    expect(outcome.events[1]).toMatchObject({ _tag: "NewLocation", serviceId: SERVICE, location: FIRST, epoch: 0n, ...at })
    expect(await ok(getServiceLocation(registry, SERVICE))).toEqual({ location: FIRST, epoch: 0n })
    expect(await ok(getService(registry, SERVICE))).toEqual({ serviceId: SERVICE, location: FIRST, epoch: 0n, info: "dashboard v1", managers: [alice.address] })
    expect(await ok(isManager(registry, SERVICE, alice.address))).toBe(true)
    expect(await ok(isManager(registry, SERVICE, bob.address))).toBe(false)
  })

  test("an id that is taken is refused, whoever asks (AlreadyRegistered)", async () => {
    for (const who of [alice, bob]) {
      expect(fields(await fails(register(registry, who, SERVICE, "http://elsewhere", "")))).toEqual({ _tag: "AlreadyRegistered", serviceId: SERVICE })
    }
    expect(await ok(getService(registry, SERVICE))).toMatchObject({ location: FIRST, managers: [alice.address] })
  })

  test("ids the client cannot store are refused before sending", async () => {
    expect(fields(await fails(register(registry, alice, "", FIRST, "")))).toEqual({ _tag: "InvalidRegistryArgument", field: "serviceId", value: "", expected: "a non-empty service id" })
    expect(fields(await fails(register(registry, alice, "x".repeat(33), FIRST, "")))).toMatchObject({ _tag: "InvalidRegistryArgument", field: "serviceId" })
  })

  test("the contract itself refuses the all-zero id (EmptyServiceId)", async () => {
    const data = registryCodec.encodeCall("register", [`0x${"0".repeat(64)}`, FIRST, ""])
    const reverted = await fails(sendContractTransaction(alice, { to: registry.address, data, confirmations: 1, timeoutMs: 30_000 }))
    if (reverted._tag !== "ContractReverted") throw new Error(`expected ContractReverted, got ${reverted._tag}`)
    expect(fields(revertToRegistryError(registry.address, reverted))).toEqual({ _tag: "InvalidRegistryArgument", field: "serviceId", value: "", expected: "a non-empty service id" })
  })
})

describe("updateLocation and epochs", () => {
  const SVC = "epochs"
  beforeAll(() => ok(register(registry, alice, SVC, "http://a:1", "")))

  test("a manager moves the service with a newer epoch; NewLocation carries it", async () => {
    const outcome = await ok(updateLocation(registry, alice, SVC, "http://b:2", 5n))
    expect(outcome.event).toMatchObject({ _tag: "NewLocation", serviceId: SVC, location: "http://b:2", epoch: 5n, blockNumber: outcome.blockNumber })
    expect(await ok(getServiceLocation(registry, SVC))).toEqual({ location: "http://b:2", epoch: 5n })
  })

  test.each([
    ["an older epoch", 4n],
    ["the same epoch", 5n],
    ["epoch 0", 0n],
  ])("%s is refused with StaleEpoch naming the epoch held", async (_, epoch) => {
    const error = await fails(updateLocation(registry, alice, SVC, "http://stale:9", epoch))
    expect(fields(error)).toEqual({ _tag: "StaleEpoch", serviceId: SVC, lastEpoch: 5n, givenEpoch: epoch })
    expect(await ok(getServiceLocation(registry, SVC))).toEqual({ location: "http://b:2", epoch: 5n })
  })

  test("epochs up to 2^64-1 are stored; beyond is refused client-side", async () => {
    const max = 2n ** 64n - 1n
    await ok(register(registry, alice, "max-epoch", "http://a:1", ""))
    expect((await ok(updateLocation(registry, alice, "max-epoch", "http://c:3", max))).event.epoch).toBe(max)
    expect(fields(await fails(updateLocation(registry, alice, "max-epoch", "http://d:4", max + 1n)))).toMatchObject({ _tag: "InvalidRegistryArgument", field: "epoch" })
    expect(fields(await fails(updateLocation(registry, alice, "max-epoch", "http://d:4", -1n)))).toMatchObject({ _tag: "InvalidRegistryArgument", field: "epoch" })
  })
})

describe("managers", () => {
  const SVC = "managers"
  beforeAll(() => ok(register(registry, alice, SVC, "http://m:1", "info-0")))

  test("a non-manager can change nothing (NotManager names the caller)", async () => {
    const expected = { _tag: "NotManager", serviceId: SVC, account: bob.address }
    expect(fields(await fails(updateLocation(registry, bob, SVC, "http://evil", 99n)))).toEqual(expected)
    expect(fields(await fails(updateInfo(registry, bob, SVC, "evil")))).toEqual(expected)
    expect(fields(await fails(addManager(registry, bob, SVC, bob.address)))).toEqual(expected)
    expect(fields(await fails(removeManager(registry, bob, SVC, alice.address)))).toEqual(expected)
    expect(await ok(getService(registry, SVC))).toEqual({ serviceId: SVC, location: "http://m:1", epoch: 0n, info: "info-0", managers: [alice.address] })
  })

  test("updateInfo by a manager emits InfoUpdated", async () => {
    const outcome = await ok(updateInfo(registry, alice, SVC, "info-1"))
    expect(outcome.event).toMatchObject({ _tag: "InfoUpdated", serviceId: SVC, info: "info-1" })
    expect((await ok(getService(registry, SVC))).info).toBe("info-1")
  })

  test("the replica set: empty at first, published by a manager with MembersUpdated, refused to others and when malformed", async () => {
    expect(await ok(getServiceMembers(registry, SVC))).toEqual([])
    const set = ["http://10.0.0.11:8090", "http://10.0.0.12:8090", "https://r3.example:443"]
    const outcome = await ok(updateMembers(registry, alice, SVC, set))
    expect(outcome.event).toMatchObject({ _tag: "MembersUpdated", serviceId: SVC, members: set })
    expect(await ok(getServiceMembers(registry, SVC))).toEqual(set)
    expect(fields(await fails(updateMembers(registry, bob, SVC, ["http://evil:1"])))).toEqual({ _tag: "NotManager", serviceId: SVC, account: bob.address })
    // A comma would split one member in two; a bare host is not a location.
    expect(fields(await fails(updateMembers(registry, alice, SVC, ["http://a:1,http://b:2"])))).toMatchObject({ _tag: "InvalidRegistryArgument", field: "members", value: "http://a:1,http://b:2" })
    expect(fields(await fails(updateMembers(registry, alice, SVC, ["10.0.0.11:8090"])))).toMatchObject({ _tag: "InvalidRegistryArgument", field: "members" })
    expect(await ok(getServiceMembers(registry, SVC))).toEqual(set)
  })

  test("an added manager can update; ManagerAdded names who and by whom", async () => {
    const outcome = await ok(addManager(registry, alice, SVC, bob.address))
    expect(outcome.event).toMatchObject({ _tag: "ManagerAdded", serviceId: SVC, manager: bob.address, by: alice.address })
    expect(await ok(isManager(registry, SVC, bob.address))).toBe(true)
    await ok(updateLocation(registry, bob, SVC, "http://m:2", 1n))
    expect(await ok(getServiceLocation(registry, SVC))).toEqual({ location: "http://m:2", epoch: 1n })
  })

  test("adding a manager twice, the zero address, or a malformed address is refused", async () => {
    expect(fields(await fails(addManager(registry, alice, SVC, bob.address)))).toEqual({ _tag: "AlreadyManager", serviceId: SVC, account: bob.address })
    expect(fields(await fails(addManager(registry, alice, SVC, `0x${"0".repeat(40)}`)))).toEqual({ _tag: "ZeroAddressManager", serviceId: SVC })
    expect(fields(await fails(addManager(registry, alice, SVC, "0x1234")))).toEqual({
      _tag: "InvalidRegistryArgument",
      field: "account",
      value: "0x1234",
      expected: "a 0x address of 40 hex digits",
    })
  })

  test("removal keeps the list consistent, refuses strangers and never removes the last manager", async () => {
    await ok(addManager(registry, bob, SVC, carol.address))
    expect((await ok(getService(registry, SVC))).managers).toEqual([alice.address, bob.address, carol.address])
    // Removing the first entry moves the last one into its place.
    const removed = await ok(removeManager(registry, bob, SVC, alice.address))
    expect(removed.event).toMatchObject({ _tag: "ManagerRemoved", serviceId: SVC, manager: alice.address, by: bob.address })
    expect((await ok(getService(registry, SVC))).managers).toEqual([carol.address, bob.address])
    expect(fields(await fails(updateInfo(registry, alice, SVC, "gone")))).toEqual({ _tag: "NotManager", serviceId: SVC, account: alice.address })
    expect(fields(await fails(removeManager(registry, bob, SVC, dave.address)))).toEqual({ _tag: "UnknownManager", serviceId: SVC, account: dave.address })
    // A manager may remove itself while another remains.
    await ok(removeManager(registry, carol, SVC, carol.address))
    expect((await ok(getService(registry, SVC))).managers).toEqual([bob.address])
    expect(fields(await fails(removeManager(registry, bob, SVC, bob.address)))).toEqual({ _tag: "LastManager", serviceId: SVC })
    expect(await ok(isManager(registry, SVC, bob.address))).toBe(true)
  })
})

describe("one registry key in several processes", () => {
  // Each host's leader and the dashboard hold their own account for the registry key; an
  // account object serialises only its own sends. Three such accounts writing at once read
  // the same pending nonce, and the node refuses all but one ("replacement transaction
  // underpriced"). Every write must still land, each at a nonce of its own.
  const SVC = "one-key"
  let key = ""
  beforeAll(async () => {
    const fresh = await freshAccount()
    key = fresh.key
    await ok(register(registry, fresh.account, SVC, "http://k:1", "info-0"))
  })

  test("writes sent at once from one key by separate senders all land", async () => {
    const senders = [1, 2, 3].map(() => accountFromKey(node, key) as EthereumAccount)
    const start = Number(await rpc("eth_getTransactionCount", [senders[0]!.address, "latest"]))
    const outcomes = await Promise.all(senders.map((sender, i) => ok(updateInfo(registry, sender, SVC, `info-from-${i}`))))
    expect(outcomes.map((o) => o.event.info).sort()).toEqual(["info-from-0", "info-from-1", "info-from-2"])
    // Read back from the chain: three mined transactions at three consecutive nonces.
    const nonces = await Promise.all(outcomes.map(async (o) => Number(((await rpc("eth_getTransactionByHash", [o.hash])) as { nonce: string }).nonce)))
    expect(nonces.sort((a, b) => a - b)).toEqual([start, start + 1, start + 2])
    expect(Number(await rpc("eth_getTransactionCount", [senders[0]!.address, "latest"]))).toBe(start + 3)
  })
})

describe("unknown service", () => {
  const SVC = "never-registered"
  const expected = { _tag: "UnknownService", serviceId: SVC }
  test("every read and write that needs the service says UnknownService", async () => {
    expect(fields(await fails(getServiceLocation(registry, SVC)))).toEqual(expected)
    expect(fields(await fails(getService(registry, SVC)))).toEqual(expected)
    expect(fields(await fails(updateLocation(registry, alice, SVC, "http://x", 1n)))).toEqual(expected)
    expect(fields(await fails(updateInfo(registry, alice, SVC, "x")))).toEqual(expected)
    expect(fields(await fails(getServiceMembers(registry, SVC)))).toEqual(expected)
    expect(fields(await fails(updateMembers(registry, alice, SVC, ["http://x:1"])))).toEqual(expected)
    expect(fields(await fails(addManager(registry, alice, SVC, bob.address)))).toEqual(expected)
    expect(fields(await fails(removeManager(registry, alice, SVC, alice.address)))).toEqual(expected)
    expect(fields(await fails(sendClaim(registry, alice, SVC, "http://x")))).toEqual(expected)
    expect(await ok(isManager(registry, SVC, alice.address))).toBe(false)
  })
})

describe("claims", () => {
  const SVC = "claims"
  const HERE = "http://claims:1"
  beforeAll(() => ok(register(registry, alice, SVC, HERE, "")))

  test("a claim about the current location emits Claim with the claimant", async () => {
    const outcome = await ok(sendClaim(registry, dave, SVC, HERE))
    expect(outcome.event).toMatchObject({ _tag: "Claim", serviceId: SVC, failedLocation: HERE, claimant: dave.address, blockNumber: outcome.blockNumber })
    expect(await ok(nextClaimBlock(registry, SVC, dave.address))).toBe(outcome.blockNumber + INTERVAL)
    expect(await ok(nextClaimBlock(registry, SVC, carol.address))).toBe(0)
  })

  test("the same claimant again is ClaimTooSoon, naming the block it may claim from", async () => {
    const next = await ok(nextClaimBlock(registry, SVC, dave.address))
    expect(fields(await fails(sendClaim(registry, dave, SVC, HERE)))).toEqual({ _tag: "ClaimTooSoon", serviceId: SVC, nextClaimBlock: next })
  })

  test("a claim about a location the service has left is refused and says where it went", async () => {
    await ok(updateLocation(registry, alice, SVC, "http://claims:2", 1n))
    expect(fields(await fails(sendClaim(registry, carol, SVC, HERE)))).toEqual({ _tag: "ClaimForOldLocation", serviceId: SVC, currentLocation: "http://claims:2" })
    await ok(sendClaim(registry, carol, SVC, "http://claims:2"))
  })

  test("a claimant may claim again once the interval has passed", async () => {
    const short = (await ok(deployRegistry(deployer, { intervalBlocks: 50, maxPerBlock: 4 }, { confirmations: 1, timeoutMs: 30_000 }))).registry
    await ok(register(short, alice, SVC, HERE, ""))
    const first = await ok(sendClaim(short, dave, SVC, HERE))
    expect(fields(await fails(sendClaim(short, dave, SVC, HERE)))).toEqual({ _tag: "ClaimTooSoon", serviceId: SVC, nextClaimBlock: first.blockNumber + 50 })
    await rpc("anvil_mine", ["0x32"])
    expect((await ok(sendClaim(short, dave, SVC, HERE))).event).toMatchObject({ _tag: "Claim", claimant: dave.address })
  })

  test("the largest interval the contract takes (2^64-1) still answers ClaimTooSoon, not an overflow", async () => {
    const data = registryCodec.encodeDeploy(SERVICE_REGISTRY_BYTECODE, [2n ** 64n - 1n, 1])
    const mined = await ok(sendContractTransaction(deployer, { to: null, data, confirmations: 1, timeoutMs: 30_000 }))
    const huge = registryAt(node, mined.contractAddress ?? "", 1, 30_000)
    await ok(register(huge, alice, SVC, HERE, ""))
    await ok(sendClaim(huge, dave, SVC, HERE))
    expect(await fails(sendClaim(huge, dave, SVC, HERE))).toMatchObject({ _tag: "ClaimTooSoon", serviceId: SVC })
  })

  describe("per-block cap, with several claimants in one transaction", () => {
    const burstCodec = makeContractCodec(claimBurstArtifact.abi)
    const deployBurst = async (size: number) => {
      const mined = await ok(
        sendContractTransaction(deployer, { to: null, data: burstCodec.encodeDeploy(claimBurstArtifact.bytecode, [size]), confirmations: 1, timeoutMs: 30_000 }),
      )
      return mined.contractAddress ?? ""
    }
    const burst = (address: string, serviceId: string, location: string, count: number) =>
      sendContractTransaction(deployer, {
        to: address,
        data: burstCodec.encodeCall("burst", [registry.address, encodeServiceId(serviceId), location, count]),
        confirmations: 1,
        timeoutMs: 30_000,
      })

    test(`${PER_BLOCK} claims in one block are accepted, from distinct claimants`, async () => {
      await ok(register(registry, alice, "burst-ok", HERE, ""))
      const address = await deployBurst(PER_BLOCK)
      const mined = await ok(burst(address, "burst-ok", HERE, PER_BLOCK))
      const claims = await ok(claimEvents(registry, { fromBlock: mined.blockNumber, toBlock: mined.blockNumber, serviceId: "burst-ok" }))
      expect(claims.length).toBe(PER_BLOCK)
      expect(new Set(claims.map((c) => c.claimant)).size).toBe(PER_BLOCK)
      expect(claims.every((c) => c.blockNumber === mined.blockNumber && c.transactionHash === mined.hash)).toBe(true)
    })

    test(`claim ${PER_BLOCK + 1} in the same block is ClaimLimitReached`, async () => {
      await ok(register(registry, alice, "burst-limit", HERE, ""))
      const address = await deployBurst(PER_BLOCK + 1)
      const before = await head()
      const reverted = await fails(burst(address, "burst-limit", HERE, PER_BLOCK + 1))
      if (reverted._tag !== "ContractReverted") throw new Error(`expected ContractReverted, got ${reverted._tag}`)
      const error = revertToRegistryError(registry.address, reverted)
      expect(error._tag).toBe("ClaimLimitReached")
      // The cap is checked in the block the estimate ran on: the next one.
      expect(error._tag === "ClaimLimitReached" && error.blockNumber > before).toBe(true)
      expect(await ok(claimEvents(registry, { fromBlock: deployBlock, toBlock: "latest", serviceId: "burst-limit" }))).toEqual([])
    })
  })
})

describe("events between blocks", () => {
  const SVC = "history"
  test("NewLocation and Claim come back decoded, in order, for one service and one range", async () => {
    const start = await head()
    const registered = await ok(register(registry, alice, SVC, "http://h:0", ""))
    const moved1 = await ok(updateLocation(registry, alice, SVC, "http://h:1", 10n))
    const moved2 = await ok(updateLocation(registry, alice, SVC, "http://h:2", 11n))
    const claimed = await ok(sendClaim(registry, bob, SVC, "http://h:2"))
    await ok(register(registry, alice, "other-history", "http://o:0", ""))

    const locations = await ok(newLocationEvents(registry, { fromBlock: start + 1, toBlock: "latest", serviceId: SVC }))
    expect(locations.map((e) => [e._tag, e.serviceId, e.location, e.epoch, e.blockNumber, e.transactionHash])).toEqual([
      ["NewLocation", SVC, "http://h:0", 0n, registered.blockNumber, registered.hash],
      ["NewLocation", SVC, "http://h:1", 10n, moved1.blockNumber, moved1.hash],
      ["NewLocation", SVC, "http://h:2", 11n, moved2.blockNumber, moved2.hash],
    ])
    // A range that stops before the second move sees only the first two.
    const early = await ok(newLocationEvents(registry, { fromBlock: registered.blockNumber, toBlock: moved1.blockNumber, serviceId: SVC }))
    expect(early.map((e) => e.epoch)).toEqual([0n, 10n])

    const claims = await ok(claimEvents(registry, { fromBlock: start + 1, toBlock: "latest", serviceId: SVC }))
    expect(claims).toEqual([
      {
        _tag: "Claim",
        serviceId: SVC,
        failedLocation: "http://h:2",
        claimant: bob.address,
        blockNumber: claimed.blockNumber,
        blockHash: claimed.event.blockHash,
        transactionHash: claimed.hash,
        logIndex: claimed.event.logIndex,
        removed: false,
      },
    ])

    // Without a service filter, every service's events in the range come back.
    const all = await ok(registryEvents(registry, ["ServiceRegistered"], { fromBlock: start + 1, toBlock: "latest" }))
    expect(all.map((e) => e.serviceId)).toEqual([SVC, "other-history"])
  })

  test("manager events are queryable too", async () => {
    const events = await ok(registryEvents(registry, ["ManagerAdded", "ManagerRemoved"], { fromBlock: deployBlock, toBlock: "latest", serviceId: "managers" }))
    expect(events.map((e) => [e._tag, e.manager, e.by])).toEqual([
      ["ManagerAdded", bob.address, alice.address],
      ["ManagerAdded", carol.address, bob.address],
      ["ManagerRemoved", alice.address, bob.address],
      ["ManagerRemoved", carol.address, carol.address],
    ])
  })
})

describe("an address that is not a registry", () => {
  test("reads and writes say NotARegistry", async () => {
    const notRegistry = registryAt(node, dave.address, 1, 30_000)
    expect(await fails(getServiceLocation(notRegistry, SERVICE))).toMatchObject({ _tag: "NotARegistry", address: dave.address })
    expect(await fails(claimBound(notRegistry))).toMatchObject({ _tag: "NotARegistry" })
    expect(await fails(register(notRegistry, alice, SERVICE, FIRST, ""))).toMatchObject({ _tag: "NotARegistry" })
  })
})

describe("gateway contracts deploy", () => {
  const configPath = `${import.meta.dir}/../config/local.toml`

  test("deploys with the key from the named variable, never prints it, and prints the config line", async () => {
    const { key, account } = await freshAccount()
    const { context, out, err } = captureContext()
    const command = makeContractsCommand({ TEST_REGISTRY_KEY: key })
    const code = await command.run(["deploy", "--config", configPath, "--key-env", "TEST_REGISTRY_KEY", "--claim-interval", "7", "--claims-per-block", "3"], context)
    expect({ code, err }).toEqual({ code: 0, err: [] })
    expect([...out, ...err].some((line) => line.includes(key.slice(2)))).toBe(false)
    const line = out.find((l) => l.startsWith("contract_address = "))
    const address = /^contract_address = "(0x[0-9a-f]{40})"$/.exec(line ?? "")?.[1] ?? ""
    expect(address).not.toBe("")
    expect(out[0]).toBe(`ServiceRegistry deployed at ${address}`)
    expect(out.some((l) => l.includes(`deployer ${account.address}`))).toBe(true)
    // The deployment block, for [registry].from_block: the block the deploy transaction is in.
    const fromBlock = Number(/^from_block = (\d+)\b/.exec(out.find((l) => l.startsWith("from_block = ")) ?? "")?.[1] ?? -1)
    const codeAt = (block: number) => rpc("eth_getCode", [address, `0x${block.toString(16)}`])
    expect({ atBlock: (await codeAt(fromBlock)) !== "0x", before: await codeAt(fromBlock - 1) }).toEqual({ atBlock: true, before: "0x" })
    expect(await ok(claimBound(registryAt(node, address, 1)))).toEqual({ intervalBlocks: 7, maxPerBlock: 3 })
  })

  const failures: ReadonlyArray<readonly [string, ReadonlyArray<string>, Record<string, string>, number, string]> = [
    [
      "the key variable is unset",
      ["deploy", "--config", configPath],
      {},
      2,
      "gateway contracts deploy: environment variable GATEWAY_REGISTRY_KEY is not set; export it with the deployer's 0x-prefixed private key, or name another variable with --key-env VAR",
    ],
    [
      "the key is malformed",
      ["deploy", "--config", configPath, "--key-env", "K"],
      { K: "0xnotakey" },
      2,
      "gateway contracts deploy: environment variable K does not hold a 0x-prefixed 32-byte hex private key; fix it (its value is not shown)",
    ],
    [
      "the node is down",
      ["deploy", "--config", configPath, "--rpc", "http://127.0.0.1:1", "--key-env", "K"],
      { K: `0x${"11".repeat(32)}` },
      1,
      "gateway contracts deploy: no Ethereum node answers at http://127.0.0.1:1; start it (npm run stack -- up anvil) or pass --rpc URL",
    ],
  ]
  test.each(failures)("fails with one line when %s", async (_, argv, env, expectedCode, line) => {
    const { context, out, err } = captureContext()
    const code = await makeContractsCommand(env).run(argv, context)
    expect({ code, out, err }).toEqual({ code: expectedCode, out: [], err: [line] })
  })

  test("an unfunded key says to fund the deployer", async () => {
    const key = randomKey()
    const address = accountFromKey(node, key)?.address ?? ""
    const { context, out, err } = captureContext()
    const code = await makeContractsCommand({ K: key }).run(["deploy", "--config", configPath, "--key-env", "K"], context)
    expect({ code, out, err }).toEqual({
      code: 1,
      out: [],
      err: [`gateway contracts deploy: account ${address} has too little ether on ${RPC} to pay for the deployment; send it some and run again`],
    })
  })
})
