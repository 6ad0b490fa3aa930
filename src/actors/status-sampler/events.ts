/** What the status sampler logs: its event names, declared once. */

/** Event names this actor logs. */
export const statusSamplerEvents = {
  sampleFailed: "status-sampler.sample-failed",
} as const
