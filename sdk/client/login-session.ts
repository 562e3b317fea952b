/**
 * Username/password login: GET {loginUrl}/login with Basic auth; success is a 302 whose Set-Cookie
 * carries the `cqloudLoginToken` (documented). The redirect is never followed.
 *
 * - One login in flight serves every concurrent request (a shared promise).
 * - A token lives one hour: renewed `renewMarginMs` before that, by the injected clock. If that early
 *   renewal fails for a passing reason, the old token serves until its hour is really up, and the renewal
 *   is tried again only every RENEWAL_RETRY_MS (else every call would first wait out a failing login).
 * - A 401 from /login means the username/password are wrong. That answer is kept: asking again with the
 *   same password can only lock the account, so later calls fail at once without a request.
 */
import { LOGIN_PATH, LOGIN_TOKEN_COOKIE, LOGIN_TOKEN_LIFETIME_MS } from "../qwilt-api";
import { AuthenticationError, QwiltError, type HintKind } from "./errors";
import type { HttpTransport, ResponseHeaders, TransportResponse } from "./http-transport";
import type { Redactor } from "./redact";

/** After an early renewal failed, how long the old token serves before the next renewal is tried. */
export const RENEWAL_RETRY_MS = 60_000;

export interface LoginSessionSettings {
  transport: HttpTransport;
  redactor: Redactor;
  loginUrl: string;
  username: string;
  password: string;
  orgId?: string;
  renewMarginMs: number;
  now: () => number;
}

export class LoginSession {
  readonly #settings: LoginSessionSettings;
  readonly #authorization: string;
  #token: string | undefined;
  #obtainedAt = 0;
  #inFlight: Promise<string> | undefined;
  #rejected: AuthenticationError | undefined;
  #renewalFailedAt: number | undefined;

  constructor(settings: LoginSessionSettings) {
    this.#settings = settings;
    const basic = Buffer.from(`${settings.username}:${settings.password}`, "utf8").toString("base64");
    this.#authorization = `Basic ${basic}`;
    settings.redactor.add(settings.password);
    settings.redactor.add(basic);
  }

  /** A valid login token, logging in (once, however many callers wait) when there is none or it is about to expire. */
  token(): Promise<string> {
    if (this.#rejected) return Promise.reject(this.#rejected);
    const { now, renewMarginMs } = this.#settings;
    const age = now() - this.#obtainedAt;
    if (this.#token && age < LOGIN_TOKEN_LIFETIME_MS - renewMarginMs) return Promise.resolve(this.#token);
    const failedAt = this.#renewalFailedAt;
    if (this.#token && age < LOGIN_TOKEN_LIFETIME_MS && failedAt !== undefined && now() - failedAt < RENEWAL_RETRY_MS) {
      return Promise.resolve(this.#token);
    }
    this.#inFlight ??= this.#login()
      .catch((error: unknown) => {
        // An early renewal that hit a passing outage (5xx, timeout): the old token still has minutes left.
        const old = this.#token;
        if (!(error instanceof AuthenticationError) && old && now() - this.#obtainedAt < LOGIN_TOKEN_LIFETIME_MS) {
          this.#renewalFailedAt = now();
          return old;
        }
        throw error;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  /** The API refused `token`: forget it (unless a newer one already replaced it) so the next call logs in again. */
  invalidate(token: string): void {
    if (this.#token === token) this.#token = undefined;
  }

  async #login(): Promise<string> {
    const { transport, redactor, loginUrl, orgId, now } = this.#settings;
    // The token may have been issued any time after we asked, so its age counts from the request.
    const startedAt = now();
    const method = "GET";
    const path = LOGIN_PATH;
    let response: TransportResponse;
    try {
      response = await transport.send({
        method,
        baseUrl: loginUrl,
        path,
        query: { orgId },
        headers: { authorization: this.#authorization },
        // Success is the 302 itself (never followed).
        acceptRedirect: true,
        hint: (status) => loginHint(status, orgId),
        about: orgId !== undefined ? { orgId } : {},
      });
    } catch (error) {
      if (error instanceof AuthenticationError) this.#rejected = error;
      throw error;
    }
    const token = response.status === 302 ? readCookie(response.headers, LOGIN_TOKEN_COOKIE) : undefined;
    if (!token) {
      const got = response.status === 302 ? `302 without a ${LOGIN_TOKEN_COOKIE} cookie` : `${response.status}`;
      throw new QwiltError({
        code: "unexpected_login_answer",
        method,
        path,
        status: response.status,
        detail: redactor.redact(
          `answered ${got}, but a successful login answers 302 with a ${LOGIN_TOKEN_COOKIE} cookie`,
        ),
        hint: "check-login-url",
        ...(orgId !== undefined ? { orgId } : {}),
      });
    }
    redactor.add(token);
    this.#token = token;
    this.#obtainedAt = startedAt;
    this.#renewalFailedAt = undefined;
    return token;
  }
}

function loginHint(status: number, orgId: string | undefined): HintKind | undefined {
  if (status === 401) return "check-login";
  if (status === 403 && orgId) return "login-organization-refused";
  if (status === 404) return "check-login-url";
  return undefined;
}

/** The value of cookie `name` from any of the Set-Cookie headers (there may be several). */
export function readCookie(headers: ResponseHeaders, name: string): string | undefined {
  const raw = headers["set-cookie"];
  const lines = Array.isArray(raw) ? raw : raw ? [raw] : [];
  for (const line of lines) {
    const pair = line.split(";", 1)[0] ?? "";
    const eq = pair.indexOf("=");
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value) return value;
  }
  return undefined;
}
