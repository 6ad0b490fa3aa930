/**
 * What the Bitcoin measurements (scripts/measure-bitcoin-*.ts) need before they pay on a
 * private btcd + btcwallet: payee addresses of the wallet, a change script, a signer, and
 * a wallet whose own sends work (a fresh wallet lists its coins before `sendfrom` can
 * spend them, so blocks are mined until it can).
 */
import { Effect, Result } from "effect"
import { newChangeAddress, signRaw } from "../../src/adapters/bitcoin/wallet-calls.ts"
import { runStep } from "../../src/adapters/bitcoin/wallet-step.ts"
import { scriptForAddress } from "../../src/execution/bitcoin/address-script.ts"
import type { SignRaw } from "../../src/execution/bitcoin/build-transaction.ts"
import type { PrivateBitcoin } from "./private-bitcoin.ts"

/** Payees, their scripts, the change script and the signer of a wallet ready to send. */
export interface ReadyToPay {
  readonly payees: readonly string[]
  readonly scripts: readonly string[]
  readonly changeScript: string
  readonly sign: SignRaw<unknown>
}

/** Prepares `node`'s wallet to pay `count` payees of its own (see the module comment). */
export const readyToPay = async (node: PrivateBitcoin, count = 50): Promise<ReadyToPay> => {
  const sign: SignRaw<unknown> = (hex, prevouts) => runStep(node.wallet, signRaw("btcwallet", hex, prevouts))
  const payees: string[] = []
  while (payees.length < count) {
    const a = await node.call("getnewaddress", ["default"]).catch(() => undefined)
    if (typeof a === "string") payees.push(a)
  }
  const scripts = payees.map((a) => Result.getOrThrow(scriptForAddress(a, "simnet")))
  const changeScript = Result.getOrThrow(scriptForAddress(await Effect.runPromise(runStep(node.wallet, newChangeAddress("btcwallet", "default"))), "simnet"))
  for (let i = 0; !(await node.call("sendfrom", ["default", payees[0], 0.0001, 0]).then(() => true, () => false)); i++) {
    if (i > 30) throw new Error("the wallet never became able to send")
    await node.mine(1)
  }
  await node.mine(1)
  return { payees, scripts, changeScript, sign }
}
