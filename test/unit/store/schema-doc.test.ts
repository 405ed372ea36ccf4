import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_DOC_END, SCHEMA_DOC_START, schemaMarkdown } from '../../../store/schema-doc.ts';
import { measurements } from '../../../store/schema.ts';

describe('README.md metrics schema', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

  it('is exactly what the schema module generates (run `npm run docs:schema` after a change)', () => {
    const start = readme.indexOf(SCHEMA_DOC_START);
    const end = readme.indexOf(SCHEMA_DOC_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + SCHEMA_DOC_START.length, end).trim()).toBe(schemaMarkdown());
  });

  it('names every measurement and field', () => {
    for (const [name, spec] of Object.entries(measurements)) {
      expect(readme).toContain(`### \`${name}\``);
      for (const field of Object.keys(spec.fields)) expect(readme).toContain(`| \`${field}\` |`);
    }
  });
});
