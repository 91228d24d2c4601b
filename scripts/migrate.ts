// Applies pending migrations to DATABASE_URL (npm start does this too).
import { loadConfig } from '../src/config';
import { migrate } from '../src/migrate';

const applied = await migrate(loadConfig().databaseUrl);
process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'no pending migrations\n');
