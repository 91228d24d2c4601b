-- CreateEnum
CREATE TYPE "RevisionKind" AS ENUM ('branch', 'tag', 'commit');

-- CreateEnum
CREATE TYPE "SyncPolicy" AS ENUM ('manual', 'automatic');

-- AlterTable
ALTER TABLE "GitRepository" ADD COLUMN     "caCertificate" TEXT,
ADD COLUMN     "encryptedPassphrase" TEXT,
ADD COLUMN     "encryptedWebhookSecret" TEXT,
ADD COLUMN     "webhookSecretCreatedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Fabric" ADD COLUMN     "revisionKind" "RevisionKind",
ADD COLUMN     "syncPolicy" "SyncPolicy" NOT NULL DEFAULT 'manual',
ADD COLUMN     "syncWindows" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "dryRun" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "plan" JSONB,
ADD COLUMN     "requestedCommit" TEXT;

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" SERIAL NOT NULL,
    "repositoryId" INTEGER NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "provider" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "ref" TEXT,
    "commit" TEXT,
    "httpStatus" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "syncRunIds" INTEGER[] DEFAULT ARRAY[]::INTEGER[],

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WebhookDelivery_repositoryId_id_idx" ON "WebhookDelivery"("repositoryId", "id");

-- CreateIndex
CREATE INDEX "SyncRun_fabricId_dryRun_status_idx" ON "SyncRun"("fabricId", "dryRun", "status");

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "GitRepository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A fabric with a sync interval was synced automatically before sync policies existed.
UPDATE "Fabric" SET "syncPolicy" = 'automatic' WHERE "syncIntervalSeconds" IS NOT NULL;
