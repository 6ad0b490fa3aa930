/**
 * The one place that knows how btcwallet differs from Bitcoin Core. Requests keep Core's
 * method names (`sendtoaddress`, `sendfrom`, `sendmany`); this module turns each into the
 * call a given wallet accepts:
 *
 * - btcwallet's default account is `default`, not Core's `""`;
 * - btcwallet rejects the comment arguments, so none are ever sent;
 * - btcwallet's `sendtoaddress` spends only confirmed coins, so a burst would run out of
 *   spendable outputs between blocks; it becomes `sendfrom(default, …, minconf 0)`, which
 *   also spends unconfirmed change;
 * - the wallet must be unlocked (`walletpassphrase`); a locked wallet answers code -13;
 * - on simnet, btcwallet can derive a change address it cannot read back: a base58
 *   address that happens to start with "Sb1" is taken by its address decoder for a
 *   bech32 address (simnet's HRP is "sb") and rejected, so every later send fails with
 *   "-5: Invalid address or key: Sb1…". Asking for a fresh change address moves the
 *   wallet past it (seen here after about 1 in 1,500 sends).
 */
import type { SendFrom, SendMany, SendToAddress } from "../../domain/request.ts"

/** Which wallet implementation answers the node's RPC. */
export type WalletKind = "btcwallet" | "bitcoind"

/** One JSON-RPC call. */
export interface WalletCall {
  readonly method: string
  readonly params: readonly unknown[]
}

/**
 * Rejections that say the wallet raced with itself, not that the request is wrong: two
 * sends picked the same coins ("txn mempool conflict", "missing inputs", "already
 * spent"). Nothing was sent, so trying again is safe and will succeed.
 */
export const isTransientRejection = (detail: string): boolean => /mempool conflict|missing inputs|already spent|already have transaction/i.test(detail)

/** True when btcwallet is stuck on an unreadable change address (see the module comment). */
export const isStuckChangeAddress = (detail: string): boolean => /Invalid address or key: Sb1/.test(detail)

/** The call that moves the wallet past its current change address. */
export const nextChangeAddressCall = (account: string): WalletCall => ({ method: "getrawchangeaddress", params: account === "" ? [] : [account] })

/** The JSON-RPC error code both wallets use for "unlock the wallet first". */
export const walletLockedCode = -13

/** JSON-RPC wants amounts as numbers; 8 decimals of at most 21e6 BTC fit a double exactly enough. */
const btc = (amount: string): number => Number(amount)

/** The account a request spends from, in the wallet's own naming. */
export const accountOf = (body: SendToAddress | SendFrom | SendMany, kind: WalletKind): string => {
  if (body.method === "sendtoaddress") return kind === "btcwallet" ? "default" : ""
  return body.params.account
}

/** The wallet call that carries out `body`. */
export const walletCallFor = (body: SendToAddress | SendFrom | SendMany, kind: WalletKind): WalletCall => {
  switch (body.method) {
    case "sendtoaddress":
      return kind === "btcwallet"
        ? { method: "sendfrom", params: ["default", body.params.address, btc(body.params.amount), 0] }
        : { method: "sendtoaddress", params: [body.params.address, btc(body.params.amount)] }
    case "sendfrom":
      return { method: "sendfrom", params: [body.params.account, body.params.address, btc(body.params.amount), body.params.minconf ?? (kind === "btcwallet" ? 0 : 1)] }
    case "sendmany": {
      const amounts = Object.fromEntries(Object.entries(body.params.amounts).map(([a, v]) => [a, btc(v)]))
      return { method: "sendmany", params: [body.params.account, amounts, body.params.minconf ?? (kind === "btcwallet" ? 0 : 1)] }
    }
  }
}

/** The call that lists recent wallet transactions, newest last, for reconciliation. */
export const listRecentCall = (kind: WalletKind, count: number): WalletCall =>
  kind === "btcwallet" ? { method: "listtransactions", params: ["*", count] } : { method: "listtransactions", params: ["*", count, 0, true] }

/** The call that unlocks the wallet with no relock timeout. */
export const unlockCall = (passphrase: string, kind: WalletKind): WalletCall => ({
  method: "walletpassphrase",
  params: [passphrase, kind === "btcwallet" ? 0 : 100_000_000],
})
