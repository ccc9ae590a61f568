import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Provider from 'oidc-provider';
import { type HttpClient, httpClient } from './helpers.js';

/** A person at the provider: their login there and what the provider says about them. */
export interface IdpAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/**
 * A real OpenID provider (`oidc-provider`) in this process, on a loopback port: authorization code with
 * PKCE required, its development login form (any login, any password), no consent page (first party).
 * Accounts are looked up at each sign-in, so a test can change an account's e-mail at the provider.
 */
export async function startIdp() {
  const accounts = new Map<string, IdpAccount>();
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const clientId = 'steckbrief-web';
  const clientSecret = 'test-client-secret-0123456789abcdef';
  return {
    issuer,
    accounts,
    settings: { issuer, clientId, clientSecret },
    /** Start answering, for a web application at `webUrl`. */
    serve(webUrl: string) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [`${webUrl}/anmelden/oidc/rueckkehr`],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        pkce: { required: () => true },
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
        cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
        async findAccount(_ctx, id) {
          const account = accounts.get(id);
          if (!account) return undefined;
          return { accountId: id, claims: async () => ({ sub: id, ...accounts.get(id) }) };
        },
        // First party: the grant exists already, so the provider shows no consent page.
        async loadExistingGrant(ctx) {
          const accountId = ctx.oidc.session?.accountId;
          const clientId = ctx.oidc.client?.clientId;
          if (!accountId || !clientId) return undefined;
          const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
          grant.addOIDCScope('openid email profile');
          grant.addOIDCClaims(['email', 'email_verified', 'name']);
          await grant.save();
          return grant;
        },
      });
      handler = provider.callback();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
export type Idp = Awaited<ReturnType<typeof startIdp>>;

/**
 * What a person does in the browser, over HTTP: follow "Mit Dienstkonto anmelden" on the sign-in page,
 * log in at the provider as `login`, and come back. Returns the web application's answer to the
 * callback (not followed), and the callback's address.
 */
export async function signInAtIdp(web: HttpClient, idp: Idp, login: string) {
  const start = await web.request('/anmelden/oidc');
  if (start.status !== 303 || !start.location?.startsWith(idp.issuer)) {
    throw new Error(`sign-in did not go to the provider: ${start.status} ${start.location}`);
  }
  const browser = httpClient(idp.issuer);
  let res = await browser.request(start.location);
  for (let hops = 0; hops < 10; hops++) {
    if (res.status >= 300 && res.status < 400 && res.location) {
      const next = new URL(res.location, idp.issuer);
      if (!next.href.startsWith(idp.issuer)) {
        return { callback: next, answer: await web.request(`${next.pathname}${next.search}`) };
      }
      res = await browser.request(`${next.pathname}${next.search}`);
      continue;
    }
    const action = /<form[^>]*action="([^"]+)"/.exec(res.text)?.[1];
    if (res.status !== 200 || !action)
      throw new Error(`unexpected provider page: ${res.status} ${res.text.slice(0, 300)}`);
    res = await browser.request(action.replaceAll('&amp;', '&'), {
      method: 'POST',
      form: { prompt: 'login', login, password: 'beliebig' },
    });
  }
  throw new Error('the provider did not send the browser back');
}
