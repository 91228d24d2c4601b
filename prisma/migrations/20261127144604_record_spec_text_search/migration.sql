-- The lists' quick search looks in the spec's text (an IP, a VLAN, a MAC, a port); an expression
-- index, which schema.prisma cannot say: see prisma/beyond-schema.sql.
CREATE INDEX "CrdRecord_spec_text_trgm_idx" ON "CrdRecord" USING GIN ((spec::text) gin_trgm_ops);
