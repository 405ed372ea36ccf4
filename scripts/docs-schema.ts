/** `npm run docs:schema`: rewrites README.md's generated sections: the metrics schema from
 * store/schema.ts, the false-alarm table from collector/alerts/evidence.ts, the API's routes and errors from
 * the route list. */
import { readFileSync, writeFileSync } from 'node:fs';
import { API_DOC_END, API_DOC_START, apiMarkdown } from '../api/docs.ts';
import { FALSE_ALARMS_DOC_END, FALSE_ALARMS_DOC_START, falseAlarmMarkdown } from '../collector/alerts/false-alarms-doc.ts';
import { SCHEMA_DOC_END, SCHEMA_DOC_START, schemaMarkdown } from '../store/schema-doc.ts';

const file = new URL('../README.md', import.meta.url);
let readme = readFileSync(file, 'utf8');
for (const section of [
  { start: SCHEMA_DOC_START, end: SCHEMA_DOC_END, markdown: schemaMarkdown(), name: 'metrics-schema' },
  { start: FALSE_ALARMS_DOC_START, end: FALSE_ALARMS_DOC_END, markdown: falseAlarmMarkdown(), name: 'false-alarms' },
  { start: API_DOC_START, end: API_DOC_END, markdown: apiMarkdown(), name: 'api-routes' },
]) {
  const start = readme.indexOf(section.start);
  const end = readme.indexOf(section.end);
  if (start < 0 || end < start) throw new Error(`README.md has no ${section.name} markers`);
  readme = `${readme.slice(0, start + section.start.length)}\n${section.markdown}\n${readme.slice(end)}`;
}
writeFileSync(file, readme);
console.log('README.md generated sections updated');
