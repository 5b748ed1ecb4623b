/**
 * The widget's shadow-DOM styles. Host pages theme it through custom properties on the
 * element (they inherit through the shadow boundary) and restyle pieces through ::part().
 */
export const widgetStyles = `
:host {
  --persona-accent: #3b5bdb;
  --persona-accent-foreground: #fff;
  --persona-background: #fff;
  --persona-foreground: #1c1e21;
  --persona-muted: #667085;
  --persona-surface: #f2f4f7;
  --persona-border: #d0d5dd;
  --persona-danger: #b42318;
  --persona-radius: 12px;
  --persona-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --persona-focus: var(--persona-accent);
  display: block;
  max-width: 36rem;
  color: var(--persona-foreground);
  font-family: var(--persona-font);
  font-size: 1rem;
  line-height: 1.45;
}
@media (prefers-color-scheme: dark) {
  :host {
    --persona-accent: #8ea2ff;
    --persona-accent-foreground: #0b1020;
    --persona-background: #15171c;
    --persona-foreground: #eceef2;
    --persona-muted: #a0a8b8;
    --persona-surface: #22252c;
    --persona-border: #3a3f4a;
    --persona-danger: #ff8a80;
  }
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.panel {
  display: grid;
  gap: .75rem;
  padding: 1rem;
  background: var(--persona-background);
  border: 1px solid var(--persona-border);
  border-radius: var(--persona-radius);
}
.status { font-size: .85rem; color: var(--persona-muted); display: flex; align-items: center; gap: .4rem; }
.status::before { content: ""; width: .55rem; height: .55rem; border-radius: 50%; background: var(--persona-muted); }
.status[data-state="connected"]::before { background: #12b76a; }
.status[data-state="reconnecting"]::before, .status[data-state="connecting"]::before { background: #f79009; }
.status[data-state="closed"]::before { background: var(--persona-danger); }
.error {
  color: var(--persona-danger);
  border: 1px solid currentColor;
  border-radius: calc(var(--persona-radius) / 2);
  padding: .5rem .75rem;
  font-size: .9rem;
}
.transcript { margin: 0; color: var(--persona-muted); min-height: 1.45em; }
.transcript[data-final="false"] { font-style: italic; }
.answer { min-height: 1.45em; white-space: pre-wrap; }
.sources { margin: 0; padding-left: 1.2rem; font-size: .85rem; color: var(--persona-muted); }
video { width: 100%; border-radius: calc(var(--persona-radius) / 2); background: #000; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
form { display: flex; gap: .5rem; flex: 1 1 14rem; }
input {
  flex: 1;
  min-width: 0;
  font: inherit;
  color: inherit;
  background: var(--persona-surface);
  border: 1px solid var(--persona-border);
  border-radius: calc(var(--persona-radius) / 2);
  padding: .5rem .75rem;
}
button {
  font: inherit;
  cursor: pointer;
  color: var(--persona-foreground);
  background: var(--persona-surface);
  border: 1px solid var(--persona-border);
  border-radius: calc(var(--persona-radius) / 2);
  padding: .5rem .9rem;
  touch-action: none;
  user-select: none;
}
button.primary, button[aria-pressed="true"] {
  color: var(--persona-accent-foreground);
  background: var(--persona-accent);
  border-color: var(--persona-accent);
}
button.link { background: none; border: none; padding: 0; color: var(--persona-muted); font-size: .85rem; text-decoration: underline; justify-self: start; }
button:focus-visible, input:focus-visible { outline: 3px solid var(--persona-focus); outline-offset: 2px; }
.timings { margin: 0; display: grid; grid-template-columns: auto auto; gap: .1rem 1rem; font-size: .85rem; color: var(--persona-muted); }
.timings dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (prefers-reduced-motion: no-preference) { button { transition: background-color .15s, color .15s; } }
`;
