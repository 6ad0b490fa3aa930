/**
 * A tagged template for server-rendered HTML that escapes every interpolated value
 * unless it is already `Html` (a nested template). Service ids, locations and info are
 * written by whoever registers a service, so nothing reaches a page unescaped.
 */

/** Markup that is safe to insert as is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }

/** Escapes text for an element body or a quoted attribute value. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)

/** Nested templates and arrays of them go in as they are; null, undefined and false as nothing; the rest escaped. */
const render = (value: unknown): string => {
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return value.map(render).join("")
  if (value === undefined || value === null || value === false) return ""
  return escapeHtml(String(value))
}

/** `html\`<td>${location}</td>\`` with `location` escaped. */
export const html = (strings: TemplateStringsArray, ...values: ReadonlyArray<unknown>): Html =>
  new Html(strings.reduce((out, s, i) => out + render(values[i - 1]) + s))

/** Trusted markup or text from this program (the embedded script and style). */
export const trusted = (text: string): Html => new Html(text)
