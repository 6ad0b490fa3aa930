/**
 * Which host entry this process is, when `--host` may be left out: the only
 * host of a one-host config, else the one named like this machine. Guessing
 * further would risk starting the wrong roles, so anything else is an error.
 */
import { Result } from "effect"
import type { GatewayConfig } from "./gateway-config.ts"
import { HostPlanError } from "./host-plan-error.ts"
import { unknownHost } from "./host-plan.ts"

/**
 * The host name to run as. `requested` is `--host` (checked against the file);
 * `machineName` is `os.hostname()`, passed in so tests need no real machine.
 */
export const resolveHostName = (
  config: GatewayConfig,
  requested: string | undefined,
  machineName: string,
): Result.Result<string, HostPlanError> => {
  const names = config.hosts.map((h) => h.name)
  if (requested !== undefined) {
    return names.includes(requested) ? Result.succeed(requested) : Result.fail(unknownHost(config, requested))
  }
  const only = names.length === 1 ? names[0] : undefined
  if (only !== undefined) return Result.succeed(only)
  const short = machineName.split(".")[0] ?? machineName
  const match = names.find((name) => name === machineName) ?? names.find((name) => name === short)
  if (match !== undefined) return Result.succeed(match)
  return Result.fail(
    new HostPlanError({
      problem: "host-not-chosen",
      message: `this machine (${machineName}) matches none of the ${names.length} hosts; pass --host NAME with one of: ${names.join(", ")}`,
    }),
  )
}
