/**
 * Requests by status over time, kept in memory: a bounded ring of samples of the status
 * view's counts, one every `everyMs` (5 s by default, so the default 720 samples cover
 * the last hour). Nothing is stored on disk; a restarted gateway starts a new series,
 * which the operations page says. Pure: the sampler actor feeds it, tests feed it by hand.
 */
import type { RequestStatus } from "../domain/status.ts"

/** How often the sampler samples, by default. */
export const defaultSampleEveryMs = 5_000

/** Samples kept by default: one hour at one every 5 s. */
export const defaultSampleCapacity = 720

/** The counts of one moment. */
export interface StatusSample {
  /** Epoch ms. */
  readonly at: number
  readonly counts: Readonly<Record<RequestStatus, number>>
}

/** The ring and its bound. */
export interface StatusSeries {
  /** Adds a sample; past `capacity`, the oldest goes. A sample not later than the last replaces it (a clock step back never reorders the chart). */
  readonly add: (sample: StatusSample) => void
  /** The samples, oldest first. */
  readonly samples: () => readonly StatusSample[]
  readonly capacity: number
}

/** Makes an empty series holding at most `capacity` samples. */
export const makeStatusSeries = (capacity = defaultSampleCapacity): StatusSeries => {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a status series holds at least one sample; got ${capacity}`)
  const ring: StatusSample[] = new Array<StatusSample>(capacity)
  let start = 0
  let size = 0
  const last = (): StatusSample | undefined => (size === 0 ? undefined : ring[(start + size - 1) % capacity])
  return {
    capacity,
    add: (sample) => {
      const prev = last()
      if (prev !== undefined && sample.at <= prev.at) {
        ring[(start + size - 1) % capacity] = { ...sample, at: prev.at }
        return
      }
      if (size < capacity) {
        ring[(start + size) % capacity] = sample
        size += 1
      } else {
        ring[start] = sample
        start = (start + 1) % capacity
      }
    },
    samples: () => Array.from({ length: size }, (_, i) => ring[(start + i) % capacity] as StatusSample),
  }
}
