import { resolve } from 'node:path';

/** The shared fixtures: `../shared/fixtures` beside the checkout (CI lays shared/ out the same way). */
export const FIXTURES = process.env.HHFM_FIXTURES ?? resolve(import.meta.dirname, '../../../shared/fixtures');
