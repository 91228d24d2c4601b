import { describe, expect, it } from 'vitest';
import { checkBranchName, checkRepositoryUrl } from '../../src/gitops/url';

const secure = { allowInsecure: false };
const insecure = { allowInsecure: true };

describe('checkRepositoryUrl', () => {
  it.each([
    'https://github.com/githedgehog/fabric.git',
    'https://gitea.example.com:3000/org/repo',
    'ssh://git@github.com/githedgehog/fabric.git',
    'ssh://github.com:2222/org/repo.git',
    'git@github.com:githedgehog/fabric.git',
    'gitlab.example.com:group/sub/repo.git',
  ])('accepts %s', (url) => {
    expect(checkRepositoryUrl(url, secure)).toBeNull();
  });

  it.each([
    [
      'https://user:pass@github.com/org/repo.git',
      /must not contain credentials; put them in the repository's credentials/,
    ],
    ['https://ghp_token123@github.com/org/repo.git', /must not contain credentials/],
    ['https://%74oken@github.com/org/repo.git', /must not contain credentials/],
    ['ssh://git:hunter2@github.com/org/repo.git', /ssh URL must not contain a password/],
    ['git:hunter2@github.com:org/repo.git', /ssh URL must not contain a password/],
    ['ext::sh -c touch% /tmp/pwned', /spaces or control characters/],
    ['ext::evil', /transport helper URLs/],
    ['fd::3', /transport helper URLs/],
    ['--upload-pack=touch /tmp/x', /spaces|start with '-'/],
    ['--upload-pack=evil', /must not start with '-'/],
    ['-oProxyCommand=evil:repo', /must not start with '-'/],
    ['ssh://-oProxyCommand=evil/repo', /host must not start with '-'/],
    // Option-like users and hosts, however they are encoded (finding 5 of issue 11).
    ['ssh://-oProxyCommand=evil@github.com/repo', /user must not start with '-'/],
    ['ssh://%2DoProxyCommand=touch%20x@github.com/repo', /user must not start with '-'/],
    ['ssh://%2doProxyCommand%3Dtouch%20x@github.com/repo', /user must not start with '-'/],
    ['ssh://%252DoProxyCommand=x@github.com/repo', /user must not start with '-'/],
    ['ssh://%25252DoProxyCommand=x@github.com/repo', /user must not start with '-'/],
    ['%2DoProxyCommand=evil@github.com:repo', /user must not start with '-'/],
    ['-oProxyCommand=evil@github.com:repo', /must not start with '-'/],
    ['ssh://git@%2DoProxyCommand=evil/repo', /host must not be percent-encoded/],
    ['ssh://git@%252DoProxyCommand=evil/repo', /host must not be percent-encoded/],
    ['git@%2DoProxyCommand=evil:repo', /host must not be percent-encoded/],
    ['git@-oProxyCommand=evil:repo', /host must not be empty or start with '-'/],
    ['ssh://git@-oProxyCommand=evil/repo', /host must not start with '-'/],
    ['https://%2Dgithub.com/repo', /host must not start with '-'/],
    ['ssh://git%0a@github.com/repo', /user must not contain spaces or control characters/],
    ['ssh://git%20x@github.com/repo', /user must not contain spaces or control characters/],
    ['ssh://%E0%A4%A@github.com/repo', /malformed percent-encoding/],
    ['git@github.com:-oProxyCommand=evil', /path must not start with '-'/],
    ['https://github.com/org/repo.git ', /spaces or control characters/],
    ['https://github.com/org/\nrepo.git', /spaces or control characters/],
    ['https://github.com/org/\u0000repo.git', /spaces or control characters/],
    ['http://git.example.com/org/repo.git', /http:\/\/ URLs are not allowed.*ALLOW_INSECURE_GIT/],
    ['git://git.example.com/org/repo.git', /git:\/\/ URLs are not allowed/],
    ['file:///srv/git/repo.git', /file:\/\/ URLs are not allowed/],
    ['/srv/git/repo.git', /local paths are not allowed/],
    ['./repo.git', /local paths are not allowed/],
    ['ftp://example.com/repo.git', /unsupported URL scheme "ftp:\/\/"/],
    ['https://github.com/org/repo.git?token=abc', /query string/],
    ['', /URL is required/],
    ['not a url', /spaces/],
    ['justaword', /is not a git URL/],
  ])('refuses %j', (url, message) => {
    const problem = checkRepositoryUrl(url, secure);
    expect(problem).not.toBeNull();
    expect(problem).toMatch(message);
  });

  it('allows http://, git:// and file:// only with allowInsecure', () => {
    expect(checkRepositoryUrl('http://127.0.0.1:8080/repo.git', insecure)).toBeNull();
    expect(checkRepositoryUrl('git://127.0.0.1/repo.git', insecure)).toBeNull();
    expect(checkRepositoryUrl('file:///tmp/repos/repo.git', insecure)).toBeNull();
  });

  it('still refuses credentials, local paths and file hosts when insecure URLs are allowed', () => {
    expect(checkRepositoryUrl('http://user:pass@127.0.0.1/repo.git', insecure)).toMatch(/credentials/);
    expect(checkRepositoryUrl('/tmp/repos/repo.git', insecure)).toMatch(/file:\/\/\/absolute\/path/);
    expect(checkRepositoryUrl('file://server/share/repo.git', insecure)).toMatch(/must not name a host/);
  });

  it('refuses very long URLs', () => {
    expect(checkRepositoryUrl(`https://example.com/${'a'.repeat(3000)}`, secure)).toMatch(/longer than 2048/);
  });
});

describe('checkBranchName', () => {
  it.each(['main', 'release/1.2', 'feature-x_y', 'v1.0'])('accepts %s', (branch) => {
    expect(checkBranchName(branch)).toBeNull();
  });

  it.each([
    ['', /required/],
    ['--upload-pack=x', /must not start with '-'/],
    ['a b', /spaces/],
    ['a..b', /'\.\.'/],
    ['a~1', /~/],
    ['refs/heads/x:y', /:/],
    ['x.lock', /\.lock/],
    ['x/', /end with '\/'/],
    ['.hidden', /start with '\.'/],
    ['a@{1}', /@\{/],
  ])('refuses %j', (branch, message) => {
    expect(checkBranchName(branch)).toMatch(message);
  });
});
