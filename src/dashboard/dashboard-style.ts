/**
 * The dashboard's stylesheet, embedded so the binary serves it with no files and no CDN.
 */

/** Served at `/dashboard/assets/dashboard.css`. */
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --ok: #2e7d32; --bad: #c62828; --muted: #777; --line: #8884; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; }
header { display: flex; flex-wrap: wrap; gap: .5rem 2rem; align-items: baseline; border-bottom: 1px solid var(--line); padding-bottom: .5rem; }
header h1 { font-size: 1.3rem; margin: 0; }
header h1 a { color: inherit; text-decoration: none; }
header .meta { color: var(--muted); font-size: .85rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
code, .mono { font-family: ui-monospace, monospace; font-size: .9em; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 0 2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
form { display: grid; gap: .4rem; margin: .5rem 0 1rem; padding: .75rem; border: 1px solid var(--line); border-radius: 6px; }
form label { display: grid; gap: .1rem; font-size: .9rem; }
input, button { font: inherit; padding: .3rem .5rem; }
button { cursor: pointer; justify-self: start; }
.result { font-size: .9rem; min-height: 1.2em; overflow-wrap: anywhere; }
.result[data-state="ok"] { color: var(--ok); }
.result[data-state="error"] { color: var(--bad); }
.banner { padding: .5rem .75rem; border-radius: 6px; border: 1px solid var(--bad); color: var(--bad); }
.hint { color: var(--muted); font-size: .85rem; margin: .2rem 0; }
#feed { list-style: none; padding: 0; margin: 0; }
#feed li { padding: .3rem 0; border-bottom: 1px solid var(--line); }
#feed li[data-removed="true"] { text-decoration: line-through; color: var(--muted); }
.tag { display: inline-block; min-width: 5.5rem; font-size: .8rem; font-weight: 600; text-transform: uppercase; }
.tag.claim { color: var(--bad); }
.tag.location { color: var(--ok); }
.pending { color: var(--muted); font-size: .8rem; }
`
