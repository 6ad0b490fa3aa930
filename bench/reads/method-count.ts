/**
 * Node calls by method, from a counting proxy's `byMethod` (whose keys are
 * a call's method, or a batch's methods joined by commas). The gateway and
 * its executor share the proxies, so the bench counts the reads' own cost
 * by method name: the items of a read method, wherever they travelled, and
 * the HTTP requests that carried at least one.
 */
import type { ProxyStats } from "../paper/counting-proxy.ts"

/** The methods a balance read costs the node (the drain's own calls are other methods). */
export const READ_METHODS: ReadonlyArray<string> = ["eth_getBalance"]

/** JSON-RPC items of `methods` (a batch of 100 balances counts 100). */
export const methodItems = (byMethod: Readonly<Record<string, number>>, methods: ReadonlyArray<string> = READ_METHODS): number =>
  Object.entries(byMethod).reduce((sum, [key, count]) => sum + key.split(",").filter((m) => methods.includes(m)).length * count, 0)

/** HTTP requests that carried at least one item of `methods`. */
export const requestsCarrying = (byMethod: Readonly<Record<string, number>>, methods: ReadonlyArray<string> = READ_METHODS): number =>
  Object.entries(byMethod).reduce((sum, [key, count]) => sum + (key.split(",").some((m) => methods.includes(m)) ? count : 0), 0)

/** Every JSON-RPC item, whatever its method. */
export const allItems = (byMethod: Readonly<Record<string, number>>): number =>
  Object.entries(byMethod).reduce((sum, [key, count]) => sum + key.split(",").length * count, 0)

/** Sums a figure over the nodes' proxies. */
export const overNodes = (stats: Readonly<Record<string, ProxyStats>>, figure: (s: ProxyStats) => number): number =>
  Object.values(stats).reduce((sum, s) => sum + figure(s), 0)

/** Items of each method over every node, batches taken apart, most first. */
export const itemsByMethod = (stats: Readonly<Record<string, ProxyStats>>): Readonly<Record<string, number>> => {
  const out: Record<string, number> = {}
  for (const s of Object.values(stats)) for (const [key, count] of Object.entries(s.byMethod)) for (const m of key.split(",")) out[m] = (out[m] ?? 0) + count
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
}
