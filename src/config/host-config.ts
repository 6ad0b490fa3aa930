/**
 * One `[[hosts]]` entry: a machine of the deployment, the gateway roles it
 * runs and the infrastructure it carries. The whole deployment is one file,
 * and each machine picks its entry with `--host`.
 */
import { listOf, NameString, NonEmptyString, oneOf, table } from "./field-schemas.ts"
import { ROLES } from "./role.ts"
import { SERVICES } from "./service.ts"

/** Schema of one `[[hosts]]` entry. */
export const HostConfigSchema = table("[[hosts]]", {
  name: NameString,
  address: NonEmptyString,
  roles: listOf(oneOf(ROLES), `roles (${ROLES.join(", ")})`),
  services: listOf(oneOf(SERVICES), `services (${SERVICES.join(", ")})`),
  nodes: listOf(NameString, "[[nodes]] names"),
})

/** Typed `[[hosts]]` entry; `nodes` are the node endpoints this host's consumers call. */
export type HostConfig = typeof HostConfigSchema.Type
