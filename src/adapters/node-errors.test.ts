/**
 * The refusal table against the nodes' own words. "seen" rows quote, byte for byte, the
 * JSON-RPC errors provoked on this project's own nodes on 2026-12-04: anvil 1.7.1
 * (4072e48) and btcd v0.26.0 + btcwallet v0.18.0 on simnet (btcd also with --rejectnonstd
 * --norelaypriority --limitfreerelay=0 for the policy refusals). "doc" rows quote the
 * node's source: go-ethereum core/error.go and core/txpool/errors.go, Bitcoin Core's reject
 * reasons and util/error.cpp, btcd's rpcclient/errors.go (the names btcwallet passes on).
 */
import { describe, expect, test } from "bun:test"
import {
  classifyRefusal,
  isDelivered,
  isRetriableRefusal,
  isStuckChangeAddress,
  type NodeChain,
  type RefusalKind,
  refusalPolicy,
  transportFailure,
  unavailableAnswer,
  walletSendMayRetry,
} from "./node-errors.ts"

type Case = readonly [source: string, chain: NodeChain, code: number | undefined, message: string, kind: RefusalKind]

const anvilSeen: readonly Case[] = [
  ["anvil 1.7.1 seen: mined nonce re-used", "ethereum", -32003, "nonce too low", "nonce-too-low"],
  ["anvil 1.7.1 seen: same bytes twice while pending", "ethereum", -32003, "transaction already imported", "already-known"],
  ["anvil 1.7.1 seen: same nonce, same fees (and lower fees)", "ethereum", -32003, "replacement transaction underpriced", "replacement-underpriced"],
  ["anvil 1.7.1 seen: empty account, and value above balance", "ethereum", -32003, "Insufficient funds for gas * price + value", "insufficient-funds"],
  ["anvil 1.7.1 seen: gas 20000", "ethereum", -32000, "intrinsic gas too low", "intrinsic-gas"],
  ["anvil 1.7.1 seen: gas 40M", "ethereum", -32000, "intrinsic gas too high -- tx.gas_limit > env.block.gas_limit", "gas-limit"],
  ["anvil 1.7.1 seen: signed for chain 1", "ethereum", -32003, "invalid chain id for signer", "invalid"],
  ["anvil 1.7.1 seen: raw 0x1234", "ethereum", -32602, "Failed to decode transaction", "invalid"],
  ["anvil 1.7.1 seen: max fee 10 gwei, next base fee 100 gwei (also a legacy gas price)", "ethereum", -32003, "max fee per gas less than block base fee", "underpriced"],
  ["anvil 1.7.1 seen: eth_estimateGas and eth_call, Error(\"nope\")", "ethereum", 3, "execution reverted: nope", "reverted"],
  ["anvil 1.7.1 seen: eth_estimateGas, revert without data", "ethereum", 3, "execution reverted", "reverted"],
  ["anvil 1.7.1 seen: eth_sendTransaction from a key it does not hold", "ethereum", -32602, "No Signer available", "invalid"],
  ["anvil 1.7.1 seen: unknown method", "ethereum", -32601, "Method not found", "invalid"],
  ["anvil 1.7.1 seen: eth_getBalance(\"nothex\")", "ethereum", -32602, "invalid string length", "invalid"],
]

const gethDoc: readonly Case[] = [
  ["geth doc: txpool.ErrAlreadyKnown", "ethereum", -32000, "already known", "already-known"],
  ["geth doc: core.ErrNonceTooLow", "ethereum", -32000, "nonce too low: next nonce 5, tx nonce 3", "nonce-too-low"],
  ["geth doc: core.ErrNonceTooHigh", "ethereum", -32000, "nonce too high", "nonce-too-high"],
  ["geth doc: txpool.ErrAccountLimitExceeded", "ethereum", -32000, "account limit exceeded", "nonce-too-high"],
  ["geth doc: txpool.ErrReplaceUnderpriced", "ethereum", -32000, "replacement transaction underpriced", "replacement-underpriced"],
  ["geth doc: txpool.ErrUnderpriced", "ethereum", -32000, "transaction underpriced: gas tip cap 1, minimum needed 2", "underpriced"],
  ["geth doc: core.ErrFeeCapTooLow", "ethereum", -32000, "max fee per gas less than block base fee: address 0xab, maxFeePerGas: 1, baseFee: 7", "underpriced"],
  ["geth doc: legacypool txpool is full", "ethereum", -32000, "txpool is full", "underpriced"],
  ["geth doc: core.ErrInsufficientFunds", "ethereum", -32000, "insufficient funds for gas * price + value: address 0xab have 0 want 21000", "insufficient-funds"],
  ["geth doc: core.ErrInsufficientFundsForTransfer", "ethereum", -32000, "insufficient funds for transfer", "insufficient-funds"],
  ["geth doc: core.ErrIntrinsicGas", "ethereum", -32000, "intrinsic gas too low: have 20000, want 21000", "intrinsic-gas"],
  ["geth doc: core.ErrFloorDataGas", "ethereum", -32000, "insufficient gas for floor data gas cost: have 21000, want 22000", "intrinsic-gas"],
  ["geth doc: txpool.ErrGasLimit", "ethereum", -32000, "exceeds block gas limit", "gas-limit"],
  ["geth doc: core.ErrGasLimitReached", "ethereum", -32000, "gas limit reached", "gas-limit"],
  ["geth doc: eth_estimateGas past the gas cap", "ethereum", -32000, "gas required exceeds allowance (30000000)", "gas-limit"],
  ["geth doc: revert with reason", "ethereum", 3, "execution reverted: Ownable: caller is not the owner", "reverted"],
  ["geth doc: txpool.ErrInvalidSender", "ethereum", -32000, "invalid sender", "invalid"],
  ["geth doc: types.ErrInvalidChainId", "ethereum", -32000, "invalid chain id for signer: have 1 want 31337", "invalid"],
  ["geth doc: EIP-155 only", "ethereum", -32000, "only replay-protected (EIP-155) transactions allowed over RPC", "invalid"],
  ["geth doc: core.ErrTipAboveFeeCap", "ethereum", -32000, "max priority fee per gas higher than max fee per gas", "invalid"],
  ["geth doc: txpool.ErrOversizedData", "ethereum", -32000, "oversized data", "invalid"],
  ["geth doc: rlp", "ethereum", -32000, "rlp: expected input list for types.LegacyTx", "invalid"],
  ["geth doc: txpool.ErrAuthorityNonceTooLow (an authorization, not the sender)", "ethereum", -32000, "authority nonce too low", "invalid"],
  ["ethers: REPLACEMENT_UNDERPRICED's shortMessage", "ethereum", undefined, "replacement fee too low", "replacement-underpriced"],
  ["ethers and hosted RPCs: NONCE_EXPIRED", "ethereum", undefined, "nonce has already been used", "nonce-too-low"],
  ["Nethermind doc: AcceptTxResult", "ethereum", -32010, "AlreadyKnown", "already-known"],
  ["OpenEthereum doc", "ethereum", -32010, "Transaction nonce is too low. Try incrementing the nonce.", "nonce-too-low"],
  ["unknown refusal", "ethereum", -32000, "something new", "other"],
]

const btcSeen: readonly Case[] = [
  ["btcd 0.26.0 seen: same bytes twice", "bitcoin", -26, "TX rejected: already have transaction in mempool db7908e295b5c1256742f33f4d787028f85b44235d40c29ace0300d67a4b238b", "already-known"],
  ["btcd 0.26.0 seen: double spend while the first is in the mempool", "bitcoin", -26, "TX rejected: output already spent in mempool: output=efff7a1b685beeab35d47a4dec145fc9e49ebda1c9f8419d112c5eada1c5a979:0, tx=db7908e295b5c1256742f33f4d787028f85b44235d40c29ace0300d67a4b238b", "conflict"],
  ["btcd 0.26.0 seen: made-up input", "bitcoin", -25, "TX rejected: orphan transaction 6554d30b94ff48410f31881ad8ecb1f2b9936c0c34990532d01b27cf86de2501 references outputs of unknown or fully-spent transaction 1111111111111111111111111111111111111111111111111111111111111111", "inputs-spent"],
  ["btcd 0.26.0 seen: double spend after the first was mined", "bitcoin", -25, "TX rejected: orphan transaction 9a89a8c2a06873085df17d440ec966f44dd0361bbae9e3103bb9aff7dfc23655 references outputs of unknown or fully-spent transaction efff7a1b685beeab35d47a4dec145fc9e49ebda1c9f8419d112c5eada1c5a979", "inputs-spent"],
  ["btcd 0.26.0 seen: mined transaction sent again", "bitcoin", -27, "TX rejected: transaction already exists in blockchain", "already-known"],
  ["btcd 0.26.0 seen: zero fee, unconfirmed parent", "bitcoin", -26, "TX rejected: transaction 0e9eb1818a97daba2e309709620ef538b82b671f6d5ae36b72dfaaa7b13058e1 has insufficient priority (0 <= 5.76e+07)", "underpriced"],
  ["btcd 0.26.0 seen: 1 sat fee, --limitfreerelay=0", "bitcoin", -26, "TX rejected: transaction 28a730820cd2062b29ebae04798fc357699abf752027291172efc7a95e21f3f8 has been rejected by the rate limiter due to low fees", "underpriced"],
  ["btcd 0.26.0 seen: 100 sat output, --rejectnonstd", "bitcoin", -26, "TX rejected: transaction dfee70bd2f9a80df9130386921a36756a55a54504cf00f5dae3033d82c2afbfc is not standard: transaction output 1: payment is dust: 100", "invalid"],
  ["btcd 0.26.0 seen: lock time 1000 blocks ahead, --rejectnonstd", "bitcoin", -26, "TX rejected: transaction 11bd1874b1d86bca22545143552601c3e61c1ef482ec891b4903a713ab81db3e is not standard: transaction is not finalized", "invalid"],
  ["btcd 0.26.0 seen: raw \"00\"", "bitcoin", -22, "TX decode failed: unexpected EOF", "invalid"],
  [
    "btcd 0.26.0 seen: unsigned spend of a real coin",
    "bitcoin",
    -25,
    "TX rejected: failed to validate input c23f735152c619a37451c79065d360d9b0eef3de868358792b71fc48662a5637:0 which references output 20a728a252df64e715da593059d36a19ff7ce1255de3fd4a1154b2ae7e5b75ff:0 - index 0 is invalid for stack size 0 (input witness [], input script bytes , prev output script bytes 76a91463f759f1b42d64bca05cadea650b79851bbe4b6288ac)",
    "invalid",
  ],
  ["btcd 0.26.0 seen: getrawtransaction of an unknown txid", "bitcoin", -5, "No information available about transaction 1111111111111111111111111111111111111111111111111111111111111111", "invalid"],
  ["btcd 0.26.0 seen: unknown method", "bitcoin", -32601, "Method not found", "invalid"],
  ["btcwallet 0.18.0 seen: concurrent sendfrom picked the same coin", "bitcoin", -32603, "txn mempool conflict", "conflict"],
  ["btcwallet 0.18.0 seen: sendfrom racing a block", "bitcoin", -32603, "missing inputs", "inputs-spent"],
  ["btcwallet 0.18.0 seen: sendfrom and sendtoaddress of 10 million", "bitcoin", -32603, "insufficient funds available to construct transaction", "insufficient-funds"],
  ["btcwallet 0.18.0 seen: sendfrom while locked", "bitcoin", -13, "Enter the wallet passphrase with walletpassphrase first", "wallet-locked"],
  ["btcwallet 0.18.0 seen: sendtoaddress \"notanaddress\"", "bitcoin", -4, "cannot decode address: checksum mismatch", "invalid"],
  ["btcwallet 0.18.0 seen: mainnet address on simnet", "bitcoin", -4, "cannot decode address: unknown address type", "invalid"],
  ["btcwallet 0.18.0 seen: dumpprivkey of a bad address", "bitcoin", -5, "Invalid address \"SWQaF75xLzTEhjGBjvBYEYDmVtvBnJf48E\": decode failed with `checksum mismatch`", "invalid"],
  ["btcwallet 0.18.0 seen: sendfrom an unknown account", "bitcoin", -4, "account name 'nosuchaccount' not found", "invalid"],
  ["btcwallet 0.18.0 seen: sendtoaddress with a comment", "bitcoin", -1, "Transaction comments are not yet supported", "invalid"],
  ["btcwallet 0.18.0 seen: negative amount", "bitcoin", -8, "amount must be positive", "invalid"],
  ["btcwallet 0.18.0 seen: sendfrom of 0 and of 100 sat", "bitcoin", -32603, "transaction output is dust", "invalid"],
  ["btcwallet 0.18.0 seen: wrong passphrase", "bitcoin", -14, "invalid passphrase for master private key", "invalid"],
  ["btcwallet 0.18.0 seen: wrong parameter count or type", "bitcoin", -32600, "Invalid request", "invalid"],
  ["btcwallet 0.18.0 seen: signrawtransaction of a spent coin", "bitcoin", -4, "the utxo has been spent", "inputs-spent"],
  ["btcwallet 0.18.0 seen: gettransaction of an unknown txid", "bitcoin", -5, "No information for transaction", "invalid"],
  ["btcwallet paper bench seen: stuck change address", "bitcoin", -5, "Invalid address or key: Sb1cz8cwHoorpZwsKyMSXWvrxDSGy9bi7Q", "invalid"],
]

const btcDoc: readonly Case[] = [
  ["Core doc: -26 txn-mempool-conflict", "bitcoin", -26, "txn-mempool-conflict", "conflict"],
  ["Core doc: full-RBF double spend that does not outbid", "bitcoin", -26, "insufficient fee, rejecting replacement 5c0b; new feerate 0.00001000 BTC/kvB <= old feerate 0.00001000 BTC/kvB", "conflict"],
  ["Core doc: -26 bad-txns-spends-conflicting-tx", "bitcoin", -26, "bad-txns-spends-conflicting-tx", "conflict"],
  ["Core doc: -25 bad-txns-inputs-missingorspent", "bitcoin", -25, "bad-txns-inputs-missingorspent", "inputs-spent"],
  ["Core doc: -25 Missing inputs (0.x)", "bitcoin", -25, "Missing inputs", "inputs-spent"],
  ["Core doc: -25 util/error.cpp MISSING_INPUTS", "bitcoin", -25, "Inputs missing or spent", "inputs-spent"],
  ["Core doc: -26 missing-inputs", "bitcoin", -26, "missing-inputs", "inputs-spent"],
  ["Core doc: -26 txn-already-in-mempool", "bitcoin", -26, "txn-already-in-mempool", "already-known"],
  ["Core doc: -26 txn-already-known", "bitcoin", -26, "txn-already-known", "already-known"],
  ["Core doc: -27 (before 28)", "bitcoin", -27, "Transaction already in block chain", "already-known"],
  ["Core doc: -27 (28 and later)", "bitcoin", -27, "Transaction outputs already in utxo set", "already-known"],
  ["Core doc: -26 min relay fee not met", "bitcoin", -26, "min relay fee not met, 100 < 141", "underpriced"],
  ["Core doc: -26 mempool min fee not met", "bitcoin", -26, "mempool min fee not met, 1000 < 2000", "underpriced"],
  ["Core doc: -26 mempool full", "bitcoin", -26, "mempool full", "underpriced"],
  ["Core doc: -26 dust", "bitcoin", -26, "dust", "invalid"],
  ["Core doc: -26 non-final", "bitcoin", -26, "non-final", "invalid"],
  ["Core doc: -26 non-BIP68-final", "bitcoin", -26, "non-BIP68-final", "invalid"],
  ["Core doc: -26 script failure", "bitcoin", -26, "mandatory-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)", "invalid"],
  ["Core doc: -25 max fee", "bitcoin", -25, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)", "invalid"],
  ["Core doc: -6 insufficient funds", "bitcoin", -6, "Insufficient funds", "insufficient-funds"],
  ["Core doc: -4 insufficient funds (older wallets)", "bitcoin", -4, "Insufficient funds", "insufficient-funds"],
  ["Core doc: -13 unlock", "bitcoin", -13, "Error: Please enter the wallet passphrase with walletpassphrase first.", "wallet-locked"],
  ["Core doc: -5 invalid address", "bitcoin", -5, "Invalid Bitcoin address: 1nope", "invalid"],
  ["Core doc: -8 invalid parameter", "bitcoin", -8, "Invalid parameter, duplicated address: bc1q", "invalid"],
  ["Core doc: -3 type error", "bitcoin", -3, "Amount is not a number or string", "invalid"],
  ["Core doc: -4 other wallet error", "bitcoin", -4, "Transaction too large", "other"],
  ["Core doc: -26 too-long-mempool-chain (no kind fits; see refusalPolicy.other)", "bitcoin", -26, "too-long-mempool-chain, too many unconfirmed ancestors [limit: 25]", "other"],
  ["btcwallet doc (rpcclient.MapRPCErr): btcd's low fee renamed", "bitcoin", -32603, "insufficient fee", "underpriced"],
  ["btcwallet doc: txn already in mempool", "bitcoin", -32603, "txn already in mempool", "already-known"],
  ["btcwallet doc: non final", "bitcoin", -32603, "non final", "invalid"],
  ["btcwallet doc: bad txns spends conflicting tx", "bitcoin", -32603, "bad txns spends conflicting tx", "conflict"],
  ["btcd doc: RBF fee rate", "bitcoin", -26, "TX rejected: replacement transaction 5c0b has an insufficient fee rate: needs more than 10, has 10", "conflict"],
  ["unknown refusal", "bitcoin", -25, "something new", "other"],
]

describe("classifyRefusal", () => {
  test.each([...anvilSeen, ...gethDoc, ...btcSeen, ...btcDoc])("%s", (_source, chain, code, message, kind) => {
    expect(classifyRefusal(chain, code, message)).toBe(kind)
  })

  test("a row of one chain never answers for the other", () => {
    expect(classifyRefusal("bitcoin", -32003, "nonce too low")).toBe("other")
    expect(classifyRefusal("ethereum", -26, "txn-mempool-conflict")).toBe("other")
  })

  test("covers every text the executors matched by hand (execute-ethereum.ts, wallet-dialect.ts)", () => {
    for (const text of ["already known", "already imported", "known transaction", "AlreadyKnown"]) expect(classifyRefusal("ethereum", -32000, text)).toBe("already-known")
    for (const text of ["nonce too low", "NonceTooLow", "nonce has already been used"]) expect(classifyRefusal("ethereum", -32000, text)).toBe("nonce-too-low")
    for (const text of ["txn mempool conflict", "missing inputs", "output already spent in mempool", "already have transaction"]) {
      expect(walletSendMayRetry(classifyRefusal("bitcoin", -32603, text))).toBe(true)
    }
  })
})

describe("refusalPolicy", () => {
  const kinds = Object.keys(refusalPolicy) as RefusalKind[]
  test("every kind says why", () => {
    expect(kinds).toHaveLength(14)
    for (const kind of kinds) expect(refusalPolicy[kind].why.length).toBeGreaterThan(20)
  })
  test("only a nonce gap is worth sending again as it is", () => {
    expect(kinds.filter(isRetriableRefusal)).toEqual(["nonce-too-high"])
  })
  test("only already-known means the bytes are in", () => {
    expect(kinds.filter(isDelivered)).toEqual(["already-known"])
  })
})

describe("isStuckChangeAddress", () => {
  test.each([
    ["-5: Invalid address or key: Sb1cz8cwHoorpZwsKyMSXWvrxDSGy9bi7Q", true],
    ["Invalid address or key: Sb1cz8cwHoorpZwsKyMSXWvrxDSGy9bi7Q", true],
    ["cannot decode address: checksum mismatch", false],
  ] as const)("%s", (message, stuck) => expect(isStuckChangeAddress(message)).toBe(stuck))
})

describe("unavailableAnswer", () => {
  test.each([
    ["btcwallet 0.18.0 seen: its btcd is not connected", "bitcoin", -4, "blockchain RPC is inactive", "unreachable"],
    ["Core doc: warming up", "bitcoin", -28, "Loading block index...", "unreachable"],
    ["Core doc: overload text in an error", "bitcoin", -32603, "Work queue depth exceeded", "overloaded"],
    ["EIP-1474: limit exceeded", "ethereum", -32005, "daily request count exceeded, request rate limited", "overloaded"],
    ["geth: a real refusal", "ethereum", -32000, "account limit exceeded", undefined],
    ["btcd: a real refusal", "bitcoin", -26, "TX rejected: transaction already exists in blockchain", undefined],
  ] as const)("%s", (_source, chain, code, message, expected) => expect(unavailableAnswer(chain, code, message)).toBe(expected))
})

describe("transportFailure", () => {
  test.each([
    ["btcwallet 0.18.0 seen: past its client limit", 429, "429 Too Many Requests\n", "overloaded"],
    ["Core doc: full work queue", 503, "Work queue depth exceeded", "overloaded"],
    ["btcd and btcwallet seen: wrong password", 401, "401 Unauthorized.", "unreachable"],
    ["a proxy's error page", 502, "<html>Bad Gateway</html>", "unreachable"],
  ] as const)("%s", (_source, status, text, expected) => expect(transportFailure(status, text)).toBe(expected))
})
