import { css, html, LitElement } from 'lit';
import { logIn, type SignedInUser } from '../api/client.ts';
import { label, type Locale, ui } from '../lib/i18n.ts';


/** The login form; on success it fires `lw-logged-in` with the user and the CSRF token. */
export class LwLogin extends LitElement {
  static override properties = { locale: {}, error: { state: true }, busy: { state: true } };
  declare locale: Locale;
  declare error: string | undefined;
  declare busy: boolean;

  constructor() {
    super();
    this.locale = 'vi';
    this.busy = false;
  }

  static override styles = css`
    form { display: grid; gap: 0.8rem; max-inline-size: 22rem; margin: 2rem auto; padding: 1.2rem; background: var(--lw-surface); border-radius: 0.5rem; border: 1px solid var(--lw-border); }
    h2 { margin: 0; font-size: 1.2rem; }
    label { display: grid; gap: 0.3rem; }
    input, button { font: inherit; padding: 0.5rem 0.6rem; border-radius: 0.4rem; border: 1px solid var(--lw-border); background: var(--lw-bg); color: var(--lw-text); }
    button { cursor: pointer; font-weight: 600; }
    input:focus-visible, button:focus-visible { outline: 2px solid var(--lw-focus); }
    .error { color: var(--lw-banner-text); background: var(--lw-banner); padding: 0.5rem; border-radius: 0.4rem; margin: 0; }
  `;

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    const result = await logIn(String(data.get('name') ?? ''), String(data.get('password') ?? ''));
    this.busy = false;
    if (!result.ok) {
      this.error = label(result.status === 429 ? ui.login.limited : result.status === 401 || result.status === 400 ? ui.login.wrong : { vi: result.message, en: result.message }, this.locale);
      return;
    }
    this.error = undefined;
    this.dispatchEvent(new CustomEvent<{ user: SignedInUser; csrfToken: string }>('lw-logged-in', { detail: result.value, bubbles: true, composed: true }));
  }

  override render() {
    return html`<form @submit=${(event: SubmitEvent) => void this.submit(event)}>
      <h2>${label(ui.login.title, this.locale)}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <label>${label(ui.login.name, this.locale)}<input name="name" autocomplete="username" required maxlength="64" /></label>
      <label>${label(ui.login.password, this.locale)}<input name="password" type="password" autocomplete="current-password" required maxlength="1024" /></label>
      <button type="submit" ?disabled=${this.busy}>${label(ui.login.submit, this.locale)}</button>
    </form>`;
  }
}

customElements.define('lw-login', LwLogin);
