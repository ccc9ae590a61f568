/**
 * The timeout warning (GOV.UK pattern): a local ES module, served from memory at
 * /assets/web/timeout.js. Shortly before the idle timeout it opens the page's dialog; "Angemeldet
 * bleiben" extends the session without a reload; when the time is up it goes to the sign-in page.
 * Without JavaScript nothing of this happens and the server's timeout applies alone.
 */
export const TIMEOUT_JS = `
const dialog = document.getElementById('zeitueberschreitung');
if (dialog && typeof dialog.showModal === 'function') {
  const idleMs = Number(dialog.dataset.idleMs);
  const warnMs = Number(dialog.dataset.warnMs);
  const form = dialog.querySelector('form');
  // Time is up: sign out (the token is the dialog form's), then say why on the sign-in page.
  const expired = async () => {
    try {
      await fetch('/abmelden', {
        method: 'POST',
        body: new URLSearchParams({ _csrf: form.elements._csrf.value }),
        credentials: 'same-origin',
        redirect: 'manual',
      });
    } finally {
      window.location.assign('/anmelden?abgelaufen=1');
    }
  };
  let warnTimer;
  let endTimer;
  const schedule = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(() => dialog.showModal(), idleMs - warnMs);
    endTimer = setTimeout(expired, idleMs);
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const res = await fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!res.ok) return expired();
      dialog.close();
      schedule();
    } catch {
      expired();
    }
  });
  schedule();
}
`;
