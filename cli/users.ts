import { parseArgs } from 'node:util';
import { hashPassword } from '../api/auth/passwords.ts';
import { ExitCode, UsageError, type CliIo } from './io.ts';

export const usersHelp = `Usage: linkwatch users hash

Reads a password and prints its scrypt hash, for api.users[].passwordHash (or the users file):
  api:
    users:
      - {name: hoa.nguyen, role: operator, passwordHash: "scrypt$32768$8$1$…"}
At a terminal it asks twice without showing what is typed; otherwise it reads the first line of
standard input (echo "$PASSWORD" | linkwatch users hash). Passwords need at least 8 characters.
The password itself is never stored or printed.`;

const MIN_LENGTH = 8;

/** A password typed at a terminal, not echoed. */
function askHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin!;
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    stdin.setRawMode?.(true);
    stdin.resume();
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(() => resolve(typed));
        if (char === '\u0003') return finish(() => reject(new UsageError('cancelled')));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    const finish = (then: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      then();
    };
    stdin.on('data', onData);
  });
}

async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export async function usersCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals[0] !== 'hash' || positionals.length > 1) throw new UsageError(positionals.length === 0 ? 'say what to do: hash' : `unknown: ${positionals.join(' ')}`);
  if (io.stdin === undefined) throw new UsageError('no standard input to read the password from');
  let password: string;
  if (io.stdin.isTTY) {
    password = await askHidden(io, 'Password: ');
    if ((await askHidden(io, 'Again: ')) !== password) {
      io.stderr.write('linkwatch users hash: the two passwords differ\n');
      return ExitCode.usage;
    }
  } else password = await firstLine(io.stdin);
  if ([...password].length < MIN_LENGTH) {
    io.stderr.write(`linkwatch users hash: the password has ${[...password].length} characters; it needs at least ${MIN_LENGTH}\n`);
    return ExitCode.usage;
  }
  io.stdout.write(`${await hashPassword(password)}\n`);
  return ExitCode.ok;
}
