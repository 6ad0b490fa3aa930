/**
 * Fixed Ethereum inputs for tests and OpenAPI examples: anvil's first two dev accounts
 * and EIP-1559 transfers signed by the first (nonce 7, 1000 wei to the second) for
 * chain 31337 and chain 1, plus the same transaction unsigned and a legacy one signed
 * without a chain id. Kept as hex so nothing outside `src/adapters/` imports ethers.
 */

/** anvil account 0 (EIP-55 checksummed); it signed the transactions below. */
export const devSigner = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

/** anvil account 1 (EIP-55 checksummed); the transfers below pay it. */
export const devRecipient = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

/** Signed EIP-1559 transactions and their known hashes. */
export const sampleTransactions = {
  signedFor31337:
    "0x02f86e827a6907843b9aca0084773594008252089470997970c51812dc3a010c7d01b50e0d17dc79c88203e880c080a0ff03e5f6392eb093e9c226425e2ba1a8abe9420042cc8a3ffc7e43d22c498a93a03e55bb71c2a90df9e706d978cbfaa2a431c125da0bd611e07a746d10b62e9684",
  hashFor31337: "0x2df40696e1127d108fb94686f7a609decb20b0f865b248285f24cbfdd483e0f6",
  signedFor1:
    "0x02f86c0107843b9aca0084773594008252089470997970c51812dc3a010c7d01b50e0d17dc79c88203e880c001a0cf8726b98812e34d87252fd23537fc8351efa7dea20c0edf7fd7a450d16a02f8a033e9d7c35e13b8c6f47942446df1a4467806c57dc5561606f155464316e4d16b",
  unsigned: "0x02eb827a6907843b9aca0084773594008252089470997970c51812dc3a010c7d01b50e0d17dc79c88203e880c0",
  legacyWithoutChainId:
    "0xf85f01018252089470997970c51812dc3a010c7d01b50e0d17dc79c801801ca0d305523b00cf74b4e7bd083c4b33932cb4ea57146428013d023699bf6ef0943fa058acbf4267d50b9ed9e6fbb8660e98a4043b74c923dfaa921448e676481af607",
} as const
