/** `npm run docs:schema`: rewrites README.md's metrics section from collector/storage/schema.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { SCHEMA_DOC_END, SCHEMA_DOC_START, schemaMarkdown } from '../collector/storage/schema-doc.ts';

const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const start = readme.indexOf(SCHEMA_DOC_START);
const end = readme.indexOf(SCHEMA_DOC_END);
if (start < 0 || end < start) throw new Error('README.md has no metrics-schema markers');
writeFileSync(file, `${readme.slice(0, start + SCHEMA_DOC_START.length)}\n${schemaMarkdown()}\n${readme.slice(end)}`);
console.log('README.md metrics schema updated');
