-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "CrdRecord_name_idx" ON "CrdRecord" USING GIN ("name" gin_trgm_ops);
