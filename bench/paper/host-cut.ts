/**
 * Cutting one lab host off the others for a while, as `ip link set <veth> down` does
 * by hand (README, "The lab"): the host's veth end on the bridge is the one `scripts/lab
 * status` names, so taking it down leaves the host's processes running but unreachable,
 * like a machine whose switch port died. The cut is armed by the workload's first POST,
 * starts `afterMs` later and lasts `forMs`; its exact start and end are recorded, and
 * `restore` brings the link back whatever state the run is in.
 */
import { BenchFailed } from "../lib/bench-definition.ts"
import { ipOrThrow } from "../lib/netns.ts"
import type { LabPlan } from "../lab/lab-plan.ts"

/** `--cut-host none`: no cut. */
export const NO_CUT = "none"

/** The host to cut and its veth on the bridge. */
export interface CutTarget {
  readonly host: string
  readonly veth: string
}

/**
 * The host `name` of the config and its veth, or undefined for `none`. A name that is not
 * a `[[hosts]]` entry (the namespaces the lab adds for chain URLs are not) is an error
 * naming the hosts there are.
 */
export const chooseCut = (plan: Pick<LabPlan, "hosts">, name: string, configPath: string): CutTarget | undefined => {
  if (name === NO_CUT) return undefined
  const hosts = plan.hosts.filter((h) => h.fromConfig)
  const host = hosts.find((h) => h.name === name)
  if (host === undefined) {
    throw new BenchFailed({ reason: `--cut-host ${name} is not a host of ${configPath}; give one of ${hosts.map((h) => h.name).join(", ")}, or ${NO_CUT} for no cut` })
  }
  return { host: host.name, veth: host.hostVeth }
}

/** The cut as it happened: epoch ms of the link going down and coming back (null while it is still down). */
export interface CutWindow extends CutTarget {
  readonly startedAt: number
  readonly endedAt: number | null
}

/** Sets a link up or down; the real one runs `ip link set`. */
export type SetLink = (veth: string, state: "up" | "down") => void

const ipSetLink: SetLink = (veth, state) => {
  ipOrThrow(["link", "set", veth, state], (message) => new BenchFailed({ reason: `${message}; is this root, and is the lab up?` }))
}

/** A cut waiting to be armed, running, or over. */
export interface ScheduledCut {
  /** Starts the clock; later calls do nothing (every worker calls it before its POST). */
  readonly arm: () => void
  /** Resolves once the link is back up, at once when the cut was never armed; rejects when a link change failed. */
  readonly over: () => Promise<void>
  /** Cancels a cut not yet started and brings a cut link back up now. Safe to call twice. */
  readonly restore: () => void
  /** The cut so far, undefined before it started. */
  readonly window: () => CutWindow | undefined
}

/** What the cut tells its owner as it goes (a line for stderr, and the moment of each change). */
export interface CutHooks {
  readonly say: (line: string) => void
  readonly onChange?: (state: "down" | "up", at: number) => void
  readonly setLink?: SetLink
  readonly now?: () => number
}

/** Schedules a cut of `target` (none when undefined) `afterMs` after `arm`, lasting `forMs`. */
export const scheduleCut = (target: CutTarget | undefined, afterMs: number, forMs: number, hooks: CutHooks): ScheduledCut => {
  const setLink = hooks.setLink ?? ipSetLink
  const now = hooks.now ?? Date.now
  const ended = Promise.withResolvers<void>()
  // A failure must not become an unhandled rejection before anyone asks `over`.
  ended.promise.catch(() => undefined)
  let armed = false
  let window: CutWindow | undefined
  const timers: Array<ReturnType<typeof setTimeout>> = []

  const change = (t: CutTarget, state: "up" | "down"): boolean => {
    try {
      setLink(t.veth, state)
    } catch (error) {
      hooks.say(`cut: could not set ${t.veth} (${t.host}) ${state}: ${error instanceof Error ? error.message : String(error)}${state === "up" ? `; run 'ip link set ${t.veth} up' by hand` : ""}`)
      ended.reject(error)
      return false
    }
    const at = now()
    window = state === "down" ? { ...t, startedAt: at, endedAt: null } : window === undefined ? undefined : { ...window, endedAt: at }
    hooks.say(`cut: ${t.host} (${t.veth}) ${state === "down" ? `cut off for ${forMs / 1000} s` : "back on the bridge"}`)
    hooks.onChange?.(state, at)
    return true
  }
  const bringBack = () => {
    if (target !== undefined && window !== undefined && window.endedAt === null && change(target, "up")) ended.resolve()
  }

  return {
    arm: () => {
      if (armed) return
      armed = true
      if (target === undefined) {
        ended.resolve()
        return
      }
      timers.push(setTimeout(() => {
        if (change(target, "down")) timers.push(setTimeout(bringBack, forMs))
      }, afterMs))
    },
    over: () => (armed ? ended.promise : Promise.resolve()),
    restore: () => {
      for (const t of timers) clearTimeout(t)
      bringBack()
      ended.resolve()
    },
    window: () => window,
  }
}
