/**
 * Treats "the process that started this one is gone" as SIGTERM, for gateways that a
 * test or bench spawns (`GATEWAY_EXIT_WITH_PARENT=1`). A runner killed with SIGKILL, or
 * a CI job cancelled, cannot stop its children; a gateway left behind keeps its ports,
 * its consumer-group membership and its node calls, and the next run meets it. When the
 * parent dies the kernel hands the child to another process (init or a subreaper), so
 * `process.ppid` changes: Bun reads it afresh on each access. The handlers registered for
 * SIGTERM then run once, and the host drains as it would on the signal.
 */
import type { SignalSource } from "./drain.ts"

/** How often the parent is looked for, in ms. */
export const parentCheckMs = 1_000

/** What `exitWithParent` reads and tells. */
export interface ParentWatchOptions {
  /** The parent's pid now; defaults to `process.ppid`. */
  readonly ppid?: () => number
  readonly everyMs?: number
  /** Called once when the parent is gone, with its pid and the new parent's, before the SIGTERM handlers. */
  readonly onGone?: (parent: number, adoptedBy: number) => void
}

/** `signals`, plus a SIGTERM when the parent process is gone. The check's timer never keeps the process alive. */
export const exitWithParent = (signals: SignalSource, options: ParentWatchOptions = {}): SignalSource => {
  const ppid = options.ppid ?? (() => process.ppid)
  const parent = ppid()
  const onTerm = new Set<() => void>()
  const timer = setInterval(() => {
    const now = ppid()
    if (now === parent) return
    clearInterval(timer)
    options.onGone?.(parent, now)
    for (const handler of [...onTerm]) handler()
  }, options.everyMs ?? parentCheckMs)
  timer.unref?.()
  return {
    on: (signal, handler) => {
      if (signal === "SIGTERM") onTerm.add(handler)
      signals.on(signal, handler)
    },
    off: (signal, handler) => {
      if (signal === "SIGTERM") onTerm.delete(handler)
      signals.off(signal, handler)
    },
  }
}
