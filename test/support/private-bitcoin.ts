/**
 * A private btcd + btcwallet (simnet) for scenarios that spend coins, so they never
 * touch the shared wallet's coins or its mempool. Same binaries and flags as
 * `scripts/stack`'s `bitcoin_up`, on free loopback ports, data under a temp folder:
 *
 * 1. btcd without a mining address, then `btcwallet --createtemp` (a new simnet wallet,
 *    private passphrase "password"), asked for an address;
 * 2. both stopped, btcd restarted with `--miningaddr` (btcd takes it only at start), the
 *    wallet reopened from its folder (same keys) and unlocked;
 * 3. `blocks` blocks mined to the wallet; coinbase matures after 100, so the wallet
 *    holds `blocks - 100` spendable coins of 50 BTC when `startPrivateBitcoin` returns.
 *
 * Only the pids started here are ever signalled; `stop()` ends both and removes the
 * folder.
 */
import { spawn, type Subprocess } from "bun"
import { mkdtempSync, openSync, rmSync } from "node:fs"
import { homedir, tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { bitcoinCall, type BitcoinEndpoint } from "../../src/adapters/bitcoin-rpc.ts"
import { freePorts } from "./free-ports.ts"

/** The running pair. */
export interface PrivateBitcoin {
  /** btcwallet's RPC (wallet calls; unknown methods pass through to btcd). */
  readonly wallet: BitcoinEndpoint
  /** btcd's RPC (chain calls, `generate`). */
  readonly btcd: BitcoinEndpoint
  /** The wallet's address that coinbase outputs pay. */
  readonly miningAddress: string
  /** Data and logs. */
  readonly dir: string
  /** Calls the wallet (or, with `on: "btcd"`, btcd) and answers the result; rejects with the tagged error. */
  readonly call: (method: string, params?: readonly unknown[], on?: "wallet" | "btcd") => Promise<unknown>
  /** Mines `n` blocks and waits until the wallet has seen the last one. */
  readonly mine: (n: number) => Promise<void>
  readonly stop: () => Promise<void>
}

const goBin = process.env.GATEWAY_GO_BIN ?? join(process.env.GATEWAY_CACHE_DIR ?? join(homedir(), ".cache/gateway"), "go-bin/btcd-v0.26.0-btcwallet-v0.18.0")
const user = "private"
const password = "private-bitcoin-password"

const endpoint = (name: string, port: number): BitcoinEndpoint => ({ name, url: `http://127.0.0.1:${port}`, user, password, timeoutMs: 120_000 })

const until = async <A>(what: string, timeoutMs: number, probe: () => Promise<A | undefined>, dead: () => string | undefined): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    const why = dead()
    if (why !== undefined || Date.now() > deadline) throw new Error(`private bitcoin: ${what} ${why ?? `not within ${timeoutMs} ms`}`)
    await Bun.sleep(200)
  }
}

const stopProcess = async (proc: Subprocess | undefined): Promise<void> => {
  if (!proc || proc.exitCode !== null) return
  proc.kill("SIGTERM")
  const done = await Promise.race([proc.exited.then(() => true), Bun.sleep(20_000).then(() => false)])
  if (!done) {
    proc.kill("SIGKILL")
    await proc.exited
  }
}

/** Starts btcd + btcwallet on free ports and mines `blocks` (≥ 101) blocks to the wallet. */
export const startPrivateBitcoin = async (blocks = 150): Promise<PrivateBitcoin> => {
  const dir = mkdtempSync(join(tmpdir(), "private-bitcoin-"))
  const [rpcPort = 0, p2pPort = 0, walletPort = 0] = await freePorts(3)
  const btcd = endpoint("private-btcd", rpcPort)
  const wallet = endpoint("private-btcwallet", walletPort)
  const call = (method: string, params: readonly unknown[] = [], on: "wallet" | "btcd" = "wallet") => Effect.runPromise(bitcoinCall(on === "wallet" ? wallet : btcd, method, params))
  let btcdProc: Subprocess | undefined
  let walletProc: Subprocess | undefined
  const dead = () => (btcdProc?.exitCode != null ? `(btcd exited ${btcdProc.exitCode}; see ${dir}/btcd.log)` : walletProc?.exitCode != null ? `(btcwallet exited ${walletProc.exitCode}; see ${dir}/btcwallet.log)` : undefined)
  const log = (name: string) => openSync(join(dir, `${name}.log`), "a")
  const startBtcd = async (miningAddress?: string) => {
    btcdProc = spawn(
      [
        `${goBin}/btcd`, "--simnet", "--notls", "--rpcuser", user, "--rpcpass", password,
        "--rpclisten", `127.0.0.1:${rpcPort}`, "--listen", `127.0.0.1:${p2pPort}`,
        "--datadir", join(dir, "btcd/data"), "--logdir", join(dir, "btcd/logs"), "--txindex",
        ...(miningAddress ? ["--miningaddr", miningAddress] : []),
      ],
      { stdout: log("btcd"), stderr: log("btcd") },
    )
    await until("btcd answering", 60_000, () => call("getblockcount", [], "btcd"), dead)
  }
  const startWallet = (create: boolean) => {
    walletProc = spawn(
      [
        `${goBin}/btcwallet`, "--simnet", ...(create ? ["--createtemp"] : []), "--appdata", join(dir, "wallet"),
        "--noservertls", "--noclienttls", "--username", user, "--password", password,
        "--rpcconnect", `127.0.0.1:${rpcPort}`, "--rpclisten", `127.0.0.1:${walletPort}`,
      ],
      { stdout: log("btcwallet"), stderr: log("btcwallet") },
    )
  }
  const stop = async () => {
    await stopProcess(walletProc)
    await stopProcess(btcdProc)
    walletProc = undefined
    btcdProc = undefined
  }
  try {
    await startBtcd()
    startWallet(true)
    // "Chain RPC is inactive" until the wallet has connected to btcd.
    const miningAddress = await until("wallet address", 60_000, async () => {
      const a = await call("getnewaddress")
      return typeof a === "string" ? a : undefined
    }, dead)
    await stop()
    await startBtcd(miningAddress)
    startWallet(false)
    await until("wallet unlocked", 60_000, () => call("walletpassphrase", ["password", 0]).then(() => true), dead)
    const mine = async (n: number) => {
      const height = Number(await call("getblockcount", [], "btcd")) + n
      await call("generate", [n], "btcd")
      await until(`wallet at height ${height}`, 60_000, async () => (Number(await call("getblockcount")) >= height ? true : undefined), dead)
    }
    await mine(blocks)
    const mature = Math.max(0, blocks - 100)
    await until(`${mature} mature coins listed`, 60_000, async () => {
      const coins = await call("listunspent", [1])
      return Array.isArray(coins) && coins.length >= mature ? true : undefined
    }, dead)
    return {
      wallet,
      btcd,
      miningAddress,
      dir,
      call,
      mine,
      stop: async () => {
        await stop()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (cause) {
    await stop()
    throw cause
  }
}
