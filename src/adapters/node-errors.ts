/**
 * The one table of node refusals. Every JSON-RPC error a chain node answers is read here,
 * once, and turned into a `RefusalKind` that says what the refusal means for the request,
 * whatever node said it. Nothing else in the gateway matches on a node's error text.
 *
 * Each row names the node that says it. "seen" rows were provoked on this project's own
 * nodes (anvil 1.7.1, btcd 0.26.0 + btcwallet 0.18.0 on simnet) and their exact texts are
 * quoted in `node-errors.test.ts`; the others come from the node's source or documentation
 * (go-ethereum `core/error.go` and `core/txpool/errors.go`, Bitcoin Core `rpc/protocol.h`,
 * `util/error.cpp` and its mempool reject reasons). Rows are tried in order: the first that
 * matches decides, so a narrow row stands before a wide one.
 */

/** What a node's refusal means for the request, whatever node said it. */
export type RefusalKind =
  | "already-known" // the node already has these exact bytes (pool or chain)
  | "nonce-too-low" // eth: the nonce is already used by a mined transaction
  | "nonce-too-high" // eth: a gap below this nonce (nodes that refuse gaps)
  | "replacement-underpriced" // eth: same nonce in the pool, fee bump too small
  | "underpriced" // fee below the node's minimum / block base fee / min relay fee
  | "insufficient-funds" // balance cannot cover value + fee
  | "intrinsic-gas" // gas limit below intrinsic cost
  | "gas-limit" // exceeds block gas limit / gas cap
  | "reverted" // eth_estimateGas / eth_call reverted (execution reverted)
  | "conflict" // btc: an input is spent by another mempool transaction
  | "inputs-spent" // btc: an input is missing or spent in the chain
  | "wallet-locked" // btc: unlock first (-13)
  | "invalid" // malformed params, bad address, bad signature, wrong chain id
  | "other" // a refusal this table does not know: treated as not retriable

/** The chains whose nodes the gateway talks to. */
export type NodeChain = "bitcoin" | "ethereum"

interface Row {
  readonly chain: NodeChain
  /** The JSON-RPC error code the row needs; absent when the text alone decides. */
  readonly code?: number
  /** The text, matched case-insensitively anywhere in the message; absent when the code alone decides. */
  readonly text?: RegExp
  readonly kind: RefusalKind
}

const eth = (text: RegExp, kind: RefusalKind): Row => ({ chain: "ethereum", text, kind })
const btc = (text: RegExp, kind: RefusalKind): Row => ({ chain: "bitcoin", text, kind })
const code = (chain: NodeChain, c: number, kind: RefusalKind): Row => ({ chain, code: c, kind })

const rows: readonly Row[] = [
  // ---------------------------------------------------------------- Ethereum
  // geth (EIP-7702 authorizations): about an authorization's signer, not the sender's nonce.
  eth(/authority nonce too low|authority already reserved/i, "invalid"),
  // geth -32000 "already known"; anvil -32003 "transaction already imported" (seen);
  // OpenEthereum "Transaction with the same hash was already imported."; Nethermind "AlreadyKnown".
  eth(/already known|already imported|known transaction|alreadyknown/i, "already-known"),
  // geth and anvil "nonce too low" (anvil: -32003, seen); OpenEthereum "Transaction nonce is too low";
  // Nethermind "OldNonce"/"NonceTooLow"; "nonce has already been used" (hosted RPCs, ethers' NONCE_EXPIRED).
  eth(/nonce too low|nonce is too low|nonce has already been used|oldnonce|noncetoolow/i, "nonce-too-low"),
  // geth "nonce too high"; Nethermind "NonceGap"/"NonceTooFarInFuture"; geth "account limit exceeded"
  // (the sender's pool slots are full): all clear once the lower nonces are mined.
  eth(/nonce too high|noncegap|nonce too far in (the )?future|noncetoofarinfuture|account limit exceeded/i, "nonce-too-high"),
  // geth and anvil "replacement transaction underpriced" (anvil: -32003, seen; anvil takes any
  // bump of at least 1 wei); ethers' REPLACEMENT_UNDERPRICED says "replacement fee too low";
  // OpenEthereum "...another transaction with same nonce in the queue..."; Nethermind "ReplacementNotAllowed".
  eth(/replacement transaction underpriced|replacement fee too low|another transaction with (the )?same nonce|replacementnotallowed/i, "replacement-underpriced"),
  // anvil -32000 "intrinsic gas too high -- tx.gas_limit > env.block.gas_limit" (seen); geth
  // "exceeds block gas limit", "gas limit reached", "transaction gas limit too high" (EIP-7825),
  // eth_estimateGas "gas required exceeds allowance"; Nethermind "GasLimitExceeded".
  eth(/gas_limit > env\.block\.gas_limit|exceeds block gas limit|gas limit reached|gas limit too high|gas required exceeds allowance|gaslimitexceeded/i, "gas-limit"),
  // geth and anvil -32000 "intrinsic gas too low" (seen); geth "floor data gas cost too low" (EIP-7623).
  eth(/intrinsic gas too low|floor data gas|intrinsicgas/i, "intrinsic-gas"),
  // geth and anvil "max fee per gas less than block base fee" (anvil: -32003, also for a legacy
  // gas price under the base fee, seen); geth "transaction underpriced", "txpool is full";
  // Nethermind "FeeTooLow"/"FeeTooLowToCompete".
  eth(/less than block base fee|transaction underpriced|txpool is full|feetoolow|gas price too low|underpriced/i, "underpriced"),
  // geth "insufficient funds for gas * price + value", "insufficient funds for transfer";
  // anvil -32003 "Insufficient funds for gas * price + value" (seen); Nethermind "InsufficientFunds".
  eth(/insufficient funds|insufficientfunds/i, "insufficient-funds"),
  // geth and anvil code 3 "execution reverted" / "execution reverted: <reason>" with `data` (seen).
  code("ethereum", 3, "reverted"),
  eth(/execution reverted|reverted/i, "reverted"),
  // geth "invalid sender", "invalid chain id for signer" (anvil -32003, seen), "only replay-protected
  // (EIP-155) transactions allowed over RPC", "rlp: ...", "transaction type not supported",
  // "max priority fee per gas higher than max fee per gas", "oversized data", "negative value";
  // anvil -32602 "Failed to decode transaction", "No Signer available" (seen).
  eth(
    /invalid sender|invalid chain id|chain ?id mismatch|only replay-protected|invalid signature|invalid transaction v, r, s|failed to decode|rlp:|typed transaction too short|transaction type not supported|higher than max fee per gas|higher than 2\^256-1|oversized data|negative value|no signer available|sender not an eoa|nonce has max value|max initcode size exceeded/i,
    "invalid",
  ),
  // JSON-RPC 2.0: invalid request, method not found (anvil, seen), invalid params (anvil, seen), parse error.
  code("ethereum", -32600, "invalid"),
  code("ethereum", -32601, "invalid"),
  code("ethereum", -32602, "invalid"),
  code("ethereum", -32700, "invalid"),

  // ---------------------------------------------------------------- Bitcoin
  // btcwallet's own sends (sendfrom, sendtoaddress, sendmany) pass btcd's refusal through btcd's
  // rpcclient.MapRPCErr, which renames it to Core's reason with spaces for dashes ("txn mempool
  // conflict", "missing inputs"), under code -32603 (seen). So the rows accept "-" or " ".
  //
  // btcd -26 "TX rejected: already have transaction in mempool <txid>" and -27 "TX rejected:
  // transaction already exists in blockchain" (seen); Core -26 "txn-already-in-mempool",
  // "txn-already-known", -27 "Transaction already in block chain" / "Transaction outputs already in
  // utxo set" (Core 28+); btcwallet "txn already in mempool"; btcd "database contains entry for spent tx output".
  btc(/already have transaction|txn[- ]already[- ]in[- ]mempool|txn[- ]already[- ]known|txn-same-nonwitness-data-in-mempool|already exists in blockchain|already in block ?chain|already in utxo set|database contains entry for spent tx output/i, "already-known"),
  // Core and btcd: -27 is RPC_VERIFY_ALREADY_IN_CHAIN, whatever the wording.
  code("bitcoin", -27, "already-known"),
  // btcd -26 "TX rejected: output already spent in mempool: output=<txid:vout>, tx=<txid>" (seen);
  // btcwallet -32603 "txn mempool conflict" (two concurrent sendfrom picked the same coin, seen);
  // Core -26 "txn-mempool-conflict", and (full RBF, Core 28+) a double spend that does not outbid
  // the first, "insufficient fee, rejecting replacement <txid>; ..."; btcd "replacement transaction
  // has an insufficient fee rate"; Core "bad-txns-spends-conflicting-tx", "replacement-adds-unconfirmed".
  btc(/txn[- ]mempool[- ]conflict|already spent in mempool|rejecting replacement|replacement transaction .*(has an insufficient|evicts|spends)|replacement[- ]adds[- ]unconfirmed|too many potential replacements|bad[- ]txns[- ]spends[- ]conflicting[- ]tx/i, "conflict"),
  // btcd -25 "TX rejected: orphan transaction <txid> references outputs of unknown or fully-spent
  // transaction <txid>" (seen, for a made-up input and for one spent in a block); btcwallet -32603
  // "missing inputs" (seen) and -4 "the utxo has been spent" (signrawtransaction, seen); Core -25
  // "bad-txns-inputs-missingorspent", "Missing inputs", "Inputs missing or spent", -26 "missing-inputs".
  btc(/fully-spent transaction|either does not exist or has already been spent|bad[- ]txns[- ]inputs[- ](missingorspent|spent)|inputs missing or spent|missing[- ]inputs|utxo has been spent/i, "inputs-spent"),
  // btcd -26 "TX rejected: transaction <txid> has insufficient priority (0 <= 5.76e+07)" and "has
  // been rejected by the rate limiter due to low fees" (seen), "has N fees which is under the
  // required amount of M" (btcwallet renames all three "insufficient fee" / "mempool min fee not
  // met"); Core -26 "min relay fee not met, 100 < 141", "mempool min fee not met", "mempool full".
  btc(/insufficient priority|rate limiter due to low fees|under the required amount|min relay fee not met|mempool min fee not met|mempool full|insufficient fee/i, "underpriced"),
  // btcwallet and Core -13 "Enter the wallet passphrase with walletpassphrase first" (seen).
  code("bitcoin", -13, "wallet-locked"),
  btc(/walletpassphrase first|wallet is locked|address manager is locked/i, "wallet-locked"),
  // btcwallet -32603 "insufficient funds available to construct transaction" (sendfrom and
  // sendtoaddress, seen); Core -6 (RPC_WALLET_INSUFFICIENT_FUNDS) "Insufficient funds".
  code("bitcoin", -6, "insufficient-funds"),
  btc(/insufficient funds/i, "insufficient-funds"),
  // btcd -26 "... is not standard: transaction output 1: payment is dust: 100", "... is not standard:
  // transaction is not finalized" (with --rejectnonstd, seen); btcwallet -32603 "transaction output
  // is dust" (seen); btcd -25 "failed to validate input ..." (a bad signature, seen); btcwallet -4
  // "cannot decode address: ...", -1 "Transaction comments are not yet supported", -4 "account
  // name '<name>' not found" (seen); Core -26 "dust", "non-final", "non-BIP68-final", "tx-size",
  // "scriptpubkey", "mandatory-script-verify-flag-failed (...)", "bad-txns-*", -25 "Fee exceeds
  // maximum configured by user", "max-fee-exceeded"; btcd "tried to spend coinbase transaction output".
  btc(/is not standard|dust|non[- ]final|not finalized|non[- ]bip68[- ]final|sequence locks|script[- ]verify[- ]flag|failed to validate input|bad[- ]txns|tx[- ]size|scriptpubkey|scriptsig|bare multisig|disabled opcode|tried to spend coinbase|cannot decode address|invalid address|not yet supported|account name .* not found|exceeds maximum configured|absurdly-high-fee|max[- ]fee[- ]exceeded/i, "invalid"),
  // Core and btcd: -3 type error, -5 invalid address or key (btcwallet "Invalid address or key: ..."),
  // -8 invalid parameter (btcwallet "amount must be positive", seen), -11 invalid account name,
  // -14 wrong passphrase (btcwallet "invalid passphrase for master private key", seen), -22 "TX
  // decode failed: ..." (btcd, seen); JSON-RPC -32600 "Invalid request" (btcwallet answers it for a
  // wrong parameter count or type, seen), -32601 "Method not found" (seen), -32602, -32700.
  ...[-3, -5, -8, -11, -14, -22, -32600, -32601, -32602, -32700].map((c) => code("bitcoin", c, "invalid")),
]

/**
 * What a node's JSON-RPC error means. `code` is the error's code (undefined when the answer
 * had none), `message` its text. A refusal no row knows is "other", never retried.
 */
export const classifyRefusal = (chain: NodeChain, code: number | undefined, message: string): RefusalKind => {
  for (const row of rows) {
    if (row.chain !== chain) continue
    if (row.code !== undefined && row.code !== code) continue
    if (row.text !== undefined && !row.text.test(message)) continue
    return row.kind
  }
  return "other"
}

/** What the gateway may do about one kind of refusal. */
export interface RefusalPolicy {
  /** Sending the very same call again, later, may succeed without the gateway changing anything. */
  readonly retriable: boolean
  /** The node already holds what was sent: a broadcast that meets this refusal has done its job. */
  readonly delivered: boolean
  /** Why, in one line. */
  readonly why: string
}

/** Which refusals are worth retrying, and why. */
export const refusalPolicy: Record<RefusalKind, RefusalPolicy> = {
  "already-known": { retriable: false, delivered: true, why: "the node has these exact bytes already; there is nothing left to send" },
  "nonce-too-low": { retriable: false, delivered: false, why: "a mined transaction holds the nonce: these bytes can never be mined (unless they are the mined ones; look up the hash)" },
  "nonce-too-high": { retriable: true, delivered: false, why: "the lower nonces are not in yet; the same bytes are taken once they are" },
  "replacement-underpriced": { retriable: false, delivered: false, why: "the pool keeps the other transaction at this nonce until it mines or a bigger bump arrives; re-sign with higher fees" },
  underpriced: { retriable: false, delivered: false, why: "the same bytes stay too cheap until fees fall, which may be never; re-sign with a higher fee" },
  "insufficient-funds": { retriable: false, delivered: false, why: "the balance does not cover value and fee; only funding the account changes that" },
  "intrinsic-gas": { retriable: false, delivered: false, why: "the gas limit is below what the transaction needs before it runs; it never changes" },
  "gas-limit": { retriable: false, delivered: false, why: "more gas than a block holds; no block will take it" },
  reverted: { retriable: false, delivered: false, why: "the EVM reverted the call on the current state; the request must change" },
  conflict: { retriable: false, delivered: false, why: "another mempool transaction spends an input: these bytes can only go in if it is evicted (a wallet send picks new coins: walletSendMayRetry)" },
  "inputs-spent": { retriable: false, delivered: false, why: "an input is spent in the chain or never existed: these bytes can never be mined" },
  "wallet-locked": { retriable: false, delivered: false, why: "the wallet answers the same until it is unlocked (walletpassphrase), then the call may be sent again" },
  invalid: { retriable: false, delivered: false, why: "the call itself is malformed (address, parameters, signature, chain id, standardness); it fails the same every time" },
  other: { retriable: false, delivered: false, why: "a refusal this table does not know; retrying blindly could hold a partition forever, so add a row instead" },
}

/** True when retrying the same call later may succeed. */
export const isRetriableRefusal = (kind: RefusalKind): boolean => refusalPolicy[kind].retriable

/** True when a broadcast refused this way has nonetheless reached the node: the bytes are in. */
export const isDelivered = (kind: RefusalKind): boolean => refusalPolicy[kind].delivered

/**
 * True when a wallet send (`sendtoaddress`, `sendfrom`, `sendmany`, where the wallet picks
 * the coins) was refused because the wallet raced itself: two sends picked the same coins,
 * or the wallet's view of its coins was a block behind. Nothing was sent, and the wallet picks
 * coins anew on the next call, so sending again is safe. (Never true of recorded raw bytes.)
 */
export const walletSendMayRetry = (kind: RefusalKind): boolean => kind === "conflict" || kind === "inputs-spent" || kind === "already-known"

/**
 * btcwallet on simnet can derive a change address it cannot read back (a base58 address
 * starting "Sb1" is taken for bech32 with simnet's HRP "sb"); every later send then fails with
 * "-5: Invalid address or key: Sb1…" (seen by the paper bench, inside a wallet send's message,
 * so the code is not relied on) until a fresh change address is asked for.
 */
export const isStuckChangeAddress = (message: string): boolean => /Invalid address or key: Sb1/.test(message)

/** An answer that says the node cannot serve now, rather than refusing the call. */
export type Unavailability = "overloaded" | "unreachable"

/** Overload, said in a JSON-RPC error or an HTTP body: Core's "Work queue depth exceeded", btcwallet's "Too Many Requests", hosted RPCs' rate limits. */
const overloadText = /work queue depth exceeded|too many (clients|connections|requests)|rate limit|request rate exceeded/i

/**
 * A JSON-RPC error that is not a verdict on the call: the node is overloaded (the text
 * above; EIP-1474 -32005 "limit exceeded") or not ready (Core -28 "Loading block index…"
 * while warming up; btcwallet -4 "blockchain RPC is inactive" while its btcd is away, seen).
 * Undefined for a real refusal.
 */
export const unavailableAnswer = (chain: NodeChain, code: number | undefined, message: string): Unavailability | undefined => {
  if (overloadText.test(message) || (chain === "ethereum" && code === -32005)) return "overloaded"
  if (chain === "bitcoin" && (code === -28 || /blockchain rpc is inactive/i.test(message))) return "unreachable"
  return undefined
}

/**
 * What an HTTP answer without a JSON-RPC error means: 503 (Core's full work queue) and 429
 * (btcwallet past its client limit) or overload text are overload; anything else (401, 5xx,
 * a body that is not JSON-RPC) is a node that did not answer the call.
 */
export const transportFailure = (httpStatus: number, text: string): Unavailability =>
  httpStatus === 503 || httpStatus === 429 || overloadText.test(text) ? "overloaded" : "unreachable"
