/**
 * Structured log lines: one JSON object per line on stderr, every line carrying the
 * host and, where there is one, the actor and partition. Fields are passed as data, so
 * a secret can only reach a log if someone names it as a field; nothing here formats
 * whole config objects or errors with their causes.
 */

/** The fields every line may carry besides its event name. */
export interface LogFields {
  readonly actor?: string
  readonly partition?: number
  readonly [field: string]: unknown
}

/** Severity, as operators filter it. */
export type LogLevel = "debug" | "info" | "warn" | "error"

/** Writes structured lines for one host. */
export interface Logger {
  readonly log: (level: LogLevel, event: string, fields?: LogFields) => void
  readonly info: (event: string, fields?: LogFields) => void
  readonly warn: (event: string, fields?: LogFields) => void
  readonly error: (event: string, fields?: LogFields) => void
  /** A logger whose lines all carry `actor`. */
  readonly forActor: (actor: string) => Logger
}

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

/** Makes a logger; `write` defaults to stderr so stdout stays free for command output. */
export const makeLogger = (
  host: string,
  options: { readonly minLevel?: LogLevel; readonly write?: (line: string) => void; readonly actor?: string } = {},
): Logger => {
  const minLevel = options.minLevel ?? "info"
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`))
  const log = (level: LogLevel, event: string, fields: LogFields = {}) => {
    if (order[level] < order[minLevel]) return
    const actor = fields.actor ?? options.actor
    write(JSON.stringify({ t: new Date().toISOString(), level, event, host, ...(actor ? { actor } : {}), ...fields }))
  }
  return {
    log,
    info: (event, fields) => log("info", event, fields),
    warn: (event, fields) => log("warn", event, fields),
    error: (event, fields) => log("error", event, fields),
    forActor: (actor) => makeLogger(host, { ...options, minLevel, write, actor }),
  }
}
