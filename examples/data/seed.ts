/**
 * A deterministic CRM data set: the same `seed` and `scale` give the same rows on PostgreSQL
 * and PGlite. Default scale: 800 companies, 4,000 contacts, 20,000 deals over eight quarters
 * (2025-Q1 … 2026-Q4), ~50,000 activities. "Today" is fixed (AS_OF) so answers are repeatable.
 */
import type { Database } from './database.js'

export const AS_OF = '2026-05-15'
export const QUARTERS = [
  '2025-Q1',
  '2025-Q2',
  '2025-Q3',
  '2025-Q4',
  '2026-Q1',
  '2026-Q2',
  '2026-Q3',
  '2026-Q4',
]
export const OPEN_STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation'] as const
export const STAGES = [...OPEN_STAGES, 'closed_won', 'closed_lost'] as const
export type Stage = (typeof STAGES)[number]

export interface SeedOptions {
  /** PRNG seed. @default 42 */
  seed?: number
  /** 1 = 800 companies, 4,000 contacts, 20,000 deals. @default 1 */
  scale?: number
}

/** mulberry32: small, fast, and the same everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const DAY = 86_400_000
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`)
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Edsger',
  'Radia',
  'Donald',
  'Katherine',
  'Tim',
  'Hedy',
  'John',
  'Sophie',
  'Guido',
  'Anita',
  'Bjarne',
  'Lena',
  'Omar',
  'Priya',
  'Mateo',
  'Yuki',
  'Chen',
  'Fatima',
  'Lars',
  'Amara',
  'Diego',
]
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Knuth',
  'Johnson',
  'Berners',
  'Lamarr',
  'Backus',
  'Wilson',
  'Rossum',
  'Borg',
  'Stroustrup',
  'Nakamura',
  'Okafor',
  'Silva',
  'Kowalski',
  'Haddad',
  'Novak',
  'Singh',
  'Moreau',
  'Lindqvist',
  'Reyes',
]
const WORD_A = [
  'Acme',
  'Blue',
  'Cedar',
  'Delta',
  'Echo',
  'Falcon',
  'Granite',
  'Harbor',
  'Iron',
  'Juniper',
  'Keystone',
  'Lumen',
  'Maple',
  'North',
  'Orbit',
  'Pioneer',
  'Quartz',
  'River',
  'Summit',
  'Titan',
]
const WORD_B = [
  'Analytics',
  'Bio',
  'Cloud',
  'Dynamics',
  'Energy',
  'Foods',
  'Logistics',
  'Media',
  'Networks',
  'Robotics',
]
const SUFFIX = ['Inc', 'LLC', 'GmbH', 'Ltd']
const INDUSTRIES = [
  'software',
  'manufacturing',
  'healthcare',
  'finance',
  'retail',
  'energy',
  'logistics',
  'media',
]
const REGIONS = ['NA', 'EMEA', 'APAC', 'LATAM']
const TITLES = [
  'CTO',
  'VP Engineering',
  'Head of Data',
  'CFO',
  'Procurement Lead',
  'Director of IT',
  'COO',
  'Product Manager',
]
const ACTIVITY = ['call', 'email', 'meeting', 'demo', 'proposal_sent']

interface Rows {
  companies: unknown[][]
  contacts: unknown[][]
  deals: unknown[][]
  activities: unknown[][]
}

/** Generates the rows (pure: no I/O). */
export function generate(options: SeedOptions = {}): Rows {
  const rand = random(options.seed ?? 42)
  const scale = options.scale ?? 1
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1))
  const asOf = day(AS_OF)
  const companyCount = Math.round(800 * scale)
  const rows: Rows = { companies: [], contacts: [], deals: [], activities: [] }

  for (let i = 1; i <= companyCount; i++) {
    const n = i - 1
    const name = `${WORD_A[n % WORD_A.length]} ${WORD_B[Math.floor(n / WORD_A.length) % WORD_B.length]} ${SUFFIX[Math.floor(n / (WORD_A.length * WORD_B.length)) % SUFFIX.length]}${n >= WORD_A.length * WORD_B.length * SUFFIX.length ? ` ${Math.floor(n / (WORD_A.length * WORD_B.length * SUFFIX.length)) + 1}` : ''}`
    // Revenue: a long tail, $1M – $5B.
    const revenue = Math.round(10 ** (6 + rand() * 3.7))
    rows.companies.push([i, name, pick(INDUSTRIES), pick(REGIONS), revenue])
  }
  const contactCount = companyCount * 5
  const contactsOf = new Map<number, number[]>()
  for (let i = 1; i <= contactCount; i++) {
    const company = ((i - 1) % companyCount) + 1
    const first = pick(FIRST)
    const last = pick(LAST)
    const domain = `${(rows.companies[company - 1]![1] as string).split(' ')[0]!.toLowerCase()}${company}.example.com`
    rows.contacts.push([
      i,
      company,
      `${first} ${last}`,
      `${first}.${last}.${i}@${domain}`.toLowerCase(),
      pick(TITLES),
    ])
    contactsOf.set(company, [...(contactsOf.get(company) ?? []), i])
  }
  const dealCount = companyCount * 25
  let activityId = 1
  for (let i = 1; i <= dealCount; i++) {
    const company = int(1, companyCount)
    const contact = pick(contactsOf.get(company)!)
    const qi = int(0, QUARTERS.length - 1)
    const quarter = QUARTERS[qi]!
    const year = Number(quarter.slice(0, 4))
    const q = Number(quarter.slice(6))
    const qStart = Date.UTC(year, (q - 1) * 3, 1)
    const qEnd = Date.UTC(year, q * 3, 1) - DAY
    const expected = qStart + int(0, Math.round((qEnd - qStart) / DAY)) * DAY
    const past = expected < asOf - 20 * DAY
    let stage: Stage
    const r = rand()
    if (past) stage = r < 0.45 ? 'closed_won' : r < 0.85 ? 'closed_lost' : pick(OPEN_STAGES)
    else stage = r < 0.05 ? 'closed_won' : r < 0.1 ? 'closed_lost' : pick(OPEN_STAGES)
    const amount = Math.round(10 ** (3.7 + rand() * 2)) * 1 // $5k – $500k
    const slip = rand() < 0.6 ? 0 : int(7, 90)
    const open = !stage.startsWith('closed')
    const stageEntered = open ? asOf - int(0, 120) * DAY : Math.min(expected, asOf)
    const lastActivity = open ? asOf - int(0, 60) * DAY : Math.min(expected, asOf)
    const created = Math.min(stageEntered, lastActivity) - int(10, 90) * DAY
    rows.deals.push([
      i,
      company,
      contact,
      `${pick(['Platform', 'Renewal', 'Expansion', 'Pilot', 'Migration', 'Support'])} ${i}`,
      stage,
      amount,
      quarter,
      iso(expected),
      iso(expected - slip * DAY),
      iso(stageEntered),
      iso(lastActivity),
      iso(created),
    ])
    const count = int(1, 4)
    for (let k = 0; k < count; k++) {
      const when =
        k === count - 1 ? lastActivity : created + Math.floor((rand() * (lastActivity - created)) / DAY) * DAY
      const kind = pick(ACTIVITY)
      rows.activities.push([activityId++, i, contact, kind, iso(when), `${kind} about deal ${i}`])
    }
  }
  return rows
}

const COLUMNS = {
  companies: ['id', 'name', 'industry', 'region', 'annual_revenue'],
  contacts: ['id', 'company_id', 'name', 'email', 'title'],
  deals: [
    'id',
    'company_id',
    'contact_id',
    'name',
    'stage',
    'amount',
    'quarter',
    'expected_close',
    'original_close',
    'stage_entered_at',
    'last_activity_at',
    'created_at',
  ],
  activities: ['id', 'deal_id', 'contact_id', 'kind', 'occurred_at', 'note'],
} as const

/**
 * Fills an empty database (does nothing when it already holds data for this seed): batched,
 * parameterized inserts in one transaction.
 */
export async function seed(db: Database, options: SeedOptions = {}): Promise<{ seeded: boolean }> {
  const marker = `seed=${options.seed ?? 42} scale=${options.scale ?? 1}`
  const existing = await db.query<{ value: string }>("SELECT value FROM meta WHERE key = 'seed'")
  if (existing.rows[0]?.value === marker) return { seeded: false }
  if (existing.rows[0])
    throw new Error(`the database holds another data set (${existing.rows[0].value}); use an empty one`)
  const rows = generate(options)
  await db.query('BEGIN')
  try {
    for (const table of ['companies', 'contacts', 'deals', 'activities'] as const) {
      const columns = COLUMNS[table]
      const perStatement = Math.floor(30_000 / columns.length)
      for (let start = 0; start < rows[table].length; start += perStatement) {
        const batch = rows[table].slice(start, start + perStatement)
        const values = batch
          .map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
          .join(', ')
        await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, batch.flat())
      }
    }
    await db.query("INSERT INTO meta (key, value) VALUES ('seed', $1), ('as_of', $2)", [marker, AS_OF])
    await db.query('COMMIT')
  } catch (error) {
    await db.query('ROLLBACK')
    throw error
  }
  await db.query('ANALYZE')
  return { seeded: true }
}
