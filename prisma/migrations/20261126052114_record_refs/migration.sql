-- AlterTable
ALTER TABLE "CrdRecord" ADD COLUMN     "refs" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "CrdRecord_refs_idx" ON "CrdRecord" USING GIN ("refs");
