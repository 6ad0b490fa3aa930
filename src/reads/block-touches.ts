/**
 * Which accounts an Ethereum block can have changed, when that can be told from the block
 * alone. A block whose gas used is exactly 21,000 per transaction ran no contract code: a
 * transaction costs at least 21,000 gas, and calldata, an access list, contract creation,
 * a delegation (EIP-7702) or any opcode that could move value or write state costs more.
 * In such a block only the senders (value, fee and nonce), the recipients (value), the
 * fee recipient (the tips) and the withdrawals' addresses change; every other account's
 * balance, nonce and code is what it was in the block before, so an answer about them can
 * be carried from one head to the next without asking a node.
 *
 * Anything else (another transaction type, uncles, a field missing) gives `undefined`:
 * nothing is carried. This holds for Ethereum's own fee rules (the base fee burned, the
 * tip to the block's fee recipient); a chain that pays fees to other accounts (an
 * optimistic rollup's fee vaults) must turn `[reads].carry_untouched` off.
 */

/** The gas a plain value transfer uses, and the least any transaction uses. */
const transferGas = 21_000n

/** The highest transaction type whose plain transfers change nothing beyond sender, recipient and fee recipient: legacy (0), EIP-2930, EIP-1559, EIP-4844 (3). */
const highestPlainType = 3

const isHex = (v: unknown): v is string => typeof v === "string" && /^0x[0-9a-fA-F]+$/.test(v)
const isAddress = (v: unknown): v is string => typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v)

/**
 * The accounts (lower-case) that `block`, an `eth_getBlockBy*` answer with full
 * transactions, may have changed; `undefined` when the block may have changed others.
 */
export const accountsTouchedBy = (block: unknown): ReadonlySet<string> | undefined => {
  if (typeof block !== "object" || block === null) return undefined
  const b = block as { gasUsed?: unknown; transactions?: unknown; miner?: unknown; uncles?: unknown; withdrawals?: unknown }
  if (!isHex(b.gasUsed) || !Array.isArray(b.transactions) || !isAddress(b.miner)) return undefined
  if (Array.isArray(b.uncles) && b.uncles.length > 0) return undefined
  if (BigInt(b.gasUsed) !== transferGas * BigInt(b.transactions.length)) return undefined
  const touched = new Set<string>([b.miner.toLowerCase()])
  for (const tx of b.transactions) {
    if (typeof tx !== "object" || tx === null) return undefined
    const t = tx as { from?: unknown; to?: unknown; type?: unknown }
    if (t.type !== undefined && !(isHex(t.type) && Number.parseInt(t.type, 16) <= highestPlainType)) return undefined
    if (!isAddress(t.from) || !isAddress(t.to)) return undefined
    touched.add(t.from.toLowerCase())
    touched.add(t.to.toLowerCase())
  }
  if (b.withdrawals !== undefined) {
    if (!Array.isArray(b.withdrawals)) return undefined
    for (const w of b.withdrawals) {
      const address = typeof w === "object" && w !== null ? (w as { address?: unknown }).address : undefined
      if (!isAddress(address)) return undefined
      touched.add(address.toLowerCase())
    }
  }
  return touched
}
