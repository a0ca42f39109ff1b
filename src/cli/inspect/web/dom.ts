/** A tiny element builder. Text always goes in as text nodes: server-supplied strings never become HTML. */

type Child = Node | string | number | false | null | undefined
type Attributes = Record<string, string | number | boolean | undefined | EventListener>

/** Set as properties (the live state), not attributes (the initial one). */
const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected'])

/** `h('button', { class: 'primary', onclick: go }, 'Call')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value)
    else if (PROPERTIES.has(name)) (element as unknown as Record<string, unknown>)[name] = value
    else element.setAttribute(name, value === true ? '' : String(value))
  }
  append(element, children)
  return element
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)))
  }
}

/** Replaces an element's children. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren()
  append(parent, children)
}

/** Pretty JSON in a `<pre>`. */
export function jsonBlock(value: unknown, attributes: Attributes = {}): HTMLPreElement {
  return h('pre', { class: 'json', ...attributes }, JSON.stringify(value, null, 2) ?? 'undefined')
}
