-- AlterTable
ALTER TABLE "Fabric" ADD COLUMN     "configSource" JSONB,
ADD COLUMN     "settings" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "settingsPendingSync" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "configSource" JSONB;
