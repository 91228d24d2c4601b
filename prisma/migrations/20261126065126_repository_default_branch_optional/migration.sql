-- AlterTable
ALTER TABLE "GitRepository" ALTER COLUMN "defaultBranch" DROP NOT NULL,
ALTER COLUMN "defaultBranch" DROP DEFAULT;
