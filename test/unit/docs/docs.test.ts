import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';

// The documents an operator follows step by step: a link that leads nowhere, a command that does
// not exist or a metric that was renamed is a dead end for someone who cannot read the code.
// These checks read README.md and docs/**/*.md as GitHub renders them.

const ROOT = resolve(import.meta.dirname, '../../..');
const GUIDE = 'docs/vi/huong-dan.md';

function markdownFiles(): string[] {
  const docs = existsSync(join(ROOT, 'docs'))
    ? readdirSync(join(ROOT, 'docs'), { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
        .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    : [];
  return ['README.md', ...docs.sort()];
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Line {
  line: number;
  text: string;
}

/** The lines outside fenced code blocks (prose, headings, tables) and the lines inside them. */
function splitFences(markdown: string): { prose: Line[]; code: Line[] } {
  const prose: Line[] = [];
  const code: Line[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const line = index + 1;
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence === undefined && marker) {
      fence = marker;
      return;
    }
    if (fence !== undefined) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && text.trim() === marker) fence = undefined;
      else code.push({ line, text });
      return;
    }
    prose.push({ line, text });
  });
  return { prose, code };
}

/** GitHub's heading anchor: the rendered text lowercased, punctuation and symbols dropped
 * (letters of any script, their diacritics, digits, `-` and `_` kept), each space a `-`. */
function githubSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/[`*]/g, ''); // code spans and emphasis
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a file's headings make, numbered as GitHub numbers repeats (`x`, `x-1`, …). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of splitFences(markdown).prose) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const base = githubSlug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Relative links of the prose (inline `[text](target)` and reference definitions), code spans
 * left out: a path quoted in backticks is not a link. */
function relativeLinks(markdown: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const { line, text } of splitFences(markdown).prose) {
    const withoutCode = text.replace(/`+[^`]*`+/g, '');
    const targets = [
      ...[...withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!),
      ...[...withoutCode.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/g)].map((match) => match[1]!),
    ];
    for (const target of targets) if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ line, target });
  }
  return links;
}

/** What is wrong with each relative link of `file`, given a way to read the files it points at. */
function brokenLinks(file: string, markdown: string, files: { exists(path: string): boolean; isFile(path: string): boolean; read(path: string): string }): string[] {
  const problems: string[] = [];
  for (const { line, target } of relativeLinks(markdown)) {
    const hash = target.indexOf('#');
    const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const path = pathPart === '' ? file : join(dirname(file), pathPart);
    const where = `${file}:${line}: (${target})`;
    if (!files.exists(path)) {
      problems.push(`${where}: no file ${path}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!files.isFile(path) || !path.endsWith('.md')) {
      problems.push(`${where}: an anchor into ${path}, which is not a Markdown file`);
      continue;
    }
    if (!anchorsOf(files.read(path)).has(anchor)) problems.push(`${where}: ${path} has no heading whose anchor is #${anchor}`);
  }
  return problems;
}

/** `linkwatch NAME [WORD]` where a code block runs the command: at a line's start, after `npx`,
 * `sudo`, a pipe or `&&`, or as a launcher (`bin/linkwatch.js`, `bin/linkwatch-built.js`). WORD is
 * the next argument when it is a bare lowercase word (a subcommand such as `list`). */
function commandsIn(code: readonly Line[]): { line: number; name: string; word?: string }[] {
  const found: { line: number; name: string; word?: string }[] = [];
  const invocation = /(?:^|[;&|(]\s*|\bnpx\s+|\bsudo\s+|\bbin\/)linkwatch(?:\.js|-built\.js)?[ \t]+([a-z][a-z0-9-]*)(?:[ \t]+([a-z][a-z-]*)(?=[ \t]|$))?/gm;
  for (const { line, text } of code) {
    for (const match of text.trim().matchAll(invocation)) found.push({ line, name: match[1]!, ...(match[2] ? { word: match[2] } : {}) });
  }
  return found;
}

/** How cli/main.ts answers `NAME --help`: exit 0 and the command's help, or 2 for an unknown one. */
const helpCache = new Map<string, { code: number; help: string }>();
async function helpOf(name: string): Promise<{ code: number; help: string }> {
  const cached = helpCache.get(name);
  if (cached) return cached;
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: {} };
  const code = await main([name, '--help'], io);
  const result = { code, help: code === 0 ? stdout : stderr };
  helpCache.set(name, result);
  return result;
}

/** The subcommands a command's help shows in its usage (`linkwatch alerts list`, `… ack`). */
const subcommandsOf = (name: string, help: string): Set<string> =>
  new Set([...help.matchAll(new RegExp(`linkwatch ${name} ([a-z][a-z-]*)\\b`, 'g'))].map((match) => match[1]!));

/** Problems with the commands the code blocks of `file` run. */
async function badCommands(file: string, markdown: string): Promise<string[]> {
  const problems: string[] = [];
  for (const { line, name, word } of commandsIn(splitFences(markdown).code)) {
    const { code, help } = await helpOf(name);
    if (code !== 0) {
      problems.push(`${file}:${line}: linkwatch ${name}: not a command of cli/main.ts`);
      continue;
    }
    const subcommands = subcommandsOf(name, help);
    if (word !== undefined && subcommands.size > 0 && !subcommands.has(word)) problems.push(`${file}:${line}: linkwatch ${name} ${word}: its help knows only ${[...subcommands].join(', ')}`);
  }
  return problems;
}

/** `linkwatch NAME [SUB]` of each row of the README's commands table. */
function commandsTable(readme: string): string[] {
  const start = readme.indexOf('\n## Commands\n');
  const end = readme.indexOf('\n#', start + 1);
  const table = readme.slice(start, end < 0 ? undefined : end);
  const commands: string[] = [];
  for (const row of table.split('\n')) {
    const first = /^\|\s*`linkwatch ([a-z][a-z0-9-]*)((?: [a-z][a-z-]*)?)(?=[ `])/.exec(row);
    if (first) commands.push(`linkwatch ${first[1]}${first[2]}`);
  }
  return commands;
}

const metricSources = ['collector/metrics.ts', 'api/metrics.ts'];

/** Metric names (`linkwatch_…`) a document names that no metrics module defines. */
function unknownMetrics(markdown: string, sources: readonly string[]): string[] {
  const defined = new Set(sources.flatMap((source) => [...source.matchAll(/'(linkwatch_[a-z0-9_]+)'/g)].map((match) => match[1]!)));
  // collectDefaultMetrics({prefix}) adds prom-client's process_… and nodejs_… under a prefix.
  const prefixes = sources.flatMap((source) => [...source.matchAll(/prefix:\s*'(linkwatch_[a-z0-9_]*)'/g)].map((match) => match[1]!));
  const known = (name: string) =>
    defined.has(name) ||
    defined.has(name.replace(/_(bucket|sum|count)$/, '')) ||
    prefixes.some((prefix) => name.startsWith(prefix) && /^(process_|nodejs_)/.test(name.slice(prefix.length)));
  return [...new Set([...markdown.matchAll(/\blinkwatch_[a-z0-9_]+/g)].map((match) => match[0]))].filter((name) => !known(name));
}

const realFiles = {
  exists: (path: string) => existsSync(join(ROOT, path)),
  isFile: (path: string) => existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isFile(),
  read,
};

describe('the checks themselves', () => {
  it.each([
    ['### `linkwatch probe snmp`', 'linkwatch-probe-snmp'],
    ['## Upgrading', 'upgrading'],
    ['## Hướng dẫn vận hành', 'hướng-dẫn-vận-hành'],
    ['### 5. Cấu hình: điểm, thiết bị, đường truyền', '5-cấu-hình-điểm-thiết-bị-đường-truyền'],
    ['## Sao lưu và khôi phục (backup/restore)', 'sao-lưu-và-khôi-phục-backuprestore'],
    ['### A — B', 'a--b'],
    ['### `collector_event`', 'collector_event'],
  ])('slugs %j as %j', (heading, slug) => {
    expect([...anchorsOf(heading)]).toEqual([slug]);
  });

  it('numbers repeated headings and ignores headings in code blocks', () => {
    expect([...anchorsOf('# A\n\n```sh\n# not a heading\n```\n\n## A\n')]).toEqual(['a', 'a-1']);
  });

  it('finds a missing file and a missing anchor, not links in code', () => {
    const markdown = '[ok](#a)\n\n# A\n\n[gone](docs/none.md) [bad](#b) `[code](x.md)` [web](https://example.org)\n\n```\n[block](y.md)\n```\n';
    const files = { exists: (path: string) => path === 'README.md', isFile: () => true, read: () => markdown };
    expect(brokenLinks('README.md', markdown, files)).toEqual(['README.md:5: (docs/none.md): no file docs/none.md', 'README.md:5: (#b): README.md has no heading whose anchor is #b']);
  });

  it('finds invocations, not paths or user names', () => {
    const code = splitFences(
      '```sh\nnpx linkwatch alerts list --all\nsudo useradd --home /var/lib/linkwatch linkwatch\ncd /opt/linkwatch && sudo bin/linkwatch-built.js check-config\necho x | linkwatch users hash\nlinkwatch import-csv van-ban.csv\n```\n',
    ).code;
    expect(commandsIn(code)).toEqual([
      { line: 2, name: 'alerts', word: 'list' },
      { line: 4, name: 'check-config' },
      { line: 5, name: 'users', word: 'hash' },
      { line: 6, name: 'import-csv' },
    ]);
  });

  it('tells a real command from an unknown one, as cli/main.ts dispatches', async () => {
    expect((await helpOf('alerts')).code).toBe(0);
    expect(subcommandsOf('alerts', (await helpOf('alerts')).help)).toEqual(new Set(['list', 'ack']));
    expect((await helpOf('no-such-command')).code).toBe(2);
  });

  it('finds a metric that no module defines', () => {
    expect(unknownMetrics('`linkwatch_writer_up` `linkwatch_poll_duration_seconds_bucket` `linkwatch_made_up`', [read('collector/metrics.ts')])).toEqual(['linkwatch_made_up']);
  });
});

describe.each(markdownFiles())('%s', (file) => {
  const markdown = read(file);

  it('links only to files and headings that exist', () => {
    expect(brokenLinks(file, markdown, realFiles)).toEqual([]);
  });

  it('runs only commands that cli/main.ts has, with subcommands their help shows', async () => {
    expect(await badCommands(file, markdown)).toEqual([]);
  });

  it('names only metrics that collector/metrics.ts or api/metrics.ts define', () => {
    expect(unknownMetrics(markdown, metricSources.map(read))).toEqual([]);
  });
});

describe(`the Vietnamese guide (${GUIDE})`, () => {
  it('is linked from the README, and links back', () => {
    expect(relativeLinks(read('README.md')).map((link) => link.target)).toContain(GUIDE);
    expect(relativeLinks(read(GUIDE)).map((link) => link.target.split('#')[0])).toContain('../../README.md');
  });

  it("covers every command of the README's commands table", () => {
    const commands = commandsTable(read('README.md'));
    expect(commands.length).toBeGreaterThan(10);
    const guide = read(GUIDE).replace(/\s+/g, ' ');
    expect(commands.filter((command) => !guide.includes(command))).toEqual([]);
  });
});
