// npm run secrets:rotate — re-encrypts every stored git secret with SECRET_KEY.
// Put the old key in SECRET_KEYS_PREVIOUS first, run this, then drop it.
import { config } from '../src/config';
import { closeDb } from '../src/db';
import { rotateSecrets } from '../src/secrets/rotateSecrets';

const { rotated, current } = await rotateSecrets(config().secretKeys);
process.stdout.write(`re-encrypted ${rotated} secret(s) with the current key; ${current} already used it\n`);
await closeDb();
