/**
 * The layout's import rules (../shared/design/layout.md, "Folders, from the bottom up"),
 * checked on every product file of `src/`, so a circle or an import that reaches up
 * fails `npm test` the day it is written, naming the file and the rule:
 *
 * 1. a folder imports only folders below it (the ranks below, bottom first);
 * 2. an actor reaches another actor only through that actor's `index.ts`;
 * 3. actors do not import each other in a circle;
 * 4. product code imports no test code: no `*.test.ts`, no `*.fixture.ts` (a test helper
 *    beside the code it sets up) and nothing of `test/` (the scenarios and their helpers).
 *
 * Where the layout's table is silent, the rank here says where a folder sits:
 * `registry` (the ServiceRegistry client) beside `kafka`, `webhooks` (the webhooks
 * topic's records and book) and `reads` (the read front, whose answers the intake's read
 * routes serve) beside `status`, `dashboard` and `client` above the actors and below `app`. The table
 * gives `cli` only `app/`; here `cli` is the top and may import anything below it, since
 * its client commands use the SDKs directly; that looser rule is deliberate.
 */
import { describe, expect, test } from "bun:test"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"

const root = import.meta.dir

/** Bottom first; a folder may import folders of a lower rank (and its own files). */
const ranks: Readonly<Record<string, number>> = {
  domain: 0,
  observability: 1,
  config: 2,
  runtime: 3,
  adapters: 4,
  host: 5,
  kafka: 6,
  registry: 6,
  status: 7,
  webhooks: 7,
  reads: 7,
  intake: 8,
  execution: 9,
  actors: 10,
  dashboard: 11,
  client: 11,
  app: 12,
  cli: 13,
}

/** A test, a fixture, or a file of `test/`: code that only tests run. */
const isTestCode = (path: string): boolean =>
  path.endsWith(".test.ts") || path.endsWith(".fixture.ts") || !relative(join(root, "..", "test"), path).startsWith("..")

/** Every product file (tests and fixtures are left out: they may reach anywhere to set things up). */
const productFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return productFiles(path)
    return path.endsWith(".ts") && !isTestCode(path) ? [path] : []
  })

/** The relative module specifiers a file imports or re-exports, static or dynamic. */
const specifiersOf = (text: string): string[] => [
  ...[...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["'](\.{1,2}\/[^"']+)["']/gm)].map((m) => m[1] ?? ""),
  ...[...text.matchAll(/\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)].map((m) => m[1] ?? ""),
]

/** `actors/<name>` for an actor's files, else the top folder under src (undefined outside src). */
const unitOf = (path: string): string | undefined => {
  const parts = relative(root, path).split("/")
  if (parts[0] === ".." || parts.length < 2) return undefined
  return parts[0] === "actors" && parts.length > 2 ? `actors/${parts[1]}` : parts[0]
}

const rankOf = (unit: string): number | undefined => ranks[unit.startsWith("actors/") ? "actors" : unit]

interface Edge {
  readonly file: string
  readonly target: string
  readonly from: string
  readonly to: string
}

const edges: Edge[] = productFiles(root).flatMap((file) =>
  specifiersOf(readFileSync(file, "utf8")).flatMap((spec) => {
    const target = resolve(dirname(file), spec)
    const from = unitOf(file)
    const to = unitOf(target)
    return from === undefined || to === undefined || from === to ? [] : [{ file: relative(root, file), target: relative(root, target), from, to }]
  }),
)

describe("import rules of the layout", () => {
  test("every folder of src/ has a rank", () => {
    const folders = readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory())
    expect(folders.filter((f) => ranks[f] === undefined)).toEqual([])
  })

  test("imports go down: a folder imports only folders below it", () => {
    const upward = edges
      .filter((e) => {
        const a = rankOf(e.from)
        const b = rankOf(e.to)
        return a !== undefined && b !== undefined && b >= a && !(e.from.startsWith("actors/") && e.to.startsWith("actors/"))
      })
      .map((e) => `${e.file} imports ${e.target}: ${e.from} (rank ${rankOf(e.from)}) may not import ${e.to} (rank ${rankOf(e.to)}); move the shared code down, or declare the interface below and provide it from above`)
    expect(upward).toEqual([])
  })

  test("an actor reaches another actor only through its index.ts", () => {
    const past = edges
      .filter((e) => e.to.startsWith("actors/") && !e.target.endsWith(`${e.to}/index.ts`))
      .map((e) => `${e.file} imports ${e.target}: import ${e.to}/index.ts instead, and export what is needed from there`)
    expect(past).toEqual([])
  })

  test("actors import each other without circles", () => {
    const next = new Map<string, Set<string>>()
    for (const e of edges) if (e.from.startsWith("actors/") && e.to.startsWith("actors/")) next.set(e.from, new Set([...(next.get(e.from) ?? []), e.to]))
    const circles: string[] = []
    const walk = (unit: string, path: readonly string[]) => {
      for (const to of next.get(unit) ?? []) {
        if (path.includes(to)) circles.push([...path.slice(path.indexOf(to)), to].join(" -> "))
        else walk(to, [...path, to])
      }
    }
    for (const unit of next.keys()) walk(unit, [unit])
    expect(circles).toEqual([])
  })

  test("product code imports no test code: no test, no fixture, nothing of test/", () => {
    const reaching = productFiles(root).flatMap((file) =>
      specifiersOf(readFileSync(file, "utf8"))
        .map((spec) => resolve(dirname(file), spec))
        .filter(isTestCode)
        .map((target) => `${relative(root, file)} imports ${relative(root, target)}: product code may not depend on test code; move what both need into the product folder`),
    )
    expect(reaching).toEqual([])
    expect([join(root, "a.test.ts"), join(root, "intake", "a.fixture.ts"), join(root, "..", "test", "support", "a.ts")].every(isTestCode)).toBe(true)
    expect(isTestCode(join(root, "intake", "intake-app.ts"))).toBe(false)
  })

  test("the checker sees imports (a guard against a regex that matches nothing)", () => {
    expect(edges.length).toBeGreaterThan(200)
    expect(specifiersOf('import type { A } from "../a.ts"\nexport { b } from "./b.ts"\nconst c = await import("../c.ts")')).toEqual(["../a.ts", "./b.ts", "../c.ts"])
  })
})
