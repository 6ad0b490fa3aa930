/** Polling helpers for scenario tests that wait on a real system to reach a state. */

/**
 * Polls `probe` every 100 ms until it returns a value, and returns it; throws naming
 * `what` after `timeoutMs`.
 */
export const waitForValue = async <A>(what: string, probe: () => Promise<A | undefined>, timeoutMs: number): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const v = await probe()
    if (v !== undefined) return v
    await Bun.sleep(100)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}
