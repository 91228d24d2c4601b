-- What schema.prisma cannot say (Prisma has no expression indexes), created by the migrations
-- and applied after the schema engine's SQL by test/integration/migrations.test.ts, so that the
-- drift check still compares everything. Keep each statement here and in its migration alike.

-- The lists' quick search looks in the spec's text (an IP, a VLAN, a MAC, a port): a trigram
-- index on it keeps `spec::text ILIKE '%…%'` fast at 100,000 records.
CREATE INDEX "CrdRecord_spec_text_trgm_idx" ON "CrdRecord" USING GIN ((spec::text) gin_trgm_ops);
