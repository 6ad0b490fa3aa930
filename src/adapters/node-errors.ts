/**
 * PLACEHOLDER until the node-error table lands (helper branch `errors`): the refusal
 * kinds the executors switch on.
 */

/** What a node's refusal means for the request, whatever node said it. */
export type RefusalKind =
  | "already-known"
  | "nonce-too-low"
  | "nonce-too-high"
  | "replacement-underpriced"
  | "underpriced"
  | "insufficient-funds"
  | "intrinsic-gas"
  | "gas-limit"
  | "reverted"
  | "conflict"
  | "inputs-spent"
  | "wallet-locked"
  | "invalid"
  | "other"

const rows: ReadonlyArray<readonly [RegExp, RefusalKind]> = [
  [/already known|already imported|already have transaction|txn-already/i, "already-known"],
  [/nonce too low|nonce has already been used/i, "nonce-too-low"],
  [/nonce too high/i, "nonce-too-high"],
  [/replacement transaction underpriced|replacement fee too low/i, "replacement-underpriced"],
  [/underpriced|less than block base fee|min relay fee|insufficient fee|mempool min fee/i, "underpriced"],
  [/insufficient funds/i, "insufficient-funds"],
  [/intrinsic gas/i, "intrinsic-gas"],
  [/exceeds block gas limit|gas limit/i, "gas-limit"],
  [/revert/i, "reverted"],
  [/mempool conflict|txn-mempool-conflict/i, "conflict"],
  [/missing inputs|already spent|missingorspent/i, "inputs-spent"],
]

/** Classifies a refusal by its code and text. */
export const classifyRefusal = (_chain: "bitcoin" | "ethereum", code: number | undefined, message: string): RefusalKind => {
  if (code === -13) return "wallet-locked"
  for (const [pattern, kind] of rows) if (pattern.test(message)) return kind
  return "other"
}

/** The kind of a node's refusal (the adapters set it; older errors are classified from their text here). */
export const kindOf = (e: { readonly kind?: RefusalKind; readonly code: number; readonly detail: string }, chain: "bitcoin" | "ethereum"): RefusalKind =>
  e.kind ?? classifyRefusal(chain, e.code, e.detail)
