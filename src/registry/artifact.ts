/**
 * The compiled ServiceRegistry, imported from the committed artifact so the gateway
 * binary carries its ABI and bytecode and never reads a file or runs a compiler.
 * `bun scripts/compile-contracts.ts` rewrites the artifact; its test fails when the
 * artifact no longer matches contracts/ServiceRegistry.sol.
 */
import { makeContractCodec } from "../adapters/ethereum.ts"
import artifact from "../../contracts/build/ServiceRegistry.json" with { type: "json" }

/** The contract's JSON ABI. */
export const SERVICE_REGISTRY_ABI: ReadonlyArray<unknown> = artifact.abi

/** Creation code, without constructor arguments. */
export const SERVICE_REGISTRY_BYTECODE: string = artifact.bytecode

/** Runtime code, to check that an address really holds this contract. */
export const SERVICE_REGISTRY_RUNTIME: string = artifact.deployedBytecode

/** Which compiler and settings produced the bytecode, for `gateway contracts` output. */
export const SERVICE_REGISTRY_BUILD = { compiler: artifact.compiler, evmVersion: artifact.settings.evmVersion } as const

/** Encodes calls to, and decodes answers, reverts and logs from, the registry. */
export const registryCodec = makeContractCodec(SERVICE_REGISTRY_ABI)
