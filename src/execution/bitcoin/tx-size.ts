/**
 * How big a transaction will be once signed, before it is signed, and which outputs are
 * too small to relay. Coin selection needs both: the fee is paid on the signed size, and
 * a change output below the dust threshold would make the node refuse the whole
 * transaction, so that remainder goes to the fee instead.
 *
 * Sizes are in weight units (BIP-141): non-witness bytes count 4, witness bytes 1, and
 * the virtual size is ceil(weight / 4). Input sizes are upper bounds: a DER signature
 * with a low S is at most 72 bytes with its sighash byte (btcwallet does not grind for a
 * low R, so 71 and 72 both occur), and keys are compressed.
 *
 * The dust rule is Bitcoin Core's and btcd's (the same arithmetic in both,
 * `GetDustThreshold` in btcd's mempool/policy.go): an output is dust when its value is
 * below 3 sat/vB × (its own size + the size of the input that would spend it), where
 * that input is 148 bytes for a non-witness script and 67 for a witness program.
 */

/** The output script types the estimator knows by shape. */
export type ScriptKind = "p2pkh" | "p2sh" | "p2wpkh" | "p2wsh" | "p2tr" | "other"

/** The inputs the wallets here can sign: btcwallet signs p2pkh only, Core's descriptor wallets p2wpkh (and p2pkh). */
export type SpendableKind = "p2pkh" | "p2wpkh"

/** Recognizes a standard output script by its bytes (hex). */
export const scriptKindOf = (scriptPubKey: string): ScriptKind => {
  const s = scriptPubKey.toLowerCase()
  if (s.length === 50 && s.startsWith("76a914") && s.endsWith("88ac")) return "p2pkh"
  if (s.length === 46 && s.startsWith("a914") && s.endsWith("87")) return "p2sh"
  if (s.length === 44 && s.startsWith("0014")) return "p2wpkh"
  if (s.length === 68 && s.startsWith("0020")) return "p2wsh"
  if (s.length === 68 && s.startsWith("5120")) return "p2tr"
  return "other"
}

/** True for a segwit output script (OP_0..OP_16 followed by one push of 2 to 40 bytes). */
export const isWitnessProgram = (scriptPubKey: string): boolean => {
  const bytes = Buffer.from(scriptPubKey, "hex")
  const op = bytes[0] ?? -1
  const push = bytes[1] ?? -1
  return bytes.length >= 4 && bytes.length <= 42 && (op === 0 || (op >= 0x51 && op <= 0x60)) && push === bytes.length - 2
}

const varintSize = (n: number): number => (n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffff_ffff ? 5 : 9)

/** The serialized size of one output: 8-byte value, script length, script. */
export const outputBytes = (scriptPubKey: string): number => {
  const len = scriptPubKey.length / 2
  return 8 + varintSize(len) + len
}

/** The weight of one output (outputs carry no witness). */
export const outputWeight = (scriptPubKey: string): number => 4 * outputBytes(scriptPubKey)

/** Upper-bound weight of one signed input. p2pkh: 36 outpoint + 1 + 107 scriptSig + 4 sequence; p2wpkh: 41 non-witness bytes and a 108-byte witness. */
export const inputWeight = (kind: SpendableKind): number => (kind === "p2pkh" ? 4 * 148 : 4 * 41 + 108)

/** Weight of version, locktime and the two counts; plus the segwit marker and flag when any input has a witness. */
export const overheadWeight = (inputCount: number, outputCount: number, segwit: boolean): number =>
  4 * (8 + varintSize(inputCount) + varintSize(outputCount)) + (segwit ? 2 : 0)

/** Virtual bytes for a weight. */
export const vsizeOfWeight = (weight: number): number => Math.ceil(weight / 4)

/** The estimated virtual size of the signed transaction spending `inputs` into the outputs with these scripts. */
export const estimateVsize = (inputs: readonly SpendableKind[], outputScripts: readonly string[]): number => {
  const segwit = inputs.some((k) => k === "p2wpkh")
  let weight = overheadWeight(inputs.length, outputScripts.length, segwit)
  for (const k of inputs) weight += inputWeight(k)
  for (const s of outputScripts) weight += outputWeight(s)
  return vsizeOfWeight(weight)
}

/** The fee for `vsize` virtual bytes at `satPerVbyte`, rounded up to a whole satoshi. */
export const feeFor = (vsize: number, satPerVbyte: number): bigint => BigInt(Math.ceil(vsize * satPerVbyte))

/** Bitcoin Core's default dust relay fee, 3 sat/vB (btcd: 3 × its 1 sat/vB minimum relay fee). */
export const defaultDustRelaySatPerKvb = 3000

/** The smallest value an output with this script may carry and still be relayed. */
export const dustThreshold = (scriptPubKey: string, dustRelaySatPerKvb = defaultDustRelaySatPerKvb): bigint => {
  const spendSize = 32 + 4 + 1 + 4 + (isWitnessProgram(scriptPubKey) ? 107 / 4 : 107)
  return (BigInt(outputBytes(scriptPubKey) + Math.floor(spendSize)) * BigInt(dustRelaySatPerKvb)) / 1000n
}

/** True when an output of `satoshis` with this script would be refused as dust. */
export const isDust = (satoshis: bigint, scriptPubKey: string, dustRelaySatPerKvb = defaultDustRelaySatPerKvb): boolean =>
  satoshis < dustThreshold(scriptPubKey, dustRelaySatPerKvb)
