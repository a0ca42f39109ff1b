-- Trigram indexes for ILIKE '%…%' search; applied where pg_trgm is available.
CREATE INDEX IF NOT EXISTS contacts_name_trgm ON contacts USING gin (name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS contacts_email_trgm ON contacts USING gin (email gin_trgm_ops);
CREATE INDEX IF NOT EXISTS companies_name_trgm ON companies USING gin (name gin_trgm_ops);
