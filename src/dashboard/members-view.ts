/**
 * The replica set a service's leader published in the registry, for the service page and
 * its JSON: the member URLs, or why they could not be read (a registry deployed before
 * replica sets existed has no `getServiceMembers`; a node may be down). A failed read is
 * shown beside the record, never fatal to the page.
 */
import { Effect } from "effect"
import type { DashboardRegistry } from "./dashboard-deps.ts"
import { actionErrorAnswer } from "./dashboard-errors.ts"

/** The members, or null and the reason they could not be read. */
export type MembersView = { readonly members: ReadonlyArray<string> } | { readonly members: null; readonly members_error: string }

/** Reads `serviceId`'s published replica set. */
export const membersView = async (registry: DashboardRegistry, serviceId: string): Promise<MembersView> => {
  const read = await Effect.runPromise(Effect.result(registry.getMembers(serviceId)))
  return read._tag === "Success" ? { members: read.success } : { members: null, members_error: actionErrorAnswer(read.failure).body.message }
}
