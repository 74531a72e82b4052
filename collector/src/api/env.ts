/** The Hono environment of the API: what the request pipeline's steps put on the context for handlers. */
import type { IncomingMessage } from 'node:http';
import type { UserRecord } from '../stores/app/types.js';

/** Who is calling: a user by session token, or by one of their API keys. */
export interface Principal {
  user: UserRecord;
  via: 'jwt' | 'api_key';
  keyId?: string;
  scope?: 'api' | 'agent';
}

/** Why credentials were refused, when they were presented and refused. */
export type AuthFailure = 'invalid' | 'agent_scope' | 'inactive';

/** Context variables set by the request pipeline's steps. */
export interface AppEnv {
  /** Set by @hono/node-server; absent in-process (app.request). */
  Bindings: { incoming?: IncomingMessage } | undefined;
  Variables: {
    requestId: string;
    /** The response headers of this request (see http.ts). */
    responseHeaders: Record<string, string> | undefined;
    /** The last response `send` built for this request (see http.ts). */
    sent: Response | undefined;
    principal: Principal | undefined;
    authFailure: AuthFailure | undefined;
  };
}
