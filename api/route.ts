import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { roleAtLeast, type Role } from '../config/api.ts';
import { ApiError, type ApiErrorCode } from './errors.ts';
import type { Principal } from './auth/principal.ts';
import { csrfMatches } from './auth/sessions.ts';

// A route is data: its method, path, who may call it, the zod schemas of its parameters and a
// handler. The router, the role checks, the audit log and the OpenAPI document are all made from
// the same list, so a route cannot be served without being documented, validated and checked.

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** `public`: anyone, logged in or not (health, login). */
export type Access = Role | 'public';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal | undefined;
  request: Request;
  response: Response;
}

/** What a write route tells the audit log beyond who and when. */
export interface AuditDetail {
  /** What was acted on: `alert:…`, `maintenance:…`, `token:…`. */
  target?: string;
  /** A short description in words, no secrets. */
  detail?: string;
}

export interface Route<P = unknown, Q = unknown, B = unknown> {
  /** Stable name: the OpenAPI operationId and the audit log's action. */
  id: string;
  method: Method;
  /** Express syntax below /api/v1 (or absolute, with `absolute`): `/links/:id`. */
  path: string;
  /** Served at this path as given, not below /api/v1 (/healthz, /metrics). */
  absolute?: boolean;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** The statuses it answers with besides 200 and the generic ones. */
  errors?: readonly ApiErrorCode[];
  /** `json` (default): the handler's return value is sent as JSON. `stream`: the handler
   * writes the response itself (Server-Sent Events, Prometheus text). */
  produces?: 'json' | 'stream' | 'text';
  /** The 200 answer's media type, for the document. Default application/json. */
  mediaType?: string;
  /** Text of the 200 answer, for the document. */
  returns: string;
  handle(input: RouteInput<P, Q, B>): unknown;
  /** For writes: what the audit log records about a successful call. */
  audit?: (input: RouteInput<P, Q, B>, result: unknown) => AuditDetail;
}

/** Declares a route with its types inferred from the schemas. */
export const route = <P = Record<string, never>, Q = Record<string, never>, B = undefined>(spec: Route<P, Q, B>): Route => spec as unknown as Route;

/** Formats a zod failure as `where.path: message; …`, so the client sees every wrong parameter
 * at once, each by its name. */
export function describeIssues(where: 'path' | 'query' | 'body', error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      const name = path === '' ? where : `${where}.${path}`;
      if (issue.code === 'unrecognized_keys') return `${name}: unknown parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
      return `${name}: ${issue.message}`;
    })
    .join('; ');
}

export function parseInput<T>(where: 'path' | 'query' | 'body', schema: z.ZodType<T> | undefined, value: unknown): T {
  if (schema === undefined) return value as T;
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new ApiError('invalid-parameter', describeIssues(where, parsed.error));
  return parsed.data;
}

const noQuery = z.strictObject({});

export interface MountOptions {
  identify(request: Request): Promise<Principal | undefined>;
  /** Called after a successful write (any method but GET). */
  recordAudit(entry: { principal: Principal; route: Route; status: number; client?: string } & AuditDetail): Promise<void>;
  /** Called when a request has been answered (a stream: when it began). */
  observe?(sample: { routeId: string; method: string; status: number; seconds: number }): void;
}

/** Access check: who may call a route. Pure, so the table test covers every pair. */
export function accessDecision(access: Access, principal: Principal | undefined): { ok: true } | { ok: false; code: 'unauthenticated' | 'forbidden'; message: string } {
  if (access === 'public') return { ok: true };
  if (principal === undefined) return { ok: false, code: 'unauthenticated', message: 'log in or send an API token (Authorization: Bearer …)' };
  if (!roleAtLeast(principal.role, access)) return { ok: false, code: 'forbidden', message: `this needs the ${access} role; ${principal.name} has ${principal.role}` };
  return { ok: true };
}

/** Adds the routes to an express router: identify, check the role, validate, run, audit. */
export function mount(router: Router, routes: readonly Route[], options: MountOptions): void {
  for (const spec of routes) {
    router[spec.method](spec.path, async (request, response, next) => {
      const startedNs = process.hrtime.bigint();
      const observe = () => options.observe?.({ routeId: spec.id, method: spec.method.toUpperCase(), status: response.statusCode, seconds: Number(process.hrtime.bigint() - startedNs) / 1e9 });
      if (spec.produces !== 'stream') response.once('finish', observe);
      try {
        // A public route (health, login, the document) answers whatever credentials came with it.
        const principal = spec.access === 'public' ? await options.identify(request).catch(() => undefined) : await options.identify(request);
        const decision = accessDecision(spec.access, principal);
        if (!decision.ok) throw new ApiError(decision.code, decision.message);
        if (spec.method !== 'get' && spec.access !== 'public' && principal?.session !== undefined && !csrfMatches(request.get('x-csrf-token'), principal.session.csrfToken)) {
          throw new ApiError('csrf-mismatch', 'a write from a browser session must send the X-CSRF-Token header given at login (or by GET /auth/me)');
        }
        const input: RouteInput<unknown, unknown, unknown> = {
          params: parseInput('path', spec.params, request.params),
          // A route without query parameters refuses any, as the others refuse unknown ones.
          query: parseInput('query', spec.query ?? noQuery, request.query),
          body: parseInput('body', spec.body, request.body),
          principal,
          request,
          response,
        };
        const result = await spec.handle(input);
        if (spec.produces === 'stream') observe();
        if (spec.method !== 'get' && principal !== undefined) {
          await options.recordAudit({ principal, route: spec, status: response.statusCode, ...(request.ip !== undefined ? { client: request.ip } : {}), ...(spec.audit?.(input, result) ?? {}) });
        }
        if ((spec.produces ?? 'json') === 'json' && !response.headersSent) response.json(result);
      } catch (error) {
        next(error);
      }
    });
  }
}

/** `/links/:id` → `/links/{id}`, for the OpenAPI document. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
