/**
 * The examples' database: a node-postgres pool when DATABASE_URL is set, else embedded PGlite
 * (in memory, or in PGLITE_DIR), behind one small interface and the same SQL.
 */
import { readFileSync } from 'node:fs'

export interface Database {
  query<Row extends Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: Row[] }>
  /** `pglite` or `postgres`, for logs and readiness. */
  readonly kind: 'pglite' | 'postgres'
  close(): Promise<void>
}

export interface OpenOptions {
  /** A PostgreSQL URL; unset → PGlite. @default process.env.DATABASE_URL */
  url?: string | undefined
  /** PGlite data directory; unset → in memory. @default process.env.PGLITE_DIR */
  dataDir?: string | undefined
  /** PostgreSQL schema to work in (created if missing): lets tests share one database. */
  schema?: string | undefined
}

const SCHEMA_SQL = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8')
const SEARCH_SQL = readFileSync(new URL('./search-indexes.sql', import.meta.url), 'utf8')

/** Opens the database and applies the schema (idempotent). */
export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const url = options.url ?? process.env.DATABASE_URL
  const db = url
    ? await openPostgres(url, options.schema)
    : await openPglite(options.dataDir ?? process.env.PGLITE_DIR)
  await migrate(db)
  return db
}

async function openPostgres(url: string, schema: string | undefined): Promise<Database> {
  const { default: pg } = await import('pg')
  // numeric and bigint come back as strings by default; the tools want numbers.
  const types = {
    getTypeParser: (oid: number, format?: string) =>
      oid === 1700 || oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'),
  }
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new Error(`schema "${schema}" is not a plain identifier`)
  if (schema) {
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    await admin.end()
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types,
    ...(schema ? { options: `-c search_path=${schema},public` } : {}),
  })
  pool.on('error', () => {}) // an idle client lost its connection: the next query reconnects
  return {
    kind: 'postgres',
    query: (sql, params) => pool.query(sql, params as unknown[]) as never,
    close: () => pool.end(),
  }
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const { PGlite, types } = await import('@electric-sql/pglite')
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    extensions: { pg_trgm },
    parsers: { [types.NUMERIC]: Number, [types.INT8]: Number },
  })
  return {
    kind: 'pglite',
    query: (sql, params) => db.query(sql, params as unknown[]) as never,
    close: () => db.close(),
  }
}

async function migrate(db: Database): Promise<void> {
  for (const statement of split(SCHEMA_SQL)) await db.query(statement)
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for (const statement of split(SEARCH_SQL)) await db.query(statement)
  } catch {
    // No pg_trgm here: search still works, by sequential scan.
  }
}

function split(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean)
}
