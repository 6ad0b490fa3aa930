/**
 * The report `gateway config check` prints for a valid config: one row per
 * host (address, roles, actors, services) and a summary line to compare
 * with the intended layout, e.g. the paper's Table 1.
 */
import { actorLabel, type HostPlan, summarizeHostKinds } from "../config/index.ts"
import { textTable } from "./text-table.ts"

const list = (items: ReadonlyArray<string>): string => (items.length === 0 ? "-" : items.join(", "))

/** The lines of the report for the plans of every host in `file`. */
export const configReport = (file: string, plans: ReadonlyArray<HostPlan>): ReadonlyArray<string> => [
  `${file} is valid; each host runs:`,
  "",
  ...textTable(
    ["HOST", "ADDRESS", "ROLES", "ACTORS", "SERVICES"],
    plans.map((plan) => [plan.host, plan.address, list(plan.roles), list(plan.actors.map(actorLabel)), list(plan.services)]),
  ),
  "",
  summarizeHostKinds(plans),
]
