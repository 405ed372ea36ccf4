import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, isSeq, parseDocument, stringify, visit } from 'yaml';
import { formatConfigError } from '../../../config/errors.ts';
import { parseConfig } from '../../../config/load.ts';

// A file of its own: it parses a few hundred configs, and alone it runs beside the other unit files.
describe('messages say what is allowed, in words, never zod\'s own text', () => {
  it('holds for every field of the shipped example given a wrong value', () => {
    // Every distinct field of config/example.yaml, given values of the wrong kind: whatever the
    // schema says there, the message is the project's, located in the file.
    const env = { LINKWATCH_COMMUNITY: 'public', LINKWATCH_V3_AUTH_KEY: 'authpass123', LINKWATCH_V3_PRIV_KEY: 'privpass123' };
    // Lists are cut to the entries that bring a field of their own, so each try parses a small file.
    const document = parseDocument(readFileSync('config/example.yaml', 'utf8'));
    const leavesOf = (node: unknown, prefix: string, into: Set<string>): Set<string> => {
      if (isMap(node)) for (const pair of node.items) leavesOf(pair.value, `${prefix}.${String(isScalar(pair.key) ? pair.key.value : '?')}`, into);
      else if (isSeq(node)) for (const item of node.items) leavesOf(item, `${prefix}[]`, into);
      else into.add(prefix);
      return into;
    };
    visit(document, {
      Seq(_key, seq) {
        const covered = new Set<string>();
        seq.items = seq.items.filter((item) => {
          const leaves = [...leavesOf(item, '', new Set())];
          const novel = leaves.some((leaf) => !covered.has(leaf));
          leaves.forEach((leaf) => covered.add(leaf));
          return novel;
        });
      },
    });
    const example = stringify(document.toJS());
    const fields = new Map<string, (string | number)[]>();
    visit(parseDocument(example), {
      Pair(_key, pair, path) {
        if (!isScalar(pair.key) || !isScalar(pair.value)) return;
        const at = [...path.flatMap<string | number>((node, i) => (isPair(node) && isScalar(node.key) ? [String(node.key.value)] : isSeq(node) ? [(node.items as unknown[]).indexOf(path[i + 1])] : [])), String(pair.key.value)];
        fields.set(at.map((part) => (typeof part === 'number' ? '[]' : part)).join('.'), at);
      },
    });
    expect(fields.size).toBeGreaterThan(60);
    const zodsOwn = /Too (?:small|big)|Invalid (?:input|key|element|option|string)|expected (?:int|number|string|object|array|boolean)\b|expected \w+, received/;
    const seen: string[] = [];
    for (const path of fields.values()) {
      for (const wrong of [true, -1, 'x'] as unknown[]) {
        const doc = parseDocument(example);
        doc.setIn(path, wrong);
        const result = parseConfig(doc.toString(), { env });
        if (result.ok) continue;
        for (const error of result.errors) {
          seen.push(formatConfigError(error));
          expect(error.message, `${error.path} given ${JSON.stringify(wrong)}`).not.toMatch(zodsOwn);
          expect(error.line, error.path).toBeGreaterThan(0);
        }
      }
    }
    expect(seen.length).toBeGreaterThan(fields.size);
  }, 30_000);
});
