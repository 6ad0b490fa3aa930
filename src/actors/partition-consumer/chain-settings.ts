/**
 * Builds each chain's executor settings for a consumer host from the config and the
 * environment: the wallet dialect and passphrase for Bitcoin; the signing keys, nonce
 * ledger and a fee cache for Ethereum.
 */
import { Effect } from "effect"
import { signersFromKeyList } from "../../adapters/ethereum.ts"
import type { HostContext } from "../../app/host-context.ts"
import { makeNonceLedger } from "../../execution/ethereum/nonce-ledger.ts"
import type { NodePool } from "../node-throttler/pool.ts"
import type { ChainSettings } from "./execute-request.ts"

/** How long a fetched gas price is reused. */
const feeTtlMs = 10_000

/** The settings; throws `BadSigningKey` when the key list is malformed (a config error, at start). */
export const chainSettings = (ctx: HostContext, pool: NodePool): ChainSettings => {
  const eth = ctx.config.chains.ethereum
  const btcNode = ctx.config.nodes.find((n) => n.chain === "bitcoin" && ctx.host.nodes.includes(n.name))
  const passphraseVar = btcNode?.wallet_passphrase_env
  let fee: { value: bigint; at: number } | undefined
  return {
    bitcoin: {
      walletKind: btcNode?.wallet ?? "btcwallet",
      passphrase: passphraseVar === undefined ? undefined : ctx.env[passphraseVar],
    },
    ethereum: {
      chainId: eth.chain_id,
      signers: signersFromKeyList(ctx.env[eth.keystore_env] ?? ""),
      ledger: makeNonceLedger(),
      gasPrice: () =>
        fee !== undefined && Date.now() - fee.at < feeTtlMs
          ? Effect.succeed(fee.value)
          : Effect.map(pool.call("ethereum", "eth_gasPrice"), (r) => {
              fee = { value: BigInt(String(r.result)), at: Date.now() }
              return fee.value
            }),
    },
  }
}
