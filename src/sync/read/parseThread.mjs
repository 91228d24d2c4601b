// The entry of a parse thread (see readOutcomes.ts). The app runs from its TypeScript sources
// through tsx, whose loader a worker thread does not inherit: it is registered here first.
import { register } from 'tsx/esm/api';

register();
await import('./parseThreadMain.ts');
