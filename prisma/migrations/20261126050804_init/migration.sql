-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'operator', 'viewer');

-- CreateEnum
CREATE TYPE "GitAuthType" AS ENUM ('none', 'token', 'basic', 'ssh_key');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('pending', 'testing', 'connected', 'failed');

-- CreateEnum
CREATE TYPE "FabricStatus" AS ENUM ('planned', 'active', 'maintenance', 'decommissioned');

-- CreateEnum
CREATE TYPE "SyncStatus" AS ENUM ('never_synced', 'queued', 'syncing', 'in_sync', 'out_of_sync', 'error');

-- CreateEnum
CREATE TYPE "ValidationState" AS ENUM ('valid', 'warning');

-- CreateEnum
CREATE TYPE "SyncTrigger" AS ENUM ('manual', 'api', 'schedule', 'webhook');

-- CreateEnum
CREATE TYPE "SyncRunStatus" AS ENUM ('queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "ChangeAction" AS ENUM ('create', 'update', 'delete');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "lastLoginAt" TIMESTAMP(3),
    "preferences" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "writeEnabled" BOOLEAN NOT NULL DEFAULT false,
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GitRepository" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "authType" "GitAuthType" NOT NULL DEFAULT 'none',
    "username" TEXT,
    "encryptedSecret" TEXT,
    "knownHosts" TEXT,
    "defaultBranch" TEXT NOT NULL DEFAULT 'main',
    "timeoutSeconds" INTEGER NOT NULL DEFAULT 60,
    "connectionStatus" "ConnectionStatus" NOT NULL DEFAULT 'pending',
    "lastValidatedAt" TIMESTAMP(3),
    "validationError" TEXT,
    "remoteHead" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GitRepository_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Fabric" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "status" "FabricStatus" NOT NULL DEFAULT 'active',
    "repositoryId" INTEGER NOT NULL,
    "gitopsDirectory" TEXT NOT NULL,
    "branch" TEXT,
    "syncEnabled" BOOLEAN NOT NULL DEFAULT true,
    "syncIntervalSeconds" INTEGER,
    "prune" BOOLEAN NOT NULL DEFAULT true,
    "syncStatus" "SyncStatus" NOT NULL DEFAULT 'never_synced',
    "lastSyncedAt" TIMESTAMP(3),
    "lastSyncedCommit" TEXT,
    "lastAttemptedCommit" TEXT,
    "lastSyncError" TEXT,
    "remoteHead" TEXT,
    "cachedCrdCount" INTEGER NOT NULL DEFAULT 0,
    "countsByKind" JSONB NOT NULL DEFAULT '{}',
    "lastSyncRunId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Fabric_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CrdRecord" (
    "id" SERIAL NOT NULL,
    "fabricId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "apiVersion" TEXT NOT NULL,
    "namespace" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "spec" JSONB NOT NULL DEFAULT '{}',
    "labels" JSONB NOT NULL DEFAULT '{}',
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "sourcePath" TEXT NOT NULL,
    "sourceLine" INTEGER NOT NULL,
    "sourceCommit" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "validationState" "ValidationState" NOT NULL DEFAULT 'valid',
    "validationMessages" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "syncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CrdRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" SERIAL NOT NULL,
    "fabricId" INTEGER NOT NULL,
    "jobId" TEXT,
    "trigger" "SyncTrigger" NOT NULL DEFAULT 'manual',
    "requestedById" INTEGER,
    "force" BOOLEAN NOT NULL DEFAULT false,
    "status" "SyncRunStatus" NOT NULL DEFAULT 'queued',
    "stage" TEXT NOT NULL DEFAULT 'queued',
    "progressDone" INTEGER NOT NULL DEFAULT 0,
    "progressTotal" INTEGER NOT NULL DEFAULT 0,
    "stages" JSONB NOT NULL DEFAULT '[]',
    "commitSha" TEXT,
    "commitMessage" TEXT,
    "commitAuthor" TEXT,
    "commitDate" TIMESTAMP(3),
    "filesCount" INTEGER NOT NULL DEFAULT 0,
    "documentsCount" INTEGER NOT NULL DEFAULT 0,
    "createdCount" INTEGER NOT NULL DEFAULT 0,
    "updatedCount" INTEGER NOT NULL DEFAULT 0,
    "unchangedCount" INTEGER NOT NULL DEFAULT 0,
    "deletedCount" INTEGER NOT NULL DEFAULT 0,
    "skippedCount" INTEGER NOT NULL DEFAULT 0,
    "invalidCount" INTEGER NOT NULL DEFAULT 0,
    "files" JSONB NOT NULL DEFAULT '[]',
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "heartbeatAt" TIMESTAMP(3),
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "durationMs" INTEGER,

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChangeRecord" (
    "id" SERIAL NOT NULL,
    "time" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" INTEGER,
    "actorLabel" TEXT NOT NULL,
    "syncRunId" INTEGER,
    "action" "ChangeAction" NOT NULL,
    "objectType" TEXT NOT NULL,
    "objectId" INTEGER,
    "objectLabel" TEXT NOT NULL,
    "fabricId" INTEGER,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "ChangeRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "GitRepository_name_key" ON "GitRepository"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Fabric_name_key" ON "Fabric"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Fabric_repositoryId_gitopsDirectory_key" ON "Fabric"("repositoryId", "gitopsDirectory");

-- CreateIndex
CREATE INDEX "CrdRecord_kind_name_idx" ON "CrdRecord"("kind", "name");

-- CreateIndex
CREATE INDEX "CrdRecord_kind_fabricId_name_idx" ON "CrdRecord"("kind", "fabricId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "CrdRecord_fabricId_kind_namespace_name_key" ON "CrdRecord"("fabricId", "kind", "namespace", "name");

-- CreateIndex
CREATE INDEX "SyncRun_fabricId_queuedAt_idx" ON "SyncRun"("fabricId", "queuedAt");

-- CreateIndex
CREATE INDEX "SyncRun_status_idx" ON "SyncRun"("status");

-- CreateIndex
CREATE INDEX "ChangeRecord_time_idx" ON "ChangeRecord"("time");

-- CreateIndex
CREATE INDEX "ChangeRecord_objectType_objectId_idx" ON "ChangeRecord"("objectType", "objectId");

-- CreateIndex
CREATE INDEX "ChangeRecord_syncRunId_idx" ON "ChangeRecord"("syncRunId");

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fabric" ADD CONSTRAINT "Fabric_repositoryId_fkey" FOREIGN KEY ("repositoryId") REFERENCES "GitRepository"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CrdRecord" ADD CONSTRAINT "CrdRecord_fabricId_fkey" FOREIGN KEY ("fabricId") REFERENCES "Fabric"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_fabricId_fkey" FOREIGN KEY ("fabricId") REFERENCES "Fabric"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChangeRecord" ADD CONSTRAINT "ChangeRecord_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChangeRecord" ADD CONSTRAINT "ChangeRecord_syncRunId_fkey" FOREIGN KEY ("syncRunId") REFERENCES "SyncRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;
