import { z } from 'zod';
import { apiErrors, type ApiErrorCode } from './errors.ts';
import { openApiPath, route, type Route } from './route.ts';

// The OpenAPI 3.1 document, made from the same route list the router is made from: a route
// cannot be served undocumented, and the parameters documented are the schemas that validate
// them (zod's JSON Schema of their input side).

const API_PREFIX = '/api/v1';

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** The errors any route can answer with besides its own. */
const commonErrors = (spec: Route): ApiErrorCode[] => [
  // Every route refuses query parameters it does not know.
  'invalid-parameter',
  ...(spec.body ? (['invalid-body', 'payload-too-large'] as const) : []),
  ...(spec.access === 'public' ? [] : (['unauthenticated'] as const)),
  ...(spec.access === 'public' || spec.access === 'viewer' ? [] : (['forbidden'] as const)),
  ...(spec.method !== 'get' ? (['csrf-mismatch'] as const) : []),
  'internal',
  'store-unavailable',
];

/** Every status a route may answer with, and which error codes under each. */
export function documentedStatuses(spec: Route): Map<number, ApiErrorCode[]> {
  const statuses = new Map<number, ApiErrorCode[]>();
  for (const code of new Set([...commonErrors(spec), ...(spec.errors ?? [])])) {
    const status = apiErrors[code].status;
    statuses.set(status, [...(statuses.get(status) ?? []), code]);
  }
  return statuses;
}

/** What a successful call answers with: 201 for creations, 200 otherwise (and 304 for the
 * status snapshot, which carries an ETag). */
export const successStatuses = (spec: Route): number[] => (spec.returns.includes('(201)') ? [201] : spec.id === 'getStatus' ? [200, 304] : [200]);

const contentType = (spec: Route): string => spec.mediaType ?? 'application/json';

function parameters(spec: Route): JsonSchema[] {
  const list: JsonSchema[] = [];
  for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema);
    const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((object.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      list.push({ name, in: where, required: where === 'path' || required.has(name), schema: property, ...(property.description ? { description: property.description } : {}) });
    }
  }
  return list;
}

export function openApiDocument(routes: readonly Route[], options: { version?: string } = {}): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of routes) {
    const path = `${spec.absolute ? '' : API_PREFIX}${openApiPath(spec.path)}`;
    const responses: Record<string, JsonSchema> = {};
    for (const status of successStatuses(spec)) {
      responses[String(status)] = status === 304 ? { description: 'Not modified: the If-None-Match ETag is still current' } : { description: spec.returns, content: { [contentType(spec)]: {} } };
    }
    for (const [status, codes] of documentedStatuses(spec)) {
      responses[String(status)] = { description: codes.map((code) => `${code}: ${apiErrors[code].means}`).join('; '), content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    paths[path] ??= {};
    paths[path][spec.method] = {
      operationId: spec.id,
      summary: spec.summary,
      tags: [spec.tag],
      'x-linkwatch-role': spec.access,
      ...(spec.access === 'public' ? { security: [] } : {}),
      parameters: parameters(spec),
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'linkwatch API',
      version: options.version ?? '1',
      description: 'Inventory, status, time series, availability and alerts of a district network. Errors are {"error": {"code", "message"}}; roles are viewer < operator < admin (x-linkwatch-role says which a route needs).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    tags: [...new Set(routes.map((spec) => spec.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (lw_…) made by an admin' },
        session: { type: 'apiKey', in: 'cookie', name: 'lw_session', description: 'A browser session from POST /api/v1/auth/login; writes also need the X-CSRF-Token header' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', enum: Object.keys(apiErrors) }, message: { type: 'string' } } } },
        },
      },
    },
  };
}

/** GET /api/v1/openapi.json: public, so tools can read it before they have a token. */
export function openApiRoute(routes: readonly Route[]): Route {
  let cached: string | undefined;
  const self: Route = route({
    id: 'openApi',
    method: 'get',
    path: '/openapi.json',
    access: 'public',
    tag: 'operations',
    summary: 'This document',
    query: z.strictObject({}),
    produces: 'text',
    returns: 'the OpenAPI 3.1 document',
    handle: ({ response }) => {
      cached ??= JSON.stringify(openApiDocument([...routes, self]));
      response.type('application/json').send(cached);
    },
  });
  return self;
}
