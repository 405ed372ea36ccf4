import type { Secret } from '../../../config/secret.ts';
import { excerpt, post } from './http.ts';
import { redactSecrets } from '../../../config/secret.ts';
import { failure, type ChannelDeps, type SendResult } from './types.ts';

// Telegram's Bot API and Zalo's Bot Platform share a shape: POST {baseUrl}/bot{token}/sendMessage
// with {chat_id, text}, answered by {ok: true, result} or {ok: false, error_code, description}.

export interface BotApiTarget {
  baseUrl: string;
  token: Secret;
  chatId: string;
  /** The platform's longest message; longer text is cut with an ellipsis. */
  maxLength: number;
}

export const sendMessageUrl = (baseUrl: string, token: Secret): string => `${baseUrl.replace(/\/+$/, '')}/bot${token.reveal()}/sendMessage`;

const truncate = (text: string, max: number): string => ([...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text);

export async function botSendMessage(target: BotApiTarget, text: string, deps: ChannelDeps): Promise<SendResult> {
  const clean = (message: string) => redactSecrets(message, [target.token]);
  const response = await post({
    fetch: deps.fetch,
    url: sendMessageUrl(target.baseUrl, target.token),
    body: JSON.stringify({ chat_id: target.chatId, text: truncate(text, target.maxLength) }),
    headers: { 'Content-Type': 'application/json' },
    timeoutMs: deps.timeoutMs,
    secrets: [target.token],
  });
  if (!response.ok) return response;
  let answer: { ok?: unknown; description?: unknown; error_code?: unknown } | undefined;
  try {
    answer = JSON.parse(response.body) as typeof answer;
  } catch {
    answer = undefined;
  }
  const status = response.status;
  if (answer?.ok === true && status >= 200 && status < 300) return { ok: true };
  const code = typeof answer?.error_code === 'number' ? answer.error_code : status;
  // Redacted before cutting, so a token split by the cut cannot slip through half-visible.
  const description = typeof answer?.description === 'string' ? answer.description : excerpt(clean(response.body));
  const message = clean(`HTTP ${status}${code !== status ? `, error ${code}` : ''}: ${description || '(no description)'}`);
  if (answer === undefined || typeof answer !== 'object' || answer === null) {
    // A proxy's error page or a gateway timeout: the API itself may be fine a moment later.
    return failure('malformed', status >= 500 || status === 429 || (status >= 200 && status < 300), message);
  }
  if (code === 429 || status === 429) return failure('rate-limited', true, message);
  if (code >= 500 || status >= 500) return failure('rejected', true, message);
  if (code === 401 || code === 403 || code === 404) return failure('auth', false, `${message} (check the token and that the bot is in the chat)`);
  return failure('rejected', false, message);
}
