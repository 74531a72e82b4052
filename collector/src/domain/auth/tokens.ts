/**
 * Session tokens: HS256 JWTs via jose with exp, iss and aud checked, and a `ver` claim that must
 * equal the user's token_version (bumping it revokes every earlier token). The HMAC key is
 * imported once, and verified tokens are cached (bounded) so the request path does no crypto.
 */
import { SignJWT, jwtVerify } from 'jose';
import type { Clock } from '../../ports.js';

/** What a verified token says. */
export interface TokenClaims {
  userId: string;
  version: number;
  expiresAt: Date;
}

/** Settings of the token service. */
export interface TokenOptions {
  secret: string;
  ttlSeconds: number;
  issuer: string;
  audience: string;
  clock: Clock;
  /** Verified tokens kept in memory. */
  cacheSize?: number;
}

/** Issues and verifies session tokens. */
export interface TokenService {
  issue(userId: string, version: number): Promise<{ token: string; expiresAt: Date }>;
  /** The claims of a valid token, or null for anything forged, expired, malformed or foreign. */
  verify(token: string): Promise<TokenClaims | null>;
  /** verify's answer when it is known without crypto (an earlier verified token), else undefined. */
  verifyCached(token: string): TokenClaims | null | undefined;
}

/** Builds a token service; the secret must be at least 32 characters. */
export function createTokenService(opts: TokenOptions): TokenService {
  if (opts.secret.length < 32) throw new Error('JWT secret must be at least 32 characters');
  const keyPromise = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(opts.secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  const cache = new Map<string, TokenClaims>();
  const cacheSize = opts.cacheSize ?? 10_000;

  async function issue(userId: string, version: number) {
    const nowS = Math.floor(opts.clock.now().getTime() / 1000);
    const exp = nowS + opts.ttlSeconds;
    const token = await new SignJWT({ ver: version })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(opts.issuer)
      .setAudience(opts.audience)
      .setIssuedAt(nowS)
      .setExpirationTime(exp)
      .sign(await keyPromise);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async function verifyUncached(token: string): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, await keyPromise, {
        algorithms: ['HS256'],
        issuer: opts.issuer,
        audience: opts.audience,
        currentDate: opts.clock.now(),
        requiredClaims: ['exp', 'sub', 'iat'],
        clockTolerance: 0,
      });
      const ver = payload['ver'];
      if (typeof payload.sub !== 'string' || typeof ver !== 'number' || !Number.isInteger(ver)) return null;
      return { userId: payload.sub, version: ver, expiresAt: new Date((payload.exp ?? 0) * 1000) };
    } catch {
      return null;
    }
  }

  function verifyCached(token: string): TokenClaims | null | undefined {
    if (token.length > 4096) return null;
    const hit = cache.get(token);
    if (hit) return hit.expiresAt.getTime() > opts.clock.now().getTime() ? hit : null;
    return undefined;
  }

  async function verify(token: string): Promise<TokenClaims | null> {
    const known = verifyCached(token);
    if (known !== undefined) return known;
    const claims = await verifyUncached(token);
    if (!claims) return null;
    if (cache.size >= cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(token, claims);
    return claims;
  }

  return { issue, verify, verifyCached };
}
