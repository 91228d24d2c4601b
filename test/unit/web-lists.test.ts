import { describe, expect, it } from 'vitest';
import { csvLine, downloadName } from '../../src/web/exportList';
import { highlightYaml } from '../../src/web/highlightYaml';
import { cellHtml } from '../../src/web/html';
import { diffLines, prettyJson } from '../../src/web/lineDiff';
import { buildListView, parseListQuery, visibleColumns, type ListSpec } from '../../src/web/listView';
import { repositoryWebUrl, sourceFileUrl } from '../../src/records/sourceLink';
import { manifestYaml } from '../../src/records/manifest';

const spec: ListSpec = {
  key: 'things',
  columns: [
    { key: 'name', label: 'Name', sortable: true, required: true },
    { key: 'size', label: 'Size', sortable: true },
    { key: 'notes', label: 'Notes' },
    { key: 'secret', label: 'Hidden by default', hidden: true },
  ],
  filters: [
    { key: 'colour', label: 'Colour', choices: [{ value: 'red', label: 'Red' }] },
    { key: 'owner', label: 'Owner' },
  ],
  defaultSort: 'name',
  exports: ['csv', 'json'],
};

describe('parseListQuery', () => {
  it('reads search, sort, page, per-page, filters and export', () => {
    expect(
      parseListQuery(spec, {
        q: ' abc ',
        sort: '-size',
        page: '3',
        perPage: '250',
        colour: 'red',
        owner: '',
        other: 'x',
        export: 'json',
      }),
    ).toEqual({
      q: 'abc',
      sort: '-size',
      page: 3,
      perPage: 250,
      filters: { colour: 'red' },
      export: 'json',
    });
  });

  it('falls back to defaults for values out of range instead of failing', () => {
    expect(parseListQuery(spec, { sort: 'notes', page: '-2', perPage: '30', export: 'yaml' })).toEqual({
      q: '',
      sort: 'name',
      page: 1,
      perPage: 50,
      filters: {},
      export: undefined,
    });
    expect(parseListQuery(spec, { sort: ['-size', 'name'], page: 'x' }).sort).toBe('-size');
  });
});

describe('buildListView', () => {
  const view = (query: Record<string, unknown>, total: number, preferences: object = {}) =>
    buildListView({ spec, query: parseListQuery(spec, query), total, path: '/things', user: { preferences } });

  it('keeps the other parameters in sort, page and per-page links, and says what is shown', () => {
    const v = view({ q: 'a b', colour: 'red', perPage: '25', page: '2' }, 60);
    expect(v.from).toBe(26);
    expect(v.to).toBe(50);
    expect(v.pages).toBe(3);
    expect(v.prevHref).toBe('/things?q=a+b&colour=red&perPage=25');
    expect(v.nextHref).toBe('/things?q=a+b&colour=red&perPage=25&page=3');
    expect(v.columns[0]).toMatchObject({
      key: 'name',
      sorted: 'asc',
      sortHref: '/things?q=a+b&colour=red&perPage=25&sort=-name',
    });
    expect(v.columns[1]!.sortHref).toBe('/things?q=a+b&colour=red&perPage=25&sort=size');
    expect(v.columns[2]!.sortHref).toBeNull();
    expect(v.perPageLinks.find((p) => p.value === 100)!.href).toBe('/things?q=a+b&colour=red&perPage=100');
    expect(v.exports.map((e) => e.href)).toEqual([
      '/things?q=a+b&colour=red&export=csv',
      '/things?q=a+b&colour=red&export=json',
    ]);
    expect(v.chips).toEqual([
      { key: 'q', label: 'Search', value: 'a b', removeHref: '/things?colour=red&perPage=25' },
      { key: 'colour', label: 'Colour', value: 'Red', removeHref: '/things?q=a+b&perPage=25' },
    ]);
  });

  it('shows a window of page numbers with gaps', () => {
    const v = view({ page: '10', perPage: '25' }, 1000);
    expect(v.pageLinks.map((p) => `${p.gapBefore ? '… ' : ''}${p.page}`)).toEqual([
      '1',
      '… 8',
      '9',
      '10',
      '11',
      '12',
      '… 40',
    ]);
    expect(view({}, 0)).toMatchObject({ from: 0, to: 0, pages: 1, nextHref: null, prevHref: null });
    expect(view({ page: '9' }, 10).outOfRange).toBe(true);
  });

  it('shows the user’s chosen columns, always with the required one', () => {
    expect(visibleColumns(spec, { preferences: {} })).toEqual(['name', 'size', 'notes']);
    expect(visibleColumns(spec, { preferences: { columns: { things: ['secret', 'bogus'] } } })).toEqual([
      'name',
      'secret',
    ]);
    expect(view({}, 1, { columns: { things: ['size'] } }).columns.map((c) => c.key)).toEqual(['name', 'size']);
  });
});

describe('cellHtml', () => {
  const hostile = `<script>alert("x")</script>&'`;
  const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';

  it('escapes text, links, code and badges', () => {
    expect(cellHtml({ text: hostile })).toBe(escaped);
    expect(cellHtml({ text: hostile, href: `/a?b="c"&d` })).toBe(`<a href="/a?b=&quot;c&quot;&amp;d">${escaped}</a>`);
    expect(cellHtml({ text: hostile, mono: true })).toBe(`<code>${escaped}</code>`);
    expect(cellHtml({ text: 'x', badge: { label: hostile, color: 'green' } })).toBe(
      `<span class="badge bg-green-lt">${escaped}</span>`,
    );
  });

  it('shows a dash for a missing or empty cell, numbers as they are, and times written out (app.js shows them as "ago")', () => {
    expect(cellHtml(undefined)).toBe('<span class="text-secondary">—</span>');
    expect(cellHtml({ text: null })).toBe('<span class="text-secondary">—</span>');
    expect(cellHtml({ text: 0 })).toBe('0');
    const time = new Date(Date.now() - 5 * 60_000);
    expect(cellHtml({ text: time.toISOString(), time })).toBe(
      `<time datetime="${time.toISOString()}" data-relative>${time.toISOString().replace('T', ' ').slice(0, 19)} UTC</time>`,
    );
  });
});

describe('sourceFileUrl', () => {
  const commit = '0123456789abcdef0123456789abcdef01234567';

  it('links GitHub, Gitea and other https hosts with /blob/, GitLab with /-/blob/', () => {
    expect(
      sourceFileUrl({ repositoryUrl: 'https://github.com/org/repo.git', commit, path: 'fabric 1/a.yaml', line: 12 }),
    ).toBe(`https://github.com/org/repo/blob/${commit}/fabric%201/a.yaml#L12`);
    expect(
      sourceFileUrl({ repositoryUrl: 'https://gitlab.com/group/sub/repo.git', commit, path: 'a.yaml', line: 3 }),
    ).toBe(`https://gitlab.com/group/sub/repo/-/blob/${commit}/a.yaml#L3`);
    expect(
      sourceFileUrl({ repositoryUrl: 'https://git.example.com/org/repo/', commit, path: 'x/y.yml', line: 0 }),
    ).toBe(`https://git.example.com/org/repo/blob/${commit}/x/y.yml`);
  });

  it('turns ssh URLs of GitHub and GitLab into web addresses, and gives up on other hosts and schemes', () => {
    expect(repositoryWebUrl('git@github.com:org/repo.git')).toBe('https://github.com/org/repo');
    expect(repositoryWebUrl('ssh://git@gitlab.com/org/repo.git')).toBe('https://gitlab.com/org/repo');
    expect(repositoryWebUrl('git@git.internal:org/repo.git')).toBeNull();
    expect(repositoryWebUrl('http://github.com/org/repo.git')).toBeNull();
    expect(repositoryWebUrl('file:///srv/git/repo.git')).toBeNull();
    expect(repositoryWebUrl('not a url')).toBeNull();
    expect(
      sourceFileUrl({ repositoryUrl: 'https://github.com/org/repo.git', commit: 'main', path: 'a.yaml' }),
    ).toBeNull();
  });
});

describe('highlightYaml', () => {
  it('wraps keys, strings, numbers and comments, and escapes everything', () => {
    const html = highlightYaml(
      'a: 1\n# note <b>\nb: "<script>"\nlist:\n  - x & y\n  - k: true\ntext: |-\n  <i>\n  two\nc: d',
    );
    expect(html).toBe(
      [
        '<span class="yaml-key">a</span>: <span class="yaml-num">1</span>',
        '<span class="yaml-comment"># note &lt;b&gt;</span>',
        '<span class="yaml-key">b</span>: <span class="yaml-str">&quot;&lt;script&gt;&quot;</span>',
        '<span class="yaml-key">list</span>:',
        '  - <span class="yaml-str">x &amp; y</span>',
        '  - <span class="yaml-key">k</span>: <span class="yaml-num">true</span>',
        '<span class="yaml-key">text</span>: |-',
        '  <span class="yaml-str">&lt;i&gt;</span>',
        '  <span class="yaml-str">two</span>',
        '<span class="yaml-key">c</span>: <span class="yaml-str">d</span>',
      ].join('\n'),
    );
  });

  it('never lets markup from a record through', () => {
    const yaml = manifestYaml({
      apiVersion: 'v1',
      kind: 'X',
      name: 'n',
      namespace: 'default',
      labels: { '<k>': '<script>alert(1)</script>' },
      annotations: {},
      spec: { '"q"': "<img src=x onerror='a'>" },
    });
    const html = highlightYaml(yaml);
    expect(html.replace(/<\/?span[^>]*>/g, '')).not.toMatch(/[<>]/);
  });
});

describe('diffLines', () => {
  it('marks removed and added lines of two JSON snapshots, removals first', () => {
    const d = diffLines(prettyJson({ a: 1, b: 'old' }), prettyJson({ b: 'new', a: 1, c: true }));
    expect(d.map((l) => `${l.type === 'add' ? '+' : l.type === 'del' ? '-' : ' '}${l.text.trim()}`)).toEqual(
      ['  {', ' "a": 1,', '-"b": "old"', '+"b": "new",', '+"c": true', ' }'].map((s) => s.replace(/^ {2}/, ' ')),
    );
    expect(diffLines([], prettyJson({ a: 1 })).every((l) => l.type === 'add')).toBe(true);
    expect(prettyJson(null)).toEqual([]);
  });
});

describe('csvLine', () => {
  it('quotes separators and quotes, and defuses spreadsheet formulas', () => {
    expect(csvLine(['a,b', 'say "hi"', 'line\nbreak', null, 42, '=SUM(A1)', '-1'])).toBe(
      '"a,b","say ""hi""","line\nbreak",,42,\'=SUM(A1),\'-1\r\n',
    );
    expect(downloadName(['vpcs', 'fabric 1/x'], 'yaml')).toBe('vpcs-fabric_1_x.yaml');
  });
});
