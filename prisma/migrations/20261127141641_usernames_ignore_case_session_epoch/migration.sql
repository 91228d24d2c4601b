-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- Usernames that differ only in case ("Admin" and "admin") were two accounts: the oldest keeps
-- its name, the others get "~<id>" appended so that the unique index can be built (an admin can
-- rename or delete them).
UPDATE "User" u SET username = u.username || '~' || u.id
WHERE EXISTS (SELECT 1 FROM "User" o WHERE lower(o.username) = lower(u.username) AND o.id < u.id);

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "sessionEpoch" INTEGER NOT NULL DEFAULT 0,
ALTER COLUMN "username" SET DATA TYPE CITEXT;
