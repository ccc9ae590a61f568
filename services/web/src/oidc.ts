import { createHash } from 'node:crypto';
import type { Db } from '@steckbrief/db';
import { sql } from 'kysely';
import * as client from 'openid-client';

/** OpenID Connect sign-in (WEB.md "Sessions and sign-in"): the provider and this application's client. */
export interface OidcSettings {
  /** The provider's issuer identifier, e.g. https://login.land.example/realms/steckbrief. */
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** A sign-in started at the provider must come back within this time. */
export const OIDC_REQUEST_TTL_MS = 10 * 60_000;
/** Where the provider sends the browser back, below the public URL. */
export const CALLBACK_PATH = 'anmelden/oidc/rueckkehr';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Loopback issuers (the tests' in-process provider) may use plain http; any other must be https. */
export const isLoopbackUrl = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/** Why a sign-in through the provider did not sign anyone in; each has its own German page. */
export type OidcRefusal =
  /** No user with this subject, nor with this (verified) e-mail address: no account is created. */
  | 'unknown'
  /** The provider does not vouch for the e-mail address, and the subject is not known yet. */
  | 'unverified'
  /** The answer does not belong to a sign-in this browser started (state unknown, used or expired). */
  | 'state'
  /** The provider said no (e.g. the person cancelled), or its answer failed the checks. */
  | 'provider';

export type OidcOutcome =
  | { status: 'ok'; userId: string; next: string | null }
  | { status: OidcRefusal; detail?: string };

/**
 * The client of one provider. Its metadata is discovered on first use (and again after a failure), so
 * the application starts while the provider is unreachable; sign-in by e-mail code works regardless.
 */
export class OidcClient {
  private configuration: Promise<client.Configuration> | null = null;
  readonly redirectUri: string;
  readonly issuer: string;

  constructor(
    private readonly settings: OidcSettings,
    publicUrl: string,
  ) {
    const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
    this.redirectUri = new URL(CALLBACK_PATH, base).toString();
    this.issuer = settings.issuer;
  }

  private config(): Promise<client.Configuration> {
    if (!this.configuration) {
      const issuer = new URL(this.settings.issuer);
      this.configuration = client
        .discovery(
          issuer,
          this.settings.clientId,
          { client_secret: this.settings.clientSecret },
          client.ClientSecretBasic(this.settings.clientSecret),
          isLoopbackUrl(issuer) && issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {},
        )
        .catch((error: unknown) => {
          this.configuration = null;
          throw error;
        });
    }
    return this.configuration;
  }

  /**
   * Start a sign-in for the visitor's session: PKCE verifier, state and nonce are kept on the server
   * (the state only hashed), bound to that session, for 10 minutes. Returns the provider's address.
   */
  async start(db: Db, input: { sessionHash: string; next: string | null; now: Date }): Promise<URL> {
    const config = await this.config();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    await db.deleteFrom('web_oidc_requests').where('expires_at', '<=', input.now).execute();
    await db
      .insertInto('web_oidc_requests')
      .values({
        state_hash: sha256(state),
        session_hash: input.sessionHash,
        code_verifier: codeVerifier,
        nonce,
        next_path: input.next,
        expires_at: new Date(input.now.getTime() + OIDC_REQUEST_TTL_MS),
      })
      .execute();
    return client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
  }

  /**
   * The provider's answer at the callback address: the sign-in it belongs to is used up whatever the
   * outcome; then the code is exchanged (PKCE, state and nonce checked) and the person is matched to a
   * user (see `matchUser`). Never creates a user.
   */
  async finish(db: Db, input: { sessionHash: string; url: URL; now: Date }): Promise<OidcOutcome> {
    const state = input.url.searchParams.get('state') ?? '';
    const pending = state
      ? await db
          .deleteFrom('web_oidc_requests')
          .where('state_hash', '=', sha256(state))
          .where('session_hash', '=', input.sessionHash)
          .where('expires_at', '>', input.now)
          .returning(['code_verifier', 'nonce', 'next_path'])
          .executeTakeFirst()
      : undefined;
    if (!pending) return { status: 'state' };
    const error = input.url.searchParams.get('error');
    if (error) return { status: 'provider', detail: error.slice(0, 100) };
    let claims: client.IDToken | undefined;
    let email: unknown;
    let verified: unknown;
    try {
      const config = await this.config();
      const tokens = await client.authorizationCodeGrant(config, input.url, {
        pkceCodeVerifier: pending.code_verifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
      if (!claims) return { status: 'provider', detail: 'no ID token' };
      ({ email, email_verified: verified } = claims);
      // Providers that keep the address out of the ID token give it from the UserInfo endpoint.
      if (email === undefined) {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        ({ email, email_verified: verified } = info);
      }
    } catch (err) {
      const detail =
        err instanceof client.AuthorizationResponseError || err instanceof client.ResponseBodyError
          ? err.error
          : err instanceof Error
            ? err.name
            : 'error';
      return { status: 'provider', detail: String(detail).slice(0, 100) };
    }
    const match = await matchUser(db, {
      issuer: this.issuer,
      subject: claims.sub,
      email: typeof email === 'string' ? email : null,
      emailVerified: verified === true,
      now: input.now,
    });
    return match.status === 'ok' ? { status: 'ok', userId: match.userId, next: pending.next_path } : match;
  }
}

/**
 * Who signed in: the user with this subject (issuer + sub) if one has it; else, on a first sign-in,
 * the active user with this e-mail address, but only when the provider says it verified the address,
 * and only if that user has no other subject at this provider. The subject is then stored, so later
 * sign-ins find the user by it even after the address changed at the provider. Roles stay in
 * Steckbrief; no user is ever created here.
 */
export async function matchUser(
  db: Db,
  input: { issuer: string; subject: string; email: string | null; emailVerified: boolean; now: Date },
): Promise<{ status: 'ok'; userId: string } | { status: 'unknown' | 'unverified' }> {
  const known = await db
    .updateTable('user_identities as i')
    .set({ last_used_at: input.now })
    .from('users as u')
    .whereRef('u.id', '=', 'i.user_id')
    .where('i.issuer', '=', input.issuer)
    .where('i.subject', '=', input.subject)
    .where('u.disabled_at', 'is', null)
    .returning('i.user_id')
    .executeTakeFirst();
  if (known) return { status: 'ok', userId: known.user_id };
  const linked = await db
    .selectFrom('user_identities')
    .select('user_id')
    .where('issuer', '=', input.issuer)
    .where('subject', '=', input.subject)
    .executeTakeFirst();
  // A subject of a disabled user stays theirs: it does not fall through to matching by address.
  if (linked) return { status: 'unknown' };
  if (!input.email) return { status: 'unverified' };
  if (!input.emailVerified) return { status: 'unverified' };
  const user = await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(email)`, '=', input.email.trim().toLowerCase())
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (!user) return { status: 'unknown' };
  const stored = await db
    .insertInto('user_identities')
    .values({
      issuer: input.issuer,
      subject: input.subject,
      user_id: user.id,
      created_at: input.now,
      last_used_at: input.now,
    })
    // The user already has another subject at this provider (or a parallel first sign-in stored this one).
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .executeTakeFirst();
  if (stored) return { status: 'ok', userId: user.id };
  const again = await db
    .selectFrom('user_identities')
    .select('user_id')
    .where('issuer', '=', input.issuer)
    .where('subject', '=', input.subject)
    .executeTakeFirst();
  return again?.user_id === user.id ? { status: 'ok', userId: user.id } : { status: 'unknown' };
}
