import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_DOC_END, API_DOC_START, apiMarkdown } from '../../../api/docs.ts';

describe("README's API tables", () => {
  it('list exactly the routes and errors the API serves (run `npm run docs:schema` after a change)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf(API_DOC_START);
    const end = readme.indexOf(API_DOC_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + API_DOC_START.length, end).trim()).toBe(apiMarkdown());
    expect(apiMarkdown()).toContain('| POST | `/api/v1/alerts/{id}/ack` | operator |');
  });
});
