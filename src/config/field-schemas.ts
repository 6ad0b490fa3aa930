/**
 * Reusable schemas for config values. Each one carries an `expected`
 * annotation written for an operator ("an integer >= 1", "host:port"), and
 * the issue walker prints that text verbatim, so every error names the rule
 * in the config's own terms instead of a TypeScript type.
 *
 * Annotate before `.check(...)`: in Effect 4 an annotation added after a
 * check lands on that check, not on the value's schema, and a wrong type
 * ("12" for a number) would then be described as plain "a number".
 */
import { Schema } from "effect"

/** A number that must pass `ok`; one filter, so one issue per bad value. */
const checkedNumber = (expected: string, ok: (n: number) => boolean) =>
  Schema.Number.annotate({ expected }).check(Schema.makeFilter((n: number) => ok(n), { expected }))

/** A string that must pass `ok`, described to the operator as `expected`. */
const checkedString = (expected: string, ok: (s: string) => boolean) =>
  Schema.String.annotate({ expected }).check(Schema.makeFilter((s: string) => ok(s), { expected }))

/** Counts, sizes and durations: whole numbers with a lower bound. */
export const intAtLeast = (min: number) =>
  checkedNumber(`an integer >= ${min}`, (n) => Number.isSafeInteger(n) && n >= min)

/** Text that must not be empty (ids, group names, accounts). */
export const NonEmptyString = checkedString("a non-empty string", (s) => s.trim().length > 0)

/** Host and node names: they appear in logs, metrics and `--host`, so no spaces. */
export const NameString = checkedString(
  "a name of letters, digits, '.', '_' or '-' (e.g. broker-1)",
  (s) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s),
)

/** A listen or broker address; a port is required because nothing has a safe default. */
export const HostPortString = checkedString("host:port (e.g. 127.0.0.1:8080)", (s) => {
  const match = /^([^\s:/]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(s)
  const port = Number(match?.[2])
  return match !== null && port >= 1 && port <= 65535
})

/** An HTTP endpoint (etcd, JSON-RPC); other schemes would fail at connect time, later and vaguer. */
export const HttpUrlString = checkedString("an http:// or https:// URL (e.g. http://127.0.0.1:8545)", (s) => {
  if (!URL.canParse(s)) return false
  const protocol = new URL(s).protocol
  return protocol === "http:" || protocol === "https:"
})

/** Secrets are never written in the config; it names the variable that holds them. */
export const EnvVarName = checkedString(
  "an environment variable name of capital letters, digits and _ (e.g. GATEWAY_API_KEYS)",
  (s) => /^[A-Z_][A-Z0-9_]*$/.test(s),
)

/** Kafka's own topic-name rule, checked here so a typo fails before the broker sees it. */
export const TopicName = checkedString(
  "a Kafka topic name of letters, digits, '.', '_' or '-', at most 249 characters",
  (s) => /^[A-Za-z0-9._-]{1,249}$/.test(s),
)

/** The ServiceRegistry address, empty until `gateway contracts deploy` has written one. */
export const ContractAddress = checkedString(
  `"" (before gateway contracts deploy has run) or a 0x address of 40 hex digits`,
  (s) => s === "" || /^0x[0-9a-fA-F]{40}$/.test(s),
)

/** TOML booleans only: "yes" or 1 would be a silent surprise. */
export const Bool = Schema.Boolean.annotate({ expected: "true or false" })

/** A closed set of words, listed in full in the error so the fix is visible. */
export const oneOf = <const L extends ReadonlyArray<string>>(values: L) =>
  Schema.Literals(values).annotate({ expected: `one of ${values.join(", ")}` })

/** A setting that is only configurable to make the rule visible; `why` goes into the error. */
export const exactly = <const L extends string | boolean>(value: L, why: string) =>
  Schema.Literal(value).annotate({ expected: `${JSON.stringify(value)} (${why})` })

/** A TOML array whose items are described as `items` ("roles", "broker addresses"). */
export const listOf = <S extends Schema.Top>(item: S, items: string) =>
  Schema.Array(item).annotate({ expected: `a list of ${items}` })

/** A TOML array that must hold at least one item (brokers, endpoints, hosts). */
export const nonEmptyListOf = <S extends Schema.Top>(item: S, items: string) => {
  const expected = `a non-empty list of ${items}`
  return Schema.Array(item)
    .annotate({ expected })
    .check(Schema.makeFilter((list: ReadonlyArray<unknown>) => list.length > 0, { expected }))
}

/** A TOML table (`[name]`); `title` is how the operator writes its header. */
export const table = <F extends Schema.Struct.Fields>(title: string, fields: F) => {
  const article = /^\[*[aeiou]/i.test(title) ? "an" : "a"
  return Schema.Struct(fields).annotate({ expected: `${article} ${title} table` })
}
