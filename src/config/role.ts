/**
 * The gateway roles a host can run. A role is what an operator assigns in
 * `[[hosts]].roles` or with `--role`; each role starts one or more actors.
 */

/**
 * Every gateway role, in the order a host starts them: the replica must hold
 * the etcd log before the registry-watcher can publish its leadership.
 */
export const ROLES = ["producer", "consumer", "replica", "registry-watcher"] as const

/** One gateway role; the config and `--role` accept only these names. */
export type Role = (typeof ROLES)[number]

/** Narrows a string to a Role, so argv and TOML text can be checked without casts. */
export const isRole = (value: string): value is Role => ROLES.some((role) => role === value)
