// The fetch and read stages of a sync, in one of two ways that give the same desired state:
// - full: a fresh shallow clone, a scan of its checkout, every file parsed;
// - incremental (a fabric synced before by this worker): fetch the new tip into the kept git
//   directory, list its tree, and parse only the files whose blob id changed; every other file's
//   outcome is reused. Cross-file work (duplicates, warnings) is always done on the whole set.
// The incremental way is used only when the tree listing mirrors what a scan of a checkout
// would find (no symlinks, no submodules, no limit reached); otherwise the sync clones.

import type { EventEmitter } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GitError, fetchBranch, shallowClone, type CloneResult, type GitAuth } from '../../gitops/git';
import { nearestDirectories } from '../../gitops/directory';
import { checkoutTree, listDirectories, listTree, markBare, readBlobs } from '../../gitops/objects';
import { scanTree } from '../../gitops/scan';
import {
  forgetDeletedFabrics,
  forgetFabric,
  keepFabric,
  keptFabric,
  readKeptFiles,
  type KeptFabric,
  type KeptFile,
} from './keptFabrics';
import { combineOutcomes, readDesiredState, type DesiredState, type FileOutcome } from './readDesiredState';
import { readOutcomes, type FileToRead } from './readOutcomes';
import type { SyncEvents } from '../runSync';
import type { FabricConfig } from '../../crds/fabricConfig';

export interface FetchProps {
  fabricId: number;
  url: string;
  auth: GitAuth;
  /** The branch or tag to sync, or the commit sha (refKind 'commit'); undefined for the remote's default branch. */
  branch: string | undefined;
  refKind?: 'branch' | 'tag' | 'commit';
  caCertificate?: string | null;
  gitopsDirectory: string;
  timeoutMs: number;
  allowInsecure: boolean;
  /** A private, empty directory of this run, removed by the caller. */
  workDir: string;
  /** Forced syncs always clone and parse everything. */
  force: boolean;
  /** A dry run clones and parses everything, and leaves what is kept for the fabric alone. */
  preview?: boolean;
  /** The fabric's own settings: its configuration unless its directory holds a Fabricator document (default: Hedgehog's defaults). */
  settings?: FabricConfig;
  /** Where the commit (once known, before parsing) and the parsing progress are told. */
  events: EventEmitter<Pick<SyncEvents, 'stage' | 'commit' | 'progress'>>;
}

export interface Fetched {
  commit: CloneResult;
  state: DesiredState;
  /** Whether only changed files were parsed. */
  incremental: boolean;
  /** Keeps what this run fetched and parsed for the next sync; call only once the plan is applied. */
  keep(): Promise<void>;
  /** Settles work left running in the background (removing the checkout). */
  settled: Promise<void>;
}

// These failures would fail a fresh clone the same way; anything else about a kept clone is
// the cache's problem, answered by cloning afresh.
const REMOTE_FAILURES = new Set(['auth', 'not_found', 'branch_not_found', 'unreachable', 'timeout', 'tls']);

/** Fetches the branch's tip and reads the fabric's desired state from it. */
export async function fetchDesiredState(props: FetchProps): Promise<Fetched> {
  const entry = props.force || props.preview ? undefined : keptFabric(props.fabricId, props.url);
  if (entry) {
    try {
      const fetched = await readIncrementally(props, entry);
      if (fetched) return fetched;
    } catch (err) {
      await forgetFabric(props.fabricId);
      if (err instanceof GitError && REMOTE_FAILURES.has(err.kind)) throw err;
    }
  }
  return readFully(props);
}

function announce(props: FetchProps, commit: CloneResult): void {
  props.events.emit('commit', commit);
  props.events.emit('stage', 'parsing');
}

async function readIncrementally(props: FetchProps, entry: KeptFabric): Promise<Fetched | null> {
  const branch = props.branch ?? entry.branch;
  const commit = await fetchBranch({
    url: props.url,
    auth: props.auth,
    branch,
    refKind: props.branch ? props.refKind : undefined,
    gitDir: entry.gitDir,
    timeoutMs: props.timeoutMs,
    allowInsecure: props.allowInsecure,
    caCertificate: props.caCertificate,
  });
  const scanned = scanTree(
    await listTree(entry.gitDir, commit.sha, props.gitopsDirectory, props.timeoutMs),
    props.gitopsDirectory,
  );
  if (!scanned) return null;
  announce(props, commit);
  // Read back from disk (keptFabrics.ts); the file is left as it is until the next keep, its
  // outcomes still true of their blobs should this sync fail.
  const keptFiles = await readKeptFiles(entry);
  const changed = scanned.filter((f) => keptFiles.get(f.path)?.sha !== f.sha);
  // A changed file is parsed again, its unchanged documents reused from its previous outcome
  // (a change spread over every file changes a few documents of each).
  const onFile = (done: number, total: number) => props.events.emit('progress', done, total);
  onFile(0, changed.length);
  const read = await readBlobOutcomes(
    entry.gitDir,
    changed.map((f) => ({ ...f, previous: keptFiles.get(f.path)?.outcome })),
    props.timeoutMs,
    onFile,
  );
  const changedOutcomes = new Map(read.map((o) => [o.path, o]));
  const files = new Map<string, KeptFile>();
  for (const f of scanned) {
    const previous = keptFiles.get(f.path);
    const outcome = previous?.sha === f.sha ? previous.outcome : changedOutcomes.get(f.path)!;
    files.set(f.path, { sha: f.sha, outcome });
  }
  keptFiles.clear();
  const state = combineOutcomes(
    [...files.values()].map((f) => f.outcome),
    { problems: [], failedFiles: [], complete: true },
    props.settings,
  );
  return {
    commit,
    state,
    incremental: true,
    keep: () =>
      keepFabric({ fabricId: props.fabricId, url: props.url, branch, gitDir: entry.gitDir, commit: commit.sha, files }),
    settled: Promise.resolve(),
  };
}

// Blobs are read this many files at a time, so that the bytes of a whole fabric are never in memory at once.
const BLOB_BATCH = 2000;

/** The outcome of each file, its content read from a repository's objects by blob id (in the order given). */
async function readBlobOutcomes(
  gitDir: string,
  files: (FileToRead & { sha: string })[],
  timeoutMs: number,
  onFile: (done: number, total: number) => void,
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for (let at = 0; at < files.length; at += BLOB_BATCH) {
    const batch = files.slice(at, at + BLOB_BATCH);
    const blobs = await readBlobs(gitDir, [...new Set(batch.map((f) => f.sha))], timeoutMs);
    const read = await readOutcomes(
      '',
      batch.map((f) => ({ ...f, content: blobs.get(f.sha)! })),
      (done) => onFile(at + done, files.length),
    );
    for (const o of read) outcomes.push(o);
  }
  onFile(files.length, files.length);
  return outcomes;
}

async function readFully(props: FetchProps): Promise<Fetched> {
  // What was kept for this fabric (or for deleted ones) is of no more use, and parsing everything needs the memory.
  if (!props.preview) {
    await forgetFabric(props.fabricId);
    await forgetDeletedFabrics();
  }
  const clone = join(props.workDir, 'clone');
  // A branch or tag is cloned without a checkout and read from its objects, as an incremental
  // sync reads changed files: writing every file and deleting it again was most of a first sync
  // with one file per record, and on a disk that slows file creation after deletions (ext4 with
  // `discard`, as here) 4-7 s for 10,000 files. A tree the listing does not mirror is checked out.
  const fromObjects = props.refKind !== 'commit';
  const commit = await shallowClone({
    url: props.url,
    auth: props.auth,
    ...(props.refKind === 'commit' ? { commit: props.branch } : { branch: props.branch, checkout: false }),
    dir: clone,
    timeoutMs: props.timeoutMs,
    allowInsecure: props.allowInsecure,
    caCertificate: props.caCertificate,
  });
  announce(props, commit);
  const onFile = (done: number, total: number) => props.events.emit('progress', done, total);
  const cloneGitDir = join(clone, '.git');
  const scanned = fromObjects
    ? scanTree(await listTree(cloneGitDir, commit.sha, props.gitopsDirectory, props.timeoutMs), props.gitopsDirectory)
    : null;
  let state: DesiredState;
  if (scanned) {
    const outcomes = await readBlobOutcomes(cloneGitDir, scanned, props.timeoutMs, onFile);
    state = combineOutcomes(outcomes, { problems: [], failedFiles: [], complete: true }, props.settings);
  } else {
    if (fromObjects) await checkoutTree(cloneGitDir, clone, props.timeoutMs);
    state = await readDesiredState({
      cloneRoot: clone,
      gitopsDirectory: props.gitopsDirectory,
      onFile,
      settings: props.settings,
    });
  }
  if (state.missingDirectory)
    state.missingDirectory.nearest = nearestDirectories(
      await listDirectories(cloneGitDir, commit.sha, props.timeoutMs),
      props.gitopsDirectory,
    );
  // The checkout is not needed any more: it goes while the plan is applied; its git directory stays.
  const gitDir = join(props.workDir, 'git');
  await rename(cloneGitDir, gitDir);
  const settled = rm(clone, { recursive: true, force: true }).catch(() => {});
  return {
    commit,
    state,
    incremental: false,
    settled,
    async keep() {
      try {
        const scanned = scanTree(
          await listTree(gitDir, commit.sha, props.gitopsDirectory, props.timeoutMs),
          props.gitopsDirectory,
        );
        // Kept only when the tree listing finds exactly the files the scan found.
        if (!scanned || scanned.length !== state.outcomes.size || scanned.some((f) => !state.outcomes.has(f.path))) {
          await forgetFabric(props.fabricId);
          return;
        }
        await markBare(gitDir, props.timeoutMs);
        const files = new Map(scanned.map((f) => [f.path, { sha: f.sha, outcome: state.outcomes.get(f.path)! }]));
        await keepFabric({
          fabricId: props.fabricId,
          url: props.url,
          branch: commit.branch,
          gitDir,
          commit: commit.sha,
          files,
        });
      } catch {
        await forgetFabric(props.fabricId);
      }
    },
  };
}
