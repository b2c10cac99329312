// Sign-in: posts the form to /auth/login with fetch and shows a rejection next to the fields.
import { errorMessage, page, setFieldError, t } from './common.js';

const form = document.getElementById('login-form');
const username = document.getElementById('username');
const password = document.getElementById('password');

if (new URLSearchParams(location.search).has('signedOut')) {
  form.prepend(Object.assign(document.createElement('p'), { className: 'notice', textContent: t('login.signedOut') }));
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  setFieldError(username, username.value.trim() ? '' : t('case.field.required'));
  setFieldError(password, password.value ? '' : t('case.field.required'));
  if (!username.value.trim() || !password.value) return;

  const response = await fetch('/auth/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: username.value.trim(), password: password.value }),
  });
  if (response.ok) {
    location.assign(page.next || '/');
    return;
  }
  const body = await response.json().catch(() => ({}));
  // Wrong credentials name no single field, so the message goes under the password, where the user types next.
  setFieldError(password, t('login.failed', { message: errorMessage(body) }));
  password.focus();
});

// Tells tests and scripts that the form now sends with fetch.
form.dataset.ready = 'true';
