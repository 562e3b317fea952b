/**
 * GET /login: HTTP Basic auth, optional ?orgId=. Success is a 302 whose Set-Cookie carries
 * the token (documented), and no Location: Qwilt's own client signs in through a client that
 * follows redirects and still demands the 302 and its cookie, so Qwilt's 302 has nothing to
 * follow (test/simulator-terraform-client.test.ts replays that client). A request body (that
 * client sends its credentials as JSON too) is ignored: Basic auth is what counts.
 */
import type { IncomingHttpHeaders } from "node:http";
import { LOGIN_TOKEN_COOKIE } from "../qwilt-api";
import { decodeBasic, readCredential } from "./auth";
import type { Handled, SimContext } from "./context";
import { fail } from "./reply";

const CHALLENGE = { "www-authenticate": 'Basic realm="qwilt", charset="UTF-8"' };

export function handleLogin(ctx: SimContext, headers: IncomingHttpHeaders, query: URLSearchParams): Handled {
  const cred = readCredential(headers);
  const basic = cred.kind === "basic" && cred.value ? decodeBasic(cred.value) : undefined;
  if (!basic) return { reply: fail(401, "missing credentials: send HTTP Basic auth", CHALLENGE) };
  const user = ctx.store.user(basic.username);
  if (!user || user.password !== basic.password) return { reply: fail(401, "wrong username or password", CHALLENGE) };
  const wanted = query.get("orgId") || undefined;
  if (wanted !== undefined && !user.orgIds.includes(wanted)) {
    return { reply: fail(403, `user is not a member of organization ${JSON.stringify(wanted)}`) };
  }
  const orgId = wanted ?? user.orgIds[0];
  if (orgId === undefined) return { reply: fail(403, "user is not a member of any organization") };
  const session = ctx.store.createSession(user.email, orgId, ctx.clock.now().getTime() + ctx.tokenLifetimeMs);
  return {
    reply: {
      status: 302,
      headers: {
        "set-cookie": [`${LOGIN_TOKEN_COOKIE}=${session.token}; Path=/; HttpOnly; Secure; SameSite=Lax`],
      },
    },
    orgId,
  };
}
