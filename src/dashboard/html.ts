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

/** What a whole page's frame is made of; every value is escaped but `header`. */
export interface HtmlDocument {
  /** The `<title>`, e.g. `Services · Service Registry Dashboard`. */
  readonly title: string
  readonly stylesheet: string
  readonly script: string
  /** `data-*` attributes of `<body>`, which tell the page's script where it is. */
  readonly data: Readonly<Record<string, string | number | undefined>>
  readonly header: Html
}

/** A whole HTML document: the head with its stylesheet and script, the body's data attributes, the header and `content`. */
export const htmlDocument = (doc: HtmlDocument, content: Html): Html => {
  const data = Object.entries(doc.data).map(([name, value]) => html` data-${name}="${value ?? ""}"`)
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.title}</title>
<link rel="stylesheet" href="${doc.stylesheet}">
<script src="${doc.script}" defer></script>
</head>
<body${data}>
<header>
${doc.header}
</header>
<main>
${content}
</main>
</body>
</html>
`
}
