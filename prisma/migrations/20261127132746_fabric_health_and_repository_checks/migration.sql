-- CreateEnum
CREATE TYPE "FabricHealth" AS ENUM ('healthy', 'degraded', 'unknown');

-- AlterTable
ALTER TABLE "GitRepository" ADD COLUMN     "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failingSince" TIMESTAMP(3),
ADD COLUMN     "lastCheckedAt" TIMESTAMP(3),
ADD COLUMN     "nextCheckAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Fabric" ADD COLUMN     "health" "FabricHealth" NOT NULL DEFAULT 'unknown',
ADD COLUMN     "invalidCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lastAppliedRunId" INTEGER,
ADD COLUMN     "remoteCheckedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "RepositoryCheck" (
    "id" SERIAL NOT NULL,
    "repositoryId" INTEGER NOT NULL,
    "time" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ok" BOOLEAN NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "errorClass" TEXT,
    "error" TEXT,
    "trigger" TEXT NOT NULL,

    CONSTRAINT "RepositoryCheck_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RepositoryCheck_repositoryId_id_idx" ON "RepositoryCheck"("repositoryId", "id");

-- AddForeignKey
ALTER TABLE "RepositoryCheck" ADD CONSTRAINT "RepositoryCheck_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "GitRepository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Fabrics synced before: health from their last run that applied something.
UPDATE "Fabric" f SET "lastAppliedRunId" = r.id, "invalidCount" = r."invalidCount",
  "health" = (CASE WHEN r.status = 'partial' THEN 'degraded' ELSE 'healthy' END)::"FabricHealth"
FROM (SELECT DISTINCT ON ("fabricId") id, "fabricId", status, "invalidCount" FROM "SyncRun"
      WHERE status IN ('succeeded', 'partial') AND "filesCount" > 0 ORDER BY "fabricId", id DESC) r
WHERE r."fabricId" = f.id;
