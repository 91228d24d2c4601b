import { kindByName } from '../../crds';
import type { ListSpec } from '../listView';
import { changeListSpec } from './changeList';
import { recordListSpec } from './recordList';
import { syncRunListSpec } from './syncRunList';

/**
 * The list behind a column-chooser key, for saving a choice. Filter choices are not needed
 * here, so lists that load theirs from the database are built without them.
 */
export function listSpecByKey(key: string): ListSpec | undefined {
  if (key === changeListSpec([], []).key) return changeListSpec([], []);
  if (key === syncRunListSpec([]).key) return syncRunListSpec([]);
  const match = /^(crd|fabric-records):(.+)$/.exec(key);
  if (!match) return undefined;
  const kind = match[2] === '*' ? undefined : kindByName(match[2]!);
  if (match[2] !== '*' && !kind) return undefined;
  return recordListSpec({ kind, fabrics: match[1] === 'crd' ? [] : undefined, kindFilter: match[1] === 'fabric-records' });
}
