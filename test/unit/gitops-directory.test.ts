import { describe, expect, it } from 'vitest';
import { GitopsDirectoryError, nearestDirectories, normalizeGitopsDirectory } from '../../src/gitops/directory';

describe('normalizeGitopsDirectory', () => {
  it.each([
    ['gitops/hedgehog/fabric-1', 'gitops/hedgehog/fabric-1/'],
    ['gitops/hedgehog/fabric-1/', 'gitops/hedgehog/fabric-1/'],
    ['./gitops/hedgehog/fabric-1', 'gitops/hedgehog/fabric-1/'],
    ['gitops//hedgehog/./fabric-1//', 'gitops/hedgehog/fabric-1/'],
    ['  gitops/fabric  ', 'gitops/fabric/'],
    ['.hnp', '.hnp/'],
    ['', ''],
    ['.', ''],
    ['./', ''],
    ['/', ''],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizeGitopsDirectory(input)).toBe(expected);
  });

  it.each([
    ['/etc/passwd', /relative to the repository root \(remove the leading '\/'\)/],
    ['../outside', /must not contain '\.\.'/],
    ['gitops/../../etc', /must not contain '\.\.'/],
    ['gitops/..', /must not contain '\.\.'/],
    ['gitops\\fabric', /'\/' as separator/],
    ['gitops/\u0000fabric', /control characters/],
    ['gitops/\nfabric', /control characters/],
    ['C:/repos/x', /drive path/],
    ['.git/hooks', /must not point into \.git/],
    ['a/.GIT', /must not point into \.git/],
    [`${'a/'.repeat(600)}`, /longer than 1024 characters/],
    [`${'a'.repeat(300)}/b`, /segment longer than 255/],
  ])('refuses %j', (input, message) => {
    expect(() => normalizeGitopsDirectory(input)).toThrow(GitopsDirectoryError);
    expect(() => normalizeGitopsDirectory(input)).toThrow(message);
  });

  it('names the offending value in the message, with control characters made visible', () => {
    expect(() => normalizeGitopsDirectory('x/\u0001y')).toThrow(
      'gitops directory "x/\\x01y" must not contain control characters',
    );
  });
});

describe('nearestDirectories', () => {
  const tree = [
    '.hnp/',
    'gitops/',
    'gitops/hedgehog/',
    'gitops/hedgehog/fabric-1/',
    'gitops/hedgehog/fabric-2/',
    'other/',
    'other/fabric-3/',
  ];

  it('offers the siblings of the deepest existing parent, closest names first, then the parent', () => {
    expect(nearestDirectories(tree, 'gitops/hedgehog/fabric-9/')).toEqual([
      'gitops/hedgehog/fabric-1/',
      'gitops/hedgehog/fabric-2/',
      'gitops/hedgehog/',
    ]);
  });

  it('offers a directory of the same name elsewhere first', () => {
    expect(nearestDirectories(tree, 'gitops/fabric-3/')[0]).toBe('other/fabric-3/');
  });

  it('offers the top-level directories when nothing of the path exists, never dot-directories', () => {
    expect(nearestDirectories(tree, 'nowhere/at/all/').sort()).toEqual(['gitops/', 'other/']);
    expect(nearestDirectories([], 'x/')).toEqual([]);
  });
});
