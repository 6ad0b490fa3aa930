/**
 * Processes a bench starts (gateways, anvils) must not outlive it. A guard
 * runs a synchronous cleanup (SIGKILL by pid) when the bench is interrupted
 * (SIGINT, SIGTERM) or exits before the guard is released; the normal path
 * stops its processes itself and then releases the guard.
 */

/** Registers `cleanup`; call the returned function to release it once the processes are stopped. */
export const guardInterrupt = (cleanup: () => void): (() => void) => {
  let done = false
  const run = () => {
    if (done) return
    done = true
    cleanup()
  }
  const onSignal = (signal: NodeJS.Signals) => {
    run()
    // process.exit fires every other guard's "exit" listener, so all of them clean up.
    process.exit(signal === "SIGINT" ? 130 : 143)
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  process.on("exit", run)
  return () => {
    done = true
    process.off("SIGINT", onSignal)
    process.off("SIGTERM", onSignal)
    process.off("exit", run)
  }
}
