/**
 * Who may log in: `api.users` from the config plus, optionally, the users of `api.usersFile`
 * (a YAML file `users: [...]` with the same fields, kept apart so the inventory can be shared
 * without the hashes). Read once at start; a reload swaps in a whole new directory.
 */
import { readFile as readFileFromDisk } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { userSchema, type ApiUser } from '../../config/api.ts';
import { formatPath } from '../../config/errors.ts';
import type { Config } from '../../config/schema.ts';

/** Users by name. Names match exactly, as typed at the login form. */
export type UserDirectory = ReadonlyMap<string, ApiUser>;

export type UsersResult = { ok: true; users: UserDirectory; fromFile: number } | { ok: false; message: string };

const usersFileSchema = z.strictObject({ users: z.array(userSchema) });

/** Parses a users file's text; `source` names it in messages. Never throws. */
export function parseUsersFile(text: string, source: string): { ok: true; users: ApiUser[] } | { ok: false; message: string } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return { ok: false, message: `${source}: not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}` };
  const parsed = usersFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    // The message names the path (users[2].passwordHash) and what is wrong, never the value.
    const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path as (string | number)[])}: ${issue.message}`);
    return { ok: false, message: `${source}: ${problems.join('; ')}` };
  }
  return { ok: true, users: parsed.data.users };
}

/** One directory from both lists; a name given twice (in either or across both) is an error,
 * since which hash wins would otherwise depend on the order of reading. */
export function mergeUsers(lists: readonly { source: string; users: readonly ApiUser[] }[]): UsersResult {
  const users = new Map<string, ApiUser>();
  const seenIn = new Map<string, string>();
  for (const list of lists) {
    for (const user of list.users) {
      const earlier = seenIn.get(user.name);
      if (earlier !== undefined) return { ok: false, message: `user "${user.name}" is defined twice: in ${earlier} and in ${list.source}` };
      seenIn.set(user.name, list.source);
      users.set(user.name, user);
    }
  }
  return { ok: true, users, fromFile: lists.slice(1).reduce((sum, list) => sum + list.users.length, 0) };
}

export interface LoadUsersOptions {
  config: Config;
  /** The folder of the config file: `api.usersFile` is relative to it. */
  configDir: string;
  /** Injected for tests. Default: node:fs/promises readFile. */
  readFile?: (path: string) => Promise<string>;
}

/** `api.users` and the users file, merged. Never throws: an unreadable or invalid file is a
 * message naming it. */
export async function loadUsers(options: LoadUsersOptions): Promise<UsersResult> {
  const { config } = options;
  const lists = [{ source: 'api.users', users: config.api.users }];
  const file = config.api.usersFile;
  if (file !== undefined) {
    const path = isAbsolute(file) ? file : join(options.configDir, file);
    const read = options.readFile ?? ((p: string) => readFileFromDisk(p, 'utf8'));
    let text: string;
    try {
      text = await read(path);
    } catch (error) {
      return { ok: false, message: `api.usersFile: cannot read ${path}: ${(error as Error).message}` };
    }
    const parsed = parseUsersFile(text, path);
    if (!parsed.ok) return parsed;
    lists.push({ source: path, users: parsed.users });
  }
  return mergeUsers(lists);
}
