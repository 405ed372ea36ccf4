/** A CliIo that keeps what a command writes, for tests that call `main()` in process. */
export function captureIo(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) }, env },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}
