/**
 * Infrastructure a host carries next to (or instead of) gateway roles. The
 * gateway does not start these; they are listed so `gateway config check`
 * can show the whole layout, as the paper's Table 1 does.
 */

/** Every infrastructure service a host can list in `[[hosts]].services`. */
export const SERVICES = ["kafka-broker", "zookeeper", "etcd", "bitcoin-node", "ethereum-node"] as const

/** One infrastructure service name. */
export type Service = (typeof SERVICES)[number]
