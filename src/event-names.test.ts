/**
 * The layout's rule "each actor has its `events.ts`, the table of its log event names; a
 * log line uses a name from it" (../shared/design/layout.md, "Habits"), checked on every
 * product file of `src/`, so a log line whose name is in no table fails `npm test` the
 * day it is written, naming the file, the line and the name:
 *
 * 1. every folder under `src/actors/` has an `events.ts` that exports a table;
 * 2. every log call (`log.info(…)`, `ctx.log.warn(…)`, `core.log.log(level, …)`) names its
 *    event with an entry of a table, `someEvents.key` (or `someEvents[tag]`), which the
 *    file imports from the `events.ts` that declares it. A string literal fails even
 *    when its text is in a table (the message says which entry to use), and so does any
 *    other expression: a name passed around in a variable can no longer be checked;
 * 3. no event name is declared twice, and every declared name is logged somewhere.
 *
 * A table is an exported `const` object in an `events.ts` whose entries are all string
 * literals (`started: "notifier.started"`). Work below the actors (src/execution/,
 * src/reads/, src/app/ …) keeps its table in its own folder's `events.ts`, since it may
 * not import an actor's files. A logger is whatever `.info/.warn/.error/.debug` is
 * called on, unless its name is in `notLoggers`; `.log(level, name, …)` counts when the
 * receiver is named like a logger (`log`, `logger`, `…Log`), which leaves out
 * `console.log`, `Effect.log` and `Math.log`.
 */
import { describe, expect, test } from "bun:test"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"

const root = import.meta.dir

/** Receivers of `.info/.warn/.error/.debug` that are not our Logger. */
const notLoggers: ReadonlySet<string> = new Set(["console", "Effect"])

/** Every product file (tests are left out: they log to check the logger itself). */
const productFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return productFiles(path)
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : []
  })

/** Words after which a `/` starts a regex literal rather than a division. */
const keywordsBeforeRegex = new Set(["return", "typeof", "case", "in", "of", "new", "delete", "void", "throw", "yield", "await", "else", "do"])

/**
 * `text` with its comments and the contents of its strings, template texts and regex
 * literals blanked (newlines and quotes kept, so offsets and lines still match): a
 * `log.info(` found in the result is code, not prose or a browser script held in a string.
 * With `keepStrings`, quoted strings are kept and only the rest is blanked.
 */
const codeOnly = (text: string, keepStrings = false): string => {
  /** Ranges [from, to) to blank. */
  const blanks: Array<readonly [number, number]> = []
  const blank = (from: number, to: number) => {
    if (to > from) blanks.push([from, to])
  }
  /** Open templates ("tpl") and substitutions (the brace depth their `${` opened at). */
  const stack: Array<"tpl" | number> = []
  let depth = 0
  const codeStop = /[/"'`{}]/g
  const templateStop = /[`\\$]/g
  /** The last significant character before `at`, and the word ending there. */
  const before = (at: number): { readonly ch: string; readonly word: string } => {
    let j = at - 1
    while (j >= 0 && /\s/.test(text[j] ?? "")) j--
    let k = j
    while (k >= 0 && /[\w$]/.test(text[k] ?? "")) k--
    return { ch: text[j] ?? "", word: text.slice(k + 1, j + 1) }
  }
  let i = 0
  while (i < text.length) {
    if (stack.at(-1) === "tpl") {
      templateStop.lastIndex = i
      const stop = templateStop.exec(text)
      const at = stop === null ? text.length : stop.index
      blank(i, at)
      const c = text[at]
      if (c === "\\") {
        blank(at, at + 2)
        i = at + 2
      } else if (c === "`") {
        stack.pop()
        i = at + 1
      } else if (c === "$" && text[at + 1] === "{") {
        stack.push(depth)
        depth++
        i = at + 2
      } else {
        blank(at, at + 1)
        i = at + 1
      }
      continue
    }
    codeStop.lastIndex = i
    const stop = codeStop.exec(text)
    if (stop === null) break
    i = stop.index
    const c = text[i]
    const d = text[i + 1]
    if (c === "/" && d === "/") {
      const end = text.indexOf("\n", i)
      const to = end === -1 ? text.length : end
      blank(i, to)
      i = to
    } else if (c === "/" && d === "*") {
      const end = text.indexOf("*/", i + 2)
      const to = end === -1 ? text.length : end + 2
      blank(i, to)
      i = to
    } else if (c === '"' || c === "'") {
      let j = i + 1
      while (j < text.length && text[j] !== c && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1
      if (!keepStrings) blank(i + 1, j)
      i = j + 1
    } else if (c === "`") {
      stack.push("tpl")
      i++
    } else if (c === "/") {
      const { ch, word } = before(i)
      if (!(ch === "" || "(,=:[!&|?{};+-*%<>~^".includes(ch) || keywordsBeforeRegex.has(word))) {
        i++
        continue
      }
      let j = i + 1
      let inClass = false
      while (j < text.length && text[j] !== "\n" && (inClass || text[j] !== "/")) {
        if (text[j] === "\\") j++
        else if (text[j] === "[") inClass = true
        else if (text[j] === "]") inClass = false
        j++
      }
      blank(i + 1, j)
      i = j + 1
    } else {
      if (c === "{") depth++
      else if (c === "}") {
        depth--
        if (stack.at(-1) === depth) stack.pop()
      }
      i++
    }
  }
  let out = ""
  let from = 0
  for (const [a, b] of blanks) {
    out += text.slice(from, a) + text.slice(a, b).replace(/[^\n]/g, " ")
    from = b
  }
  return out + text.slice(from)
}

/** The arguments of the call whose `(` is at `open`, as source text (`code` is `codeOnly(text)`). */
const argumentsAt = (text: string, code: string, open: number): string[] => {
  const args: string[] = []
  let depth = 0
  let start = open + 1
  for (let i = open + 1; i < code.length; i++) {
    const c = code[i]
    if (c === "(" || c === "[" || c === "{") depth++
    else if ((c === ")" || c === "]" || c === "}") && depth > 0) depth--
    else if (c === "," && depth === 0) {
      args.push(text.slice(start, i).trim())
      start = i + 1
    } else if (c === ")" && depth === 0) {
      const last = text.slice(start, i).trim()
      if (last !== "") args.push(last)
      return args
    }
  }
  return args
}

/** One log call: where it is, the logger it is made on, and its event argument as written. */
interface LogCall {
  readonly file: string
  readonly line: number
  readonly receiver: string
  readonly method: string
  readonly event: string | undefined
}

/** How a Logger is named where it is used: `log`, `ctx.log`, `logger`, `auditLog`. */
const loggerName = /^(log|logger|\w*Log|\w*Logger)$/

/** An event argument that reads a table: `someEvents.key`, or `someEvents[tag]` (any of its entries). */
const tableRef = /^([\w$]+)\s*(?:\.\s*([\w$]+)|\[[\s\S]+\])$/

/** Every call of `.info/.warn/.error/.debug` in `text`, and every `.log(…)` on a logger. */
const logCallsIn = (file: string, text: string): LogCall[] => {
  const code = codeOnly(text)
  const lineStarts = [...text.matchAll(/\n/g)].map((m) => m.index)
  const lineOf = (at: number) => lineStarts.filter((n) => n < at).length + 1
  const calls: LogCall[] = []
  for (const m of code.matchAll(/(?<!\.)\??\.(?!\.)\s*(info|warn|error|debug|log)\s*\(/g)) {
    const at = m.index
    const head = code.slice(Math.max(0, at - 200), at).trimEnd()
    const receiver = /[\w$]+$/.exec(head)?.[0] ?? head.slice(-1)
    const method = m[1] ?? ""
    if (method === "log" ? !loggerName.test(receiver) : notLoggers.has(receiver)) continue
    const args = argumentsAt(text, code, at + m[0].length - 1)
    calls.push({ file, line: lineOf(at), receiver, method, event: args[method === "log" ? 1 : 0] })
  }
  return calls
}

/** An events table: its exported name, the events.ts declaring it, and its entries. */
interface EventTable {
  readonly name: string
  readonly file: string
  readonly entries: ReadonlyMap<string, string>
}

/** The tables an `events.ts` exports: `export const x = { key: "name", … }` with only string entries. */
const tablesIn = (file: string, text: string): EventTable[] => {
  const code = codeOnly(text)
  const uncommented = codeOnly(text, true)
  const tables: EventTable[] = []
  for (const m of code.matchAll(/export const ([\w$]+)\s*(?::[^=]*)?=\s*\{/g)) {
    const open = m.index + m[0].length - 1
    let depth = 0
    let close = open
    for (let i = open; i < code.length; i++) {
      if (code[i] === "{") depth++
      else if (code[i] === "}" && --depth === 0) {
        close = i
        break
      }
    }
    // Split at the commas of the code (not those in strings or comments), then read each
    // part from the text with comments blanked: a table's every part is `key: "name"`.
    const bodyCode = code.slice(open + 1, close)
    const bodyText = uncommented.slice(open + 1, close)
    const parts: string[] = []
    let from = 0
    for (let i = 0; i <= bodyCode.length; i++)
      if (i === bodyCode.length || bodyCode[i] === ",") {
        if (bodyText.slice(from, i).trim() !== "") parts.push(bodyText.slice(from, i))
        from = i + 1
      }
    const entries = new Map<string, string>()
    for (const part of parts) {
      const e = /^\s*([\w$]+)\s*:\s*"([^"\\]*)"\s*$/.exec(part)
      if (e) entries.set(e[1] ?? "", e[2] ?? "")
    }
    if (entries.size > 0 && entries.size === parts.length) tables.push({ name: m[1] ?? "", file, entries })
  }
  return tables
}

/** Names a file imports from a relative module, mapped to the resolved path of that module. */
const importsOf = (file: string, text: string): Map<string, string> => {
  const names = new Map<string, string>()
  for (const m of text.matchAll(/^\s*import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*["'](\.{1,2}\/[^"']+)["']/gm)) {
    const target = resolve(dirname(file), m[2] ?? "")
    for (const part of (m[1] ?? "").split(",")) {
      const local = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/).at(-1)?.trim()
      if (local) names.set(local, target)
    }
  }
  return names
}

/** What is wrong with the log calls of `files` (path → text) against `tables`, one line each. */
const logCallProblems = (files: ReadonlyMap<string, string>, tables: readonly EventTable[], base: string): string[] => {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const entryOf = new Map<string, string>()
  for (const t of tables) for (const [key, name] of t.entries) entryOf.set(name, `${t.name}.${key} (${relative(base, t.file)})`)
  const problems: string[] = []
  for (const [file, text] of files) {
    const imported = importsOf(file, text)
    for (const call of logCallsIn(file, text)) {
      const where = `${relative(base, file)}:${call.line}`
      const event = call.event ?? ""
      if (!loggerName.test(call.receiver)) {
        problems.push(`${where}: .${call.method}(…) is called on \`${call.receiver}\`: name a Logger \`log\` (or \`…Log\`), or add \`${call.receiver}\` to notLoggers if it is not one`)
        continue
      }
      const literal = /^(["'`])(.*)\1$/s.exec(event)
      if (literal) {
        const entry = entryOf.get(literal[2] ?? "")
        problems.push(`${where}: event ${event} is a string: ${entry ? `use ${entry}` : "declare it in the events.ts of the actor or folder that logs it, and use that entry"}`)
        continue
      }
      const ref = tableRef.exec(event)
      const table = ref ? byName.get(ref[1] ?? "") : undefined
      if (ref === null || table === undefined) {
        problems.push(`${where}: event \`${event}\` is not an entry of an events table: log \`someEvents.key\` from an events.ts`)
        continue
      }
      if (imported.get(table.name) !== table.file) {
        problems.push(`${where}: \`${table.name}\` is not imported from ${relative(base, table.file)}, which declares it`)
        continue
      }
      if (ref[2] !== undefined && !table.entries.has(ref[2])) problems.push(`${where}: ${table.name} has no entry \`${ref[2]}\` (${relative(base, table.file)})`)
    }
  }
  return problems
}

const files = new Map(productFiles(root).map((f) => [f, readFileSync(f, "utf8")]))
const tables = [...files].filter(([f]) => f.endsWith("/events.ts")).flatMap(([f, text]) => tablesIn(f, text))
const calls = [...files].flatMap(([f, text]) => logCallsIn(f, text))

describe("log event names", () => {
  test("every actor has an events.ts that exports a table of its event names", () => {
    const actors = readdirSync(join(root, "actors")).filter((name) => statSync(join(root, "actors", name)).isDirectory())
    const without = actors.filter((a) => !tables.some((t) => t.file === join(root, "actors", a, "events.ts")))
    expect(without.map((a) => `src/actors/${a}/ has no events.ts exporting a table of the event names it logs`)).toEqual([])
  })

  test("every log call names its event with an entry of an events table", () => {
    expect(logCallProblems(files, tables, dirname(root))).toEqual([])
  })

  test("no event name is declared twice", () => {
    const seen = new Map<string, string>()
    const twice: string[] = []
    for (const t of tables)
      for (const [key, name] of t.entries) {
        const here = `${t.name}.${key} (${relative(dirname(root), t.file)})`
        const first = seen.get(name)
        if (first) twice.push(`${name} is declared by ${first} and by ${here}`)
        else seen.set(name, here)
      }
    expect(twice).toEqual([])
  })

  test("every declared event name is logged somewhere", () => {
    const used = new Set<string>()
    for (const c of calls) {
      const ref = tableRef.exec(c.event ?? "")
      const table = tables.find((t) => t.name === ref?.[1])
      if (table === undefined || ref === null) continue
      for (const key of ref[2] === undefined ? table.entries.keys() : [ref[2]]) used.add(`${table.name}.${key}`)
    }
    const unused = tables.flatMap((t) => [...t.entries.keys()].filter((k) => !used.has(`${t.name}.${k}`)).map((k) => `${t.name}.${k} (${relative(dirname(root), t.file)}) is logged nowhere: remove it, or log it`))
    expect(unused).toEqual([])
  })

  test("the checker sees the tables and the log calls (a guard against a scan that finds nothing)", () => {
    expect(tables.length).toBeGreaterThan(10)
    expect(calls.length).toBeGreaterThan(50)
  })

  test("the checker catches a literal, a variable, a missing entry and a table not imported", () => {
    const tableFile = "/x/src/actors/a/events.ts"
    const table = tablesIn(tableFile, 'export const aEvents = {\n  /** doc */\n  started: "a.started",\n  "quoted-key": 1,\n} as const\nexport const aEvents2 = {\n  ok: "a.ok",\n}\n')
    expect(table.map((t) => t.name)).toEqual(["aEvents2"])
    const okTable = tablesIn(tableFile, 'export const aEvents = {\n  started: "a.started", // a comment, {"x": 1}\n  stopped: "a.stopped",\n} as const\n')
    expect(okTable.map((t) => [...t.entries])).toEqual([[["started", "a.started"], ["stopped", "a.stopped"]]])
    const source = [
      'import { aEvents } from "./events.ts"',
      "// log.info(\"in a comment\") is no call",
      'const s = "log.warn(\\"in a string\\")"',
      "const re = /log.warn\\(\"x\"\\)/",
      "log.info(aEvents.started, { n: 1 })",
      'ctx.log.warn("a.started", { n: 2 })',
      'd.log.warn("a.unknown")',
      "core.log.log(level, name, {})",
      "log.error(aEvents.missing)",
      'const t = `${log.info(`a.${x}`)}`',
      'console.warn("fine"); Effect.log("fine"); Math.log(2)',
      'other.warn("x")',
      "core.log.log(up ? \"info\" : \"warn\", aEvents.stopped, {})",
    ].join("\n")
    const elsewhere = 'import { aEvents } from "../b/events.ts"\nlog.info(aEvents.started)\n'
    const problems = logCallProblems(new Map([["/x/src/actors/a/index.ts", source], ["/x/src/actors/a/other.ts", elsewhere]]), okTable, "/x")
    expect(problems).toEqual([
      "src/actors/a/index.ts:6: event \"a.started\" is a string: use aEvents.started (src/actors/a/events.ts)",
      "src/actors/a/index.ts:7: event \"a.unknown\" is a string: declare it in the events.ts of the actor or folder that logs it, and use that entry",
      "src/actors/a/index.ts:8: event `name` is not an entry of an events table: log `someEvents.key` from an events.ts",
      "src/actors/a/index.ts:9: aEvents has no entry `missing` (src/actors/a/events.ts)",
      "src/actors/a/index.ts:10: event `a.${x}` is a string: declare it in the events.ts of the actor or folder that logs it, and use that entry",
      "src/actors/a/index.ts:12: .warn(…) is called on `other`: name a Logger `log` (or `…Log`), or add `other` to notLoggers if it is not one",
      "src/actors/a/other.ts:2: `aEvents` is not imported from src/actors/a/events.ts, which declares it",
    ])
  })
})
