/** What the login page may say; chosen by a key in the query, so no request text is ever echoed into the page. */
export const LOGIN_MESSAGES = {
  invalid: 'Kein gültiges Benutzer-Token. / Not a valid user token.',
  forbidden: 'Das Dashboard ist der Rolle operator vorbehalten. / The dashboard requires the operator role.',
  'signed-out': 'Sie sind abgemeldet. / You are signed out.',
} as const;

export type LoginMessage = keyof typeof LOGIN_MESSAGES;

/**
 * The dashboard's login form (German first, English second). No script at all, so helmet's CSP stays as it
 * is; the inline style is allowed by its `style-src 'unsafe-inline'`.
 */
export function loginPage(message?: LoginMessage): string {
  const notice = message
    ? `<p class="${message === 'signed-out' ? 'info' : 'error'}" role="status">${LOGIN_MESSAGES[message]}</p>`
    : '';
  return `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Steckbrief: Warteschlangen / Queues</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d232b;margin:0}
main{max-width:26rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin-top:0}
label{display:block;font-weight:600;margin:1rem 0 .3rem}
input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}
button{margin-top:1rem;padding:.5rem 1rem;font:inherit;cursor:pointer}
.error{color:#a40000}.info{color:#205b20}
.secondary{margin-top:2rem;border-top:1px solid #ddd}
</style>
</head>
<body>
<main>
<h1>Warteschlangen-Dashboard <span lang="en">/ Queue dashboard</span></h1>
<p>Anmeldung mit einem API-Token der Rolle <code>operator</code>; die Sitzung gilt 8 Stunden.<br>
<span lang="en">Sign in with an API token of the <code>operator</code> role; the session lasts 8 hours.</span></p>
${notice}
<form method="post" action="/admin/login">
<label for="token">API-Token <span lang="en">/ API token</span></label>
<input id="token" name="token" type="password" autocomplete="off" required autofocus>
<button type="submit">Anmelden / Sign in</button>
</form>
<form class="secondary" method="post" action="/admin/logout">
<button type="submit">Abmelden / Sign out</button>
</form>
</main>
</body>
</html>
`;
}
