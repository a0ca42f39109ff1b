-- The CRM schema shared by the CRM and analytics tool servers (PostgreSQL and PGlite alike).
CREATE TABLE IF NOT EXISTS meta (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE IF NOT EXISTS companies (
  id integer PRIMARY KEY,
  name text NOT NULL UNIQUE,
  industry text NOT NULL,
  region text NOT NULL,
  annual_revenue bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS contacts (
  id integer PRIMARY KEY,
  company_id integer NOT NULL REFERENCES companies(id),
  name text NOT NULL,
  email text NOT NULL UNIQUE,
  title text NOT NULL
);

CREATE TABLE IF NOT EXISTS deals (
  id integer PRIMARY KEY,
  company_id integer NOT NULL REFERENCES companies(id),
  contact_id integer NOT NULL REFERENCES contacts(id),
  name text NOT NULL,
  stage text NOT NULL CHECK (stage IN ('prospecting', 'qualification', 'proposal', 'negotiation', 'closed_won', 'closed_lost')),
  amount numeric(12, 2) NOT NULL CHECK (amount >= 0),
  quarter text NOT NULL,            -- the quarter the deal is expected to close in: 2026-Q2
  expected_close date NOT NULL,
  original_close date NOT NULL,     -- the first expected close date: slippage = expected - original
  stage_entered_at date NOT NULL,
  last_activity_at date NOT NULL,
  created_at date NOT NULL
);

CREATE TABLE IF NOT EXISTS activities (
  id integer PRIMARY KEY,
  deal_id integer NOT NULL REFERENCES deals(id),
  contact_id integer NOT NULL REFERENCES contacts(id),
  kind text NOT NULL,
  occurred_at date NOT NULL,
  note text NOT NULL
);

CREATE INDEX IF NOT EXISTS deals_quarter_stage ON deals (quarter, stage);
CREATE INDEX IF NOT EXISTS deals_company ON deals (company_id);
CREATE INDEX IF NOT EXISTS contacts_company ON contacts (company_id);
CREATE INDEX IF NOT EXISTS activities_deal ON activities (deal_id, occurred_at DESC);
CREATE INDEX IF NOT EXISTS companies_revenue ON companies (annual_revenue DESC);
