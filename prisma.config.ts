import { defineConfig } from 'prisma/config';

// `url` reads process.env directly: env() would make `prisma generate` fail without it.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
