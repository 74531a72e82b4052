/**
 * Works out who is calling, without refusing anyone: routes decide with requireAuth. A session
 * token (JWT) or an API key arrives as `Authorization: Bearer …` or `?api_key=`. A token is
 * honoured only while its `ver` equals the user's token_version and the user is not inactive.
 */
import type { Context } from 'hono';
import { looksLikeApiKey } from '../../domain/auth/api_key_format.js';
import type { TokenClaims, TokenService } from '../../domain/auth/tokens.js';
import { canUseApi } from '../../domain/accounts/plans.js';
import type { ApiKeysRepo, UsersRepo } from '../../stores/app/types.js';
import type { AppEnv, AuthFailure, Principal } from '../env.js';
import { requestHeader } from '../http.js';

/** What identify needs. */
export interface IdentifyDeps {
  tokens: TokenService;
  users: UsersRepo;
  apiKeys: ApiKeysRepo;
}

function presented(authorization: string | undefined, queryKey: string | undefined): string | null {
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return m?.[1] ?? '';
  }
  return queryKey ?? null;
}

function fromClaims(deps: IdentifyDeps, claims: TokenClaims | null): Principal | AuthFailure {
  const user = claims ? deps.users.byId(claims.userId) : null;
  if (!claims || !user || user.tokenVersion !== claims.version) return 'invalid';
  if (!canUseApi(user.status)) return 'inactive';
  return { user, via: 'jwt' };
}

/** Synchronous for API keys and already-verified tokens (most requests); a promise otherwise. */
function resolve(deps: IdentifyDeps, token: string): Principal | AuthFailure | Promise<Principal | AuthFailure> {
  if (looksLikeApiKey(token)) {
    const key = deps.apiKeys.authenticateKey(token);
    const user = key ? deps.users.byId(key.tenantId) : null;
    if (!key || !user) return 'invalid';
    if (key.scope !== 'api') return 'agent_scope';
    if (!canUseApi(user.status)) return 'inactive';
    return { user, via: 'api_key', keyId: key.keyId, scope: key.scope };
  }
  const known = deps.tokens.verifyCached(token);
  if (known !== undefined) return fromClaims(deps, known);
  return deps.tokens.verify(token).then((claims) => fromClaims(deps, claims));
}

function record(c: Context<AppEnv>, who: Principal | AuthFailure): void {
  if (typeof who === 'string') c.set('authFailure', who);
  else c.set('principal', who);
}

/** Builds the identify step: synchronous unless a token has to be verified. */
export function identify(deps: IdentifyDeps): (c: Context<AppEnv>) => void | Promise<void> {
  return function identifyCaller(c) {
    // Parsing the query string costs; look only when the key can be there.
    const queryKey = c.req.url.includes('api_key=') ? c.req.query('api_key') : undefined;
    const token = presented(requestHeader(c, 'authorization'), queryKey);
    if (token === null) return;
    const who = token === '' ? 'invalid' : resolve(deps, token);
    if (who instanceof Promise) return who.then((w) => record(c, w));
    record(c, who);
  };
}
