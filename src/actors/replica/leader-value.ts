/**
 * The value a replica campaigns with and, once elected, publishes in the leader key:
 * which node, which incarnation of it, and where clients reach it. The incarnation is
 * random per session, so two campaigns of the same host never share a value (etcd3's
 * election observer misses a failover when they do, and so would anyone comparing values).
 */
import { randomBytes } from "node:crypto"

/** Who leads, as stored in the leader key. */
export interface LeaderValue {
  readonly node: string
  readonly incarnation: string
  /** Where clients reach this replica's service, e.g. `http://127.0.0.1:8090`. */
  readonly location: string
}

/** A fresh random incarnation id. */
export const newIncarnation = (): string => randomBytes(6).toString("hex")

/** The stored form of a leader value. */
export const encodeLeaderValue = (v: LeaderValue): string => JSON.stringify({ node: v.node, incarnation: v.incarnation, location: v.location })

/** The leader value stored as `text`, or undefined when it is not one. */
export const decodeLeaderValue = (text: string): LeaderValue | undefined => {
  try {
    const v: unknown = JSON.parse(text)
    if (typeof v !== "object" || v === null) return undefined
    const { node, incarnation, location } = v as Record<string, unknown>
    return typeof node === "string" && typeof incarnation === "string" && typeof location === "string" ? { node, incarnation, location } : undefined
  } catch {
    return undefined
  }
}
