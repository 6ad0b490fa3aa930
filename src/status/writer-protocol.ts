/**
 * The messages between a host and its status store writer thread (`store-writer.ts`),
 * and the shared memory the writer reports through: the last sequence number applied,
 * the sequence number of a message that failed (0: none), and that failure's reason (a
 * host waiting on the writer cannot receive messages, so the reason travels here too).
 */
import type { StatusRecord } from "../domain/status.ts"
import { statusFromText } from "../domain/wire.ts"

/** Slot of the last applied sequence number. */
export const progressSlot = 0
/** Slot of the sequence number whose write failed (0 while none has). */
export const failedSlot = 1
/** Slot of the failure reason's length in bytes. */
export const reasonLengthSlot = 2
/** Where the reason's UTF-8 bytes start, and how many fit. */
export const reasonOffset = 12
export const reasonBytes = 1024
/** The shared memory's size. */
export const sharedBytes = reasonOffset + reasonBytes

/**
 * Records travel to the writer as text, one record's JSON per line (JSON.stringify writes
 * no line breaks): cloning the records themselves cost the host's event loop 5% of its
 * time in an Ethereum drain, for a copy the writer would turn back into text anyway.
 */
export const recordLines = (texts: readonly string[]): string => texts.join("\n")

/** The texts of `recordLines`, each with its record. */
export const readRecordLines = (lines: string): { readonly records: StatusRecord[]; readonly texts: string[] } => {
  const texts = lines.split("\n")
  return { records: texts.map(statusFromText), texts }
}

/** One instruction to the writer; `seq` counts up from 1. */
export type WriterMessage = { readonly seq: number } & (
  | { readonly op: "open"; readonly path: string; readonly historyMax: number; readonly progress: SharedArrayBuffer }
  | { readonly op: "apply"; readonly lines: string }
  | { readonly op: "remove"; readonly ids: readonly string[] }
  | { readonly op: "position"; readonly topic: string; readonly partition: number; readonly next: string }
  | { readonly op: "close" }
)
