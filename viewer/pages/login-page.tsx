import { translate } from '../i18n/messages.js';
import { Layout } from './layout.js';
import type { PageFrame } from './layout.js';

/**
 * Renders the sign-in form. It posts to POST /auth/login, so it also works without script. The page's
 * module sends the same form with fetch instead, to show a rejection next to the fields and then open `next`.
 */
export function LoginPage(props: { frame: PageFrame; next: string }) {
  const t = (key: Parameters<typeof translate>[1]) => translate(props.frame.language, key);
  return (
    <Layout frame={props.frame} title={t('login.title')} script="login" data={{ next: props.next }}>
      <form method="post" action="/auth/login" id="login-form" class="card narrow" novalidate>
        <div class="field">
          <label for="username">{t('login.username')}</label>
          <input id="username" name="username" autocomplete="username" required aria-describedby="username-error" />
          <p class="field-error" id="username-error" role="alert"></p>
        </div>
        <div class="field">
          <label for="password">{t('login.password')}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required aria-describedby="password-error" />
          <p class="field-error" id="password-error" role="alert"></p>
        </div>
        <button type="submit">{t('login.submit')}</button>
      </form>
    </Layout>
  );
}
