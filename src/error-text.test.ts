/**
 * One error table (../shared/design/style.md, habit 5): node and library errors are
 * classified only in `src/adapters/`, which turns them into tagged errors; everything
 * else matches on tags and fields. This scans every product file outside `src/adapters/`
 * and fails, naming file and line, when code matches on an error's message text.
 */
import { describe, expect, test } from "bun:test"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"

const root = import.meta.dir

/** Every product file outside `src/adapters/` (tests may look at messages to check them). */
const productFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return relative(root, path) === "adapters" ? [] : productFiles(path)
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : []
  })

/**
 * A line without its comment (doc-comment lines go entirely, `// ...` from where it
 * starts), and without `typeof x.message`, which asks for a type, not the text.
 */
const codeOf = (line: string): string => (/^\s*(\/\*|\*)/.test(line) ? "" : line.replace(/(^|\s)\/\/.*$/, "").replace(/typeof\s+[\w.?]+/g, "typeof _"))

const textSearch = "(includes|match|matchAll|startsWith|endsWith|search|indexOf|lastIndexOf)"

/** Ways of reading an error's text, each with what to say about it. */
const rules: ReadonlyArray<readonly [RegExp, string]> = [
  [new RegExp(`\\.(message|detail)\\b(\\??\\.\\w+\\(\\))*\\??\\.${textSearch}\\(`), "searches an error's message or detail"],
  [/\.(message|detail)\s*[!=]==?\s*("[^"]|'[^']|`[^`])/, "compares an error's message or detail with a text"],
  [/\/[^/\n]+\/[dgimsuy]*\.(test|exec)\([^)]*\b(message|detail|String\(|describe\()/, "tests a regex on an error's text"],
  [new RegExp(`\\b(String|describe|describeCause)\\(\\s*[\\w.]+\\s*\\)(\\.\\w+\\(\\))*\\.${textSearch}\\(`), "searches an error turned into text"],
]

/** Why a line of code matches on error text, or undefined. */
const errorTextProblem = (line: string): string | undefined => {
  const code = codeOf(line)
  return rules.find(([pattern]) => pattern.test(code))?.[1]
}

describe("one error table", () => {
  test("no code outside src/adapters/ matches on an error's message text", () => {
    const found = productFiles(root).flatMap((file) =>
      readFileSync(file, "utf8").split("\n").flatMap((line, i) => {
        const problem = errorTextProblem(line)
        return problem === undefined
          ? []
          : [`src/${relative(root, file)}:${i + 1} ${problem}: ${line.trim()}; classify the error in src/adapters/ (errors.ts, node-errors.ts, etcd-errors.ts, kafka-transaction-errors.ts) and match on its tag or a field it carries`]
      }))
    expect(found).toEqual([])
  })

  test("the scan sees what it looks for (a guard against patterns that match nothing)", () => {
    expect(errorTextProblem(`if (e.message.includes("nonce too low")) return`)).toBeDefined()
    expect(errorTextProblem(`const m = error.message.toLowerCase().match(/locked/)`)).toBeDefined()
    expect(errorTextProblem(`while: (e) => e.detail.includes(droppedMessage)`)).toBeDefined()
    expect(errorTextProblem(`const locked = e._tag === "SigningIncomplete" && /locked/i.test(e.message)`)).toBeDefined()
    expect(errorTextProblem(`if (String(err).includes("ECONNREFUSED")) retry()`)).toBeDefined()
    expect(errorTextProblem(`if (describe(cause).startsWith("Connection")) retry()`)).toBeDefined()
    expect(errorTextProblem(`if (e.message === "timeout") retry()`)).toBeDefined()
    expect(errorTextProblem(` * e.message.includes("x") in a doc comment`)).toBeUndefined()
    expect(errorTextProblem(`log.warn(events.failed, { detail: e.message })`)).toBeUndefined()
    expect(errorTextProblem(`const text = typeof e.message === "string" ? e.message : ""`)).toBeUndefined()
    expect(errorTextProblem(`return e.message === "" ? tag : e.message`)).toBeUndefined()
    expect(errorTextProblem(`if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return`)).toBeUndefined()
    expect(errorTextProblem(`hosts.filter((h) => h.roles.includes("producer"))`)).toBeUndefined()
    expect(productFiles(root).some((f) => relative(root, f).startsWith("adapters/"))).toBe(false)
    expect(productFiles(root).length).toBeGreaterThan(200)
  })
})
