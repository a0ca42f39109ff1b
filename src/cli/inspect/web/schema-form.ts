/**
 * A form generated from a JSON Schema (tool input schemas, elicitation forms): nested objects,
 * arrays, enums, defaults, required fields; `$ref` to local definitions; anything the form
 * cannot express (unions, tuples) becomes a JSON field of its own.
 */
import { h } from './dom.js'

export type JsonSchema = {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  default?: unknown
  description?: string
  title?: string
  format?: string
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  $ref?: string
  $defs?: Record<string, JsonSchema>
  definitions?: Record<string, JsonSchema>
  minimum?: number
  maximum?: number
  [key: string]: unknown
}

/** What an editor reads: a value, or nothing (an empty optional field), plus problems by path. */
export interface Reading {
  present: boolean
  value?: unknown
  problems: string[]
}

export interface Editor {
  element: HTMLElement
  read(): Reading
}

const MAX_DEPTH = 12

/** Follows a local `$ref` (`#/$defs/X`, `#/definitions/X`). */
function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema
  for (let hops = 0; current.$ref && hops < 20; hops++) {
    const path = current.$ref.replace(/^#\//, '').split('/').map(decodeURIComponent)
    let target: unknown = root
    for (const key of path) target = (target as Record<string, unknown> | undefined)?.[key]
    if (typeof target !== 'object' || target === null) return {}
    const { $ref: _ref, ...rest } = current
    current = { ...(target as JsonSchema), ...rest }
  }
  return current
}

/** The one type a field edits: `["string", "null"]` and `anyOf: [T, {type: null}]` edit T. */
function typeOf(schema: JsonSchema): { type: string | undefined; schema: JsonSchema } {
  const union = schema.anyOf ?? schema.oneOf
  if (union) {
    const others = union.filter((s) => s.type !== 'null')
    if (others.length === 1) return typeOf({ ...others[0], ...without(schema, ['anyOf', 'oneOf']) })
    return { type: undefined, schema }
  }
  const type = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null') : [schema.type]
  if (type.length !== 1) return { type: undefined, schema }
  if (schema.enum || schema.const !== undefined) return { type: 'enum', schema }
  return { type: type[0] ?? (schema.properties ? 'object' : undefined), schema }
}

function without(schema: JsonSchema, keys: string[]): JsonSchema {
  const copy = { ...schema }
  for (const key of keys) delete copy[key]
  return copy
}

/** An editor for `schema`; `name` is its path in problems (`filters.tags[2]`). */
export function editorFor(
  input: JsonSchema,
  context: { root: JsonSchema; name: string; required: boolean; depth?: number },
): Editor {
  const depth = context.depth ?? 0
  const resolved = resolve(input, context.root)
  const { type, schema } = depth > MAX_DEPTH ? { type: undefined, schema: resolved } : typeOf(resolved)
  const name = context.name
  switch (type) {
    case 'object':
      if (schema.properties) return objectEditor(schema, { ...context, depth })
      break
    case 'array':
      if (schema.items && !Array.isArray(schema.items)) return arrayEditor(schema, { ...context, depth })
      break
    case 'enum':
      return enumEditor(schema, context)
    case 'boolean':
      return booleanEditor(schema, context)
    case 'number':
    case 'integer':
      return numberEditor(schema, { ...context, integer: type === 'integer' })
    case 'string':
      return stringEditor(schema, context)
  }
  return jsonEditor(schema, { name, required: context.required })
}

function objectEditor(
  schema: JsonSchema,
  context: { root: JsonSchema; name: string; required: boolean; depth: number },
): Editor {
  const required = new Set(schema.required ?? [])
  const fields = Object.entries(schema.properties ?? {}).map(([key, property]) => {
    const editor = editorFor(property, {
      root: context.root,
      name: context.name ? `${context.name}.${key}` : key,
      required: required.has(key),
      depth: context.depth + 1,
    })
    const resolved = resolve(property, context.root)
    const label = h(
      'label',
      { class: 'field', 'data-field': context.name ? `${context.name}.${key}` : key },
      h(
        'span',
        { class: 'field-name' },
        key,
        required.has(key) ? h('span', { class: 'required', title: 'required' }, ' *') : '',
      ),
      resolved.description ? h('span', { class: 'hint' }, resolved.description) : '',
      editor.element,
    )
    return { key, editor, label }
  })
  const element =
    context.depth === 0
      ? h('div', { class: 'object' }, ...fields.map((f) => f.label))
      : h('fieldset', { class: 'object' }, ...fields.map((f) => f.label))
  return {
    element,
    read() {
      const value: Record<string, unknown> = {}
      const problems: string[] = []
      for (const { key, editor } of fields) {
        const reading = editor.read()
        problems.push(...reading.problems)
        if (reading.present) value[key] = reading.value
      }
      const present = context.required || Object.keys(value).length > 0
      return { present, value, problems }
    },
  }
}

function arrayEditor(
  schema: JsonSchema,
  context: { root: JsonSchema; name: string; required: boolean; depth: number },
): Editor {
  const items: Editor[] = []
  const list = h('div', { class: 'array-items' })
  const add = (initial?: unknown) => {
    const itemSchema =
      initial === undefined
        ? (schema.items as JsonSchema)
        : { ...(schema.items as JsonSchema), default: initial }
    const editor = editorFor(itemSchema, {
      root: context.root,
      name: `${context.name}[${items.length}]`,
      required: true,
      depth: context.depth + 1,
    })
    items.push(editor)
    const row = h(
      'div',
      { class: 'array-item' },
      editor.element,
      h(
        'button',
        {
          type: 'button',
          class: 'remove',
          title: 'remove this item',
          onclick: () => {
            items.splice(items.indexOf(editor), 1)
            row.remove()
          },
        },
        '×',
      ),
    )
    list.appendChild(row)
  }
  if (Array.isArray(schema.default)) for (const value of schema.default) add(value)
  const element = h(
    'div',
    { class: 'array' },
    list,
    h('button', { type: 'button', class: 'add', onclick: () => add() }, '+ item'),
  )
  return {
    element,
    read() {
      const readings = items.map((e) => e.read())
      return {
        present: context.required || items.length > 0,
        value: readings.map((r) => r.value),
        problems: readings.flatMap((r) => r.problems),
      }
    },
  }
}

function enumEditor(schema: JsonSchema, context: { name: string; required: boolean }): Editor {
  const values = schema.enum ?? [schema.const]
  const select = h(
    'select',
    { name: context.name },
    h('option', { value: '' }, context.required ? '(choose)' : '(none)'),
    ...values.map((v, i) => h('option', { value: String(i) }, typeof v === 'string' ? v : JSON.stringify(v))),
  )
  const initial = values.findIndex((v) => JSON.stringify(v) === JSON.stringify(schema.default))
  if (initial !== -1) select.value = String(initial)
  return {
    element: select,
    read() {
      if (select.value === '')
        return { present: false, problems: context.required ? [`${context.name}: choose a value`] : [] }
      return { present: true, value: values[Number(select.value)], problems: [] }
    },
  }
}

function booleanEditor(schema: JsonSchema, context: { name: string; required: boolean }): Editor {
  // Optional without a default: three states, so "not sent" stays possible.
  if (!context.required && schema.default === undefined) {
    return enumEditor({ ...schema, enum: [true, false] }, context)
  }
  const box = h('input', { type: 'checkbox', name: context.name, checked: schema.default === true })
  return { element: box, read: () => ({ present: true, value: box.checked, problems: [] }) }
}

function numberEditor(
  schema: JsonSchema,
  context: { name: string; required: boolean; integer: boolean },
): Editor {
  const input = h('input', {
    type: 'number',
    name: context.name,
    step: context.integer ? 1 : 'any',
    min: schema.minimum,
    max: schema.maximum,
    value: typeof schema.default === 'number' ? String(schema.default) : '',
  })
  return {
    element: input,
    read() {
      if (input.value.trim() === '')
        return { present: false, problems: context.required ? [`${context.name}: required`] : [] }
      const value = Number(input.value)
      if (!Number.isFinite(value) || (context.integer && !Number.isInteger(value)))
        return {
          present: false,
          problems: [`${context.name}: not ${context.integer ? 'an integer' : 'a number'}`],
        }
      return { present: true, value, problems: [] }
    },
  }
}

const INPUT_TYPES: Record<string, string> = {
  email: 'email',
  uri: 'url',
  date: 'date',
  'date-time': 'datetime-local',
}

function stringEditor(schema: JsonSchema, context: { name: string; required: boolean }): Editor {
  const long = typeof schema.maxLength === 'number' && schema.maxLength > 200
  const attributes = {
    name: context.name,
    value: typeof schema.default === 'string' ? schema.default : '',
    placeholder: schema.format ?? '',
  }
  const input = long
    ? h('textarea', { ...attributes, rows: 3 })
    : h('input', { ...attributes, type: INPUT_TYPES[schema.format ?? ''] ?? 'text' })
  return {
    element: input,
    read() {
      if (input.value === '' && !context.required) return { present: false, problems: [] }
      return { present: true, value: input.value, problems: [] }
    },
  }
}

/** The fallback: a JSON value typed by hand. */
function jsonEditor(schema: JsonSchema, context: { name: string; required: boolean }): Editor {
  const area = h('textarea', {
    class: 'json-field',
    name: context.name,
    rows: 2,
    placeholder: 'JSON',
    value: schema.default === undefined ? '' : JSON.stringify(schema.default),
  })
  return {
    element: area,
    read() {
      if (area.value.trim() === '')
        return { present: false, problems: context.required ? [`${context.name}: required`] : [] }
      try {
        return { present: true, value: JSON.parse(area.value), problems: [] }
      } catch (error) {
        return { present: false, problems: [`${context.name}: ${(error as Error).message}`] }
      }
    },
  }
}

/** The form of an object schema (a tool's `inputSchema`, an elicitation's `requestedSchema`). */
export function schemaForm(schema: JsonSchema): Editor {
  return editorFor(
    schema.type === undefined && !schema.properties ? { type: 'object', properties: {} } : schema,
    {
      root: schema,
      name: '',
      required: true,
    },
  )
}
