/**
 * The names and addresses of one failover lab, as pure data: a bridge in the root
 * namespace with the first address of a private /24 (10.77.<subnet>.0/24), one network
 * namespace per node (a veth pair from the bridge into it) and one more namespace for
 * the Ethereum node. Every name starts with `gwfo<subnet>`, so a lab owns exactly the
 * interfaces and namespaces with its prefix and never touches another interface.
 */
import type { NetnsHost } from "../lib/netns.ts"

/** The second octet-pair of every lab address: 10.77.x.y. */
export const LAB_NET = "10.77"

/** Subnets a lab may take (10.77.<n>.0/24); tests and benches pick a free one. */
export const LAB_SUBNETS: readonly [first: number, last: number] = [1, 99]

/** One namespace of the lab: `n1` .. `n6` for nodes (also the gateway host name), `chain` for the Ethereum node. */
export type LabHost = NetnsHost

/** The whole lab. */
export interface LabLayout {
  readonly subnet: number
  /** Prefix of every name the lab owns. */
  readonly prefix: string
  readonly bridge: string
  /** The bridge's address: the root namespace (the bench, its clients) reaches the lab here. */
  readonly bridgeAddress: string
  readonly prefixLength: 24
  readonly nodes: ReadonlyArray<LabHost>
  readonly chain: LabHost
}

const host = (prefix: string, subnet: number, name: string, index: number, octet: number): LabHost => ({
  name,
  netns: `${prefix}-${name}`,
  hostVeth: `${prefix}h${index}`,
  innerVeth: `${prefix}p${index}`,
  address: `${LAB_NET}.${subnet}.${octet}`,
})

/** The lab on 10.77.<subnet>.0/24 with `nodeCount` nodes (addresses .11, .12, ...; the chain is .100). */
export const labLayout = (subnet: number, nodeCount: number): LabLayout => {
  if (!Number.isInteger(subnet) || subnet < LAB_SUBNETS[0] || subnet > LAB_SUBNETS[1]) throw new RangeError(`lab subnet ${subnet} is outside ${LAB_SUBNETS[0]}..${LAB_SUBNETS[1]}`)
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 50) throw new RangeError(`lab node count ${nodeCount} is outside 1..50`)
  const prefix = `gwfo${subnet}`
  return {
    subnet,
    prefix,
    bridge: `${prefix}br`,
    bridgeAddress: `${LAB_NET}.${subnet}.1`,
    prefixLength: 24,
    nodes: Array.from({ length: nodeCount }, (_, i) => host(prefix, subnet, `n${i + 1}`, i + 1, 11 + i)),
    chain: host(prefix, subnet, "chain", 0, 100),
  }
}

/** Every namespace of the lab, nodes first. */
export const labHosts = (layout: LabLayout): ReadonlyArray<LabHost> => [...layout.nodes, layout.chain]

/** The subnet of a lab-owned name (`gwfo7-n1` → 7), or undefined for any other name. */
export const subnetOfName = (name: string): number | undefined => {
  const m = /^gwfo(\d{1,2})(?:br$|[hp]\d+$|-)/.exec(name)
  return m === null ? undefined : Number(m[1])
}
