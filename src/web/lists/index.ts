import { kindByName } from '../../crds';
import type { ListSpec } from '../listView';
import { changeListSpec } from './changeList';
import { fabricListSpec } from './fabricList';
import { recordListSpec } from './recordList';
import { repositoryListSpec } from './repositoryList';
import { syncRunListSpec } from './syncRunList';

/**
 * The list behind a column-chooser key, for saving a choice. Filter choices are not needed
 * here, so lists that load theirs from the database are built without them.
 */
export function listSpecByKey(key: string): ListSpec | undefined {
  if (key === changeListSpec([], []).key) return changeListSpec([], []);
  if (key === syncRunListSpec([]).key) return syncRunListSpec([]);
  if (key === fabricListSpec([]).key) return fabricListSpec([]);
  if (key === repositoryListSpec.key) return repositoryListSpec;
  const match = /^(crd|fabric-records):(.+)$/.exec(key);
  if (!match) return undefined;
  const kind = match[2] === '*' ? undefined : kindByName(match[2]!);
  if (match[2] !== '*' && !kind) return undefined;
  return recordListSpec({
    kind,
    fabrics: match[1] === 'crd' ? [] : undefined,
    kindFilter: match[1] === 'fabric-records',
  });
}
