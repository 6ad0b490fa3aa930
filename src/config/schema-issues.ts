/**
 * Turns Effect Schema's issue tree into flat `ConfigIssue`s. The default
 * formatter says `Expected "producer" | "consumer"`, with the path on a
 * separate line; walking the tree ourselves lets each line carry the TOML
 * key path, the `expected` annotation from field-schemas.ts and the value
 * actually found.
 */
import { type SchemaAST, SchemaIssue } from "effect"
import { type ConfigIssue, formatFound, formatKeyPath, type KeySegment } from "./config-issue.ts"
import { nearestName } from "./nearest-name.ts"

/** Every problem in `issue`, one per key path and rule, in file order. */
export const issuesFromSchema = (issue: SchemaIssue.Issue): ReadonlyArray<ConfigIssue> => {
  const seen = new Set<string>()
  return collect(issue, [], undefined).filter((found) => {
    const key = `${found.path}\u0000${found.expected}\u0000${found.found}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

const collect = (
  issue: SchemaIssue.Issue,
  path: ReadonlyArray<KeySegment>,
  ast: SchemaAST.AST | undefined,
): ReadonlyArray<ConfigIssue> => {
  switch (issue._tag) {
    case "Pointer": {
      const segments = issue.path.flatMap(toSegment)
      const child = segments.reduce<SchemaAST.AST | undefined>((parent, key) => childAst(parent, key), ast)
      return collect(issue.issue, [...path, ...segments], child)
    }
    case "Composite":
      return issue.issues.flatMap((inner) => collect(inner, path, issue.ast))
    case "AnyOf":
      if (annotatedExpected(issue.ast) === undefined && issue.issues.length > 0) {
        return issue.issues.flatMap((inner) => collect(inner, path, issue.ast))
      }
      return [leaf(path, describe(issue.ast), inputOf(issue))]
    case "Filter": {
      const expected = issue.filter.annotations?.expected
      return [leaf(path, typeof expected === "string" ? expected : describe(ast), inputOf(issue))]
    }
    case "Encoding":
      return collect(issue.issue, path, ast)
    case "InvalidType":
      return [leaf(path, describe(issue.ast), inputOf(issue))]
    case "InvalidValue": {
      const expected = issue.annotations?.expected
      return [leaf(path, typeof expected === "string" ? expected : describe(ast), inputOf(issue))]
    }
    case "MissingKey":
      return [leaf(path, describe(ast), undefined)]
    case "UnexpectedKey":
      return [unexpectedKey(path, issue.ast)]
    case "Forbidden":
    case "OneOf":
      return [leaf(path, describe(ast), inputOf(issue))]
  }
}

const leaf = (path: ReadonlyArray<KeySegment>, expected: string, found: unknown): ConfigIssue => ({
  path: formatKeyPath(path),
  expected,
  found: formatFound(found),
})

/** An unknown key: list the keys that are allowed there and suggest the nearest. */
const unexpectedKey = (path: ReadonlyArray<KeySegment>, parent: SchemaAST.AST): ConfigIssue => {
  const allowed = parent._tag === "Objects" ? parent.propertySignatures.map((p) => String(p.name)) : []
  const typed = String(path.at(-1) ?? "")
  const guess = nearestName(typed, allowed)
  return {
    path: formatKeyPath(path),
    expected: allowed.length > 0 ? `one of the keys ${allowed.join(", ")}` : "no key here",
    found: guess === undefined ? "an unknown key" : `an unknown key (did you mean ${guess}?)`,
  }
}

const toSegment = (key: PropertyKey): ReadonlyArray<KeySegment> =>
  typeof key === "symbol" ? [] : [key]

const inputOf = (issue: SchemaIssue.Issue): unknown =>
  SchemaIssue.hasInput(issue) ? issue.input : undefined

/** The schema of `key` inside `parent`, so a missing key can say what belongs there. */
const childAst = (parent: SchemaAST.AST | undefined, key: KeySegment): SchemaAST.AST | undefined => {
  if (parent === undefined) return undefined
  if (parent._tag === "Objects") return parent.propertySignatures.find((p) => p.name === key)?.type
  if (parent._tag === "Arrays") {
    return typeof key === "number" ? (parent.elements[key] ?? parent.rest[0]) : undefined
  }
  return undefined
}

const annotatedExpected = (ast: SchemaAST.AST | undefined): string | undefined => {
  const expected = ast?.annotations?.expected
  return typeof expected === "string" ? expected : undefined
}

/** What a schema node accepts, in operator's words; field-schemas.ts annotates nearly all. */
const describe = (ast: SchemaAST.AST | undefined): string => {
  const annotated = annotatedExpected(ast)
  if (annotated !== undefined) return annotated
  switch (ast?._tag) {
    case "String":
      return "a string"
    case "Number":
      return "a number"
    case "Boolean":
      return "true or false"
    case "Arrays":
      return "a list"
    case "Objects":
      return "a table"
    case "Literal":
      return JSON.stringify(ast.literal)
    default:
      return "a valid value"
  }
}
