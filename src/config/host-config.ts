/**
 * One `[[hosts]]` entry: a machine of the deployment, the gateway roles it
 * runs and the infrastructure it carries. The whole deployment is one file,
 * and each machine picks its entry with `--host`.
 */
import { Schema } from "effect"
import { HostPortString, listOf, NameString, NonEmptyString, oneOf, table } from "./field-schemas.ts"
import { ROLES } from "./role.ts"
import { SERVICES } from "./service.ts"

/** Schema of one `[[hosts]]` entry. */
export const HostConfigSchema = table("[[hosts]]", {
  name: NameString,
  address: NonEmptyString,
  roles: listOf(oneOf(ROLES), `roles (${ROLES.join(", ")})`),
  services: listOf(oneOf(SERVICES), `services (${SERVICES.join(", ")})`),
  nodes: listOf(NameString, "[[nodes]] names"),
  /** This host's replica listen, when several replicas share a machine; else `[replica].listen`. */
  replica_listen: Schema.optionalKey(HostPortString),
})

/** Typed `[[hosts]]` entry; `nodes` are the node endpoints this host's consumers call. */
export type HostConfig = typeof HostConfigSchema.Type
