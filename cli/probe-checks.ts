/**
 * What `qwilt-keys probe` finds out: each assumption of sdk/qwilt-api.ts (`ASSUMPTIONS`) checked against the
 * configured API, through the same client the provider uses, so a contradicted assumption is one our code
 * would trip on. It makes at most one key (viewer, one day, named `qwilt-keys-probe-<random>`, its
 * description saying so) and revokes it; a key it could not revoke is the report's `leftover`. It never
 * prints a key: observations name statuses, field names and keyIds only.
 */
import { randomBytes } from "node:crypto";
import { AuthenticationError, PermissionDeniedError, QwiltError, ResponseValidationError } from "../sdk/client/errors";
import { pollUntil } from "../sdk/client/poll-until";
import type { QwiltClient } from "../sdk/client/qwilt-client";
import type { ApiKeyInfo, CreatedApiKey } from "../sdk/client/types";
import {
  ACTIVATION_DELAY_MS,
  ASSUMPTIONS,
  DAY_MS,
  endpointAssumption,
  LOGIN_PATH,
  NO_SUCH_KEY_ID,
  type AssumptionId,
  type AssumptionSource,
} from "../sdk/qwilt-api";
import type { Connection } from "./qwilt-connection";
import { describeApiError } from "./qwilt-error-words";

export type Verdict = "confirmed" | "contradicted" | "unknown";

export interface AssumptionRow {
  id: AssumptionId;
  statement: string;
  source: AssumptionSource;
  verdict: Verdict;
  observed: string;
}

export interface Leftover {
  keyId: string;
  name: string;
  expiresAt: string;
}

export interface ProbeReport {
  assumptions: AssumptionRow[];
  leftover: Leftover | null;
}

export interface ProbeResult {
  report: ProbeReport;
  /** Why the probe stopped before checking everything it could (credentials refused, no key made), if it did. */
  stopped?: string;
  exitCode: 0 | 1;
}

export interface ProbeOptions {
  /** How long to wait for the new key to work, and for the revoked one to stop working. Default five minutes (documented). */
  activationTimeoutMs?: number;
  /** Progress for a person (standard error); never a secret. */
  progress?: (line: string) => void;
  /** The client a key would use (its own credentials, the configured URLs). */
  clientForKey: (apiKey: string) => QwiltClient;
}

/**
 * Why an assumption stays unknown when the probe does not check it. Typed on every id: an assumption added
 * to sdk/qwilt-api.ts needs a check below, or a line here saying why it cannot have one.
 */
const NOT_CHECKED: Record<AssumptionId, string | undefined> = {
  "login-302-cookie": undefined,
  "login-bearer": undefined,
  "login-token-lifetime": "not checked: it would take an hour",
  "login-token-names-org": undefined,
  "api-key-header": undefined,
  "wrong-key-401": undefined,
  "list-path": undefined,
  create: undefined,
  "viewer-permission": undefined,
  "expiry-from-ttl": undefined,
  "key-is-jwt": undefined,
  "max-ttl-365": "not checked: trying 366 days could make a second key",
  "get-path": undefined,
  "token-only-on-create": "not checked: the client reads apiToken from the create answer only",
  "activation-5-minutes": undefined,
  "viewer-reads": undefined,
  "viewer-cannot-write": undefined,
  "revoke-path": undefined,
  "revoked-key-401": undefined,
  "revoked-get-404": undefined,
  "revoked-not-listed": undefined,
  "revoke-again-404": undefined,
  "expired-still-listed": "not checked: it needs a key past its expiry, a day later",
  "rate-limit-retry-after": "not checked: the probe does not provoke rate limits",
};

/** A status or shape that says the API is not as assumed (as opposed to refused credentials or a passing outage). */
function contradicts(error: QwiltError): boolean {
  if (error instanceof ResponseValidationError) return true;
  const s = error.status;
  return s !== undefined && s >= 300 && s < 500 && s !== 401 && s !== 403 && s !== 408 && s !== 429;
}

export async function runProbe(connection: Connection, options: ProbeOptions): Promise<ProbeResult> {
  const { client } = connection;
  const login = connection.credentials === "login";
  const activationTimeoutMs = options.activationTimeoutMs ?? ACTIVATION_DELAY_MS;
  const progress = options.progress ?? (() => {});
  const seen = new Map<AssumptionId, { verdict: Verdict; observed: string }>();
  const set = (id: AssumptionId, verdict: Verdict, observed: string) => {
    // A contradiction, once seen, stands.
    if (seen.get(id)?.verdict === "contradicted") return;
    seen.set(id, { verdict, observed });
  };
  /**
   * A failed call: a contradiction when the answer says the API differs, otherwise unknown with what happened.
   * An endpoint that answers as if it were not there contradicts that endpoint's own assumption (a list at
   * another path contradicts list-path), not the one that only needed it.
   */
  const failed = (id: AssumptionId, error: unknown, doing: string) => {
    if (!(error instanceof QwiltError)) throw error;
    // The error names its request (`DELETE /api/1/api-keys/7: 405 ...`); `doing` says it when none was sent.
    const words = error.method ? describeApiError(error) : `${doing}: ${describeApiError(error)}`;
    const endpoint = endpointAssumption(error.method, error.path);
    if (contradicts(error) && endpoint && endpoint !== id) {
      set(endpoint, "contradicted", words);
      set(id, "unknown", `${words} (${endpoint} is what that contradicts)`);
      return;
    }
    set(id, contradicts(error) ? "contradicted" : "unknown", words);
  };
  let stopped: string | undefined;
  let leftover: Leftover | null = null;
  const finish = (): ProbeResult => {
    const assumptions = ASSUMPTIONS.map((a): AssumptionRow => {
      const got = seen.get(a.id) ?? {
        verdict: "unknown" as const,
        observed: NOT_CHECKED[a.id] ?? `not reached: ${stopped ?? "an earlier check failed"}`,
      };
      return { id: a.id, statement: a.statement, source: a.source, ...got };
    });
    const contradicted = assumptions.some((a) => a.verdict === "contradicted");
    return {
      report: { assumptions, leftover },
      ...(stopped ? { stopped } : {}),
      exitCode: contradicted || stopped || leftover ? 1 : 0,
    };
  };

  if (!login) {
    const why = "not checked: the credentials are an API key (QWILT_USERNAME and QWILT_PASSWORD would check the login)";
    for (const id of ["login-302-cookie", "login-bearer", "login-token-names-org"] as const) set(id, "unknown", why);
  }

  // 1. The organization's keys: logs in first with username/password.
  let before: ApiKeyInfo[] | undefined;
  try {
    before = await client.listKeys();
    set("list-path", "confirmed", `answered a JSON array of ${before.length} key${before.length === 1 ? "" : "s"}`);
    if (login) {
      set("login-302-cookie", "confirmed", "GET /login answered 302 with a cqloudLoginToken cookie");
      set("login-bearer", "confirmed", "the list answered to the login token as Bearer");
    } else set("api-key-header", "confirmed", "the list answered to the API key in X-API-KEY");
  } catch (error) {
    if (!(error instanceof QwiltError)) throw error;
    if (login && error.path === LOGIN_PATH) {
      if (error.code === "unexpected_login_answer" || contradicts(error))
        set("login-302-cookie", "contradicted", describeApiError(error));
      else set("login-302-cookie", "unknown", describeApiError(error));
      stopped = `the login failed: ${describeApiError(error)}`;
      return finish();
    }
    if (error instanceof AuthenticationError || error instanceof PermissionDeniedError || !contradicts(error)) {
      stopped = `the credentials could not list keys: ${describeApiError(error)} (\`qwilt-keys doctor\` tells more)`;
      set(login ? "login-bearer" : "api-key-header", "unknown", describeApiError(error));
      return finish();
    }
    set("list-path", "contradicted", describeApiError(error));
  }

  // 2. A key the API cannot know.
  const stranger = options.clientForKey(`qwilt-keys-probe-not-a-key-${randomBytes(6).toString("hex")}`);
  try {
    await stranger.listKeys();
    set("wrong-key-401", "contradicted", "a key that does not exist was answered with the organization's keys");
  } catch (error) {
    if (error instanceof AuthenticationError) set("wrong-key-401", "confirmed", "answered 401");
    else if (error instanceof PermissionDeniedError) set("wrong-key-401", "contradicted", `answered ${error.detail}`);
    else failed("wrong-key-401", error, "a list with an unknown key");
  } finally {
    await stranger.close();
  }

  // 3. The one key.
  const name = `qwilt-keys-probe-${randomBytes(4).toString("hex")}`;
  const description =
    "made by `qwilt-keys probe` to check what pulumi-qwilt-api-keys assumes of the Qwilt API; revoked at once, expires within a day";
  progress(`making one viewer key for a day, "${name}"`);
  let created: CreatedApiKey;
  try {
    created = await client.createKey({ name, description, ttlDays: 1, permission: "viewer" });
  } catch (error) {
    if (!(error instanceof QwiltError)) throw error;
    if (error instanceof PermissionDeniedError) {
      set("create", "unknown", `${describeApiError(error)}: these credentials may not create keys`);
      stopped =
        "the credentials may not create keys, so nothing that needs a key was checked (an Editor key or a user with that right can)";
      return finish();
    }
    failed("create", error, "the create");
    if (/permission/i.test(error.apiMessage ?? ""))
      set("viewer-permission", "unknown", `the create was refused, naming the permission: ${error.apiMessage}`);
    // The key may exist all the same (an answer lost, or one we could not read): find it by name and revoke it.
    leftover = await revokeByName(client, name, progress);
    stopped = leftover
      ? `the create failed, and a key named "${name}" was made all the same`
      : "the create failed, so nothing that needs a key was checked";
    return finish();
  }
  const { keyId, key } = created;
  try {
    set("create", "confirmed", `answered keyId ${keyId} with every documented field and an apiToken`);
    if (created.permission === "viewer")
      set("viewer-permission", "confirmed", "the key was made with permission MediaViewer and answered so");
    else
      set(
        "viewer-permission",
        "contradicted",
        `asked for MediaViewer, the API answered permission ${JSON.stringify(created.permission)}`,
      );
    const lifetime = Date.parse(created.expiresAt) - Date.parse(created.createdAt);
    set(
      "expiry-from-ttl",
      Math.abs(lifetime - DAY_MS) <= 1000 && created.ttlDays === 1 ? "confirmed" : "contradicted",
      `ttl ${created.ttlDays}, createdAt ${created.createdAt}, expireAt ${created.expiresAt}`,
    );
    set("key-is-jwt", ...jwtShape(key));
    // The key is made in the organization the login went to: what the login token should name.
    if (login) {
      try {
        const named = await client.loginTokenOrganization();
        set(
          "login-token-names-org",
          named === created.organization ? "confirmed" : "contradicted",
          named === undefined
            ? "the login token's payload names no organization (no orgId, org or ownerId claim)"
            : `the login token names organization ${named}; the key was made in ${created.organization}`,
        );
      } catch (error) {
        failed("login-token-names-org", error, "reading the login token");
      }
    }

    // 4. Listed and got.
    try {
      const listed = (await client.listKeys()).find((k) => k.keyId === keyId);
      if (listed && listed.name === name)
        set("list-path", "confirmed", `answered a JSON array holding the new key (keyId ${keyId})`);
      else set("list-path", "contradicted", `the list does not hold the key just made (keyId ${keyId})`);
    } catch (error) {
      failed("list-path", error, "the list after the create");
    }
    try {
      const got = await client.getKey(keyId);
      if (got && got.keyId === keyId && got.name === name) set("get-path", "confirmed", `answered keyId ${keyId}`);
      else if (!got) set("get-path", "contradicted", `answered 404 for the key just made (keyId ${keyId})`);
      else set("get-path", "contradicted", `answered another key (keyId ${got.keyId}) for keyId ${keyId}`);
    } catch (error) {
      failed("get-path", error, `GET of keyId ${keyId}`);
    }

    // 5. The key at work, with its own credential.
    const own = options.clientForKey(key);
    try {
      let active = false;
      try {
        if (activationTimeoutMs > 0) {
          progress(`waiting for the new key to work (Qwilt documents up to ${ACTIVATION_DELAY_MS / 60_000} minutes)`);
          const r = await pollUntil(() => client.isKeyActive(key), { timeoutMs: activationTimeoutMs });
          active = r.active;
          const after = `${(r.waitedMs / 1000).toFixed(1)} s`;
          if (active) set("activation-5-minutes", "confirmed", `the key worked after ${after}`);
          else if (activationTimeoutMs >= ACTIVATION_DELAY_MS)
            set("activation-5-minutes", "contradicted", `the key was still refused (401) after ${after}`);
          else
            set(
              "activation-5-minutes",
              "unknown",
              `the key was still refused (401) after ${after} (--activation-timeout)`,
            );
        } else {
          active = await client.isKeyActive(key);
          set(
            "activation-5-minutes",
            "unknown",
            `not waited for (--activation-timeout 0); the key ${active ? "worked" : "did not work yet"} at once`,
          );
        }
      } catch (error) {
        failed("activation-5-minutes", error, "using the new key");
      }
      if (active) {
        if (login) set("api-key-header", "confirmed", "the new key worked in X-API-KEY");
        try {
          const itself = await own.getKey(keyId);
          const seenByKey = await own.listKeys();
          set(
            "viewer-reads",
            "confirmed",
            `the Viewer key got ${itself ? "itself" : "a 404 for itself"} and listed ${seenByKey.length} key${seenByKey.length === 1 ? "" : "s"}`,
          );
        } catch (error) {
          if (error instanceof PermissionDeniedError)
            set("viewer-reads", "contradicted", `the Viewer key's read: ${describeApiError(error)}`);
          else failed("viewer-reads", error, "the Viewer key's read");
        }
        try {
          const revoked = await own.revokeKey(NO_SUCH_KEY_ID);
          set(
            "viewer-cannot-write",
            "contradicted",
            revoked
              ? `the Viewer key's revoke of keyId "${NO_SUCH_KEY_ID}", which no key has, answered with success`
              : `the Viewer key's revoke of keyId "${NO_SUCH_KEY_ID}", which no key has, answered 404: the API looks the key up before it checks rights`,
          );
        } catch (error) {
          if (error instanceof PermissionDeniedError)
            set("viewer-cannot-write", "confirmed", `the Viewer key's revoke of a keyId no key has answered 403`);
          else failed("viewer-cannot-write", error, "the Viewer key's revoke");
        }
      } else {
        const why = "not reached: the new key was not seen to work";
        for (const id of ["viewer-reads", "viewer-cannot-write"] as const) set(id, "unknown", why);
        if (login) set("api-key-header", "unknown", why);
      }

      // 6. Revoked.
      progress(`revoking the key (keyId ${keyId})`);
      let revoked = false;
      try {
        revoked = await client.revokeKey(keyId);
        if (revoked) set("revoke-path", "confirmed", `answered with success for keyId ${keyId}`);
        else set("revoke-path", "contradicted", `answered 404 for the key just made (keyId ${keyId})`);
      } catch (error) {
        failed("revoke-path", error, `DELETE of keyId ${keyId}`);
      }
      if (!revoked) {
        leftover = { keyId, name, expiresAt: created.expiresAt };
        stopped = `the key could not be revoked: it is left, and expires within a day (${created.expiresAt})`;
        return finish();
      }
      try {
        // Revoking may take a while to reach every endpoint, as activation does.
        const refused = await pollUntil(async () => !(await client.isKeyActive(key)), {
          timeoutMs: activationTimeoutMs,
        });
        if (!refused.active) {
          set(
            "revoked-key-401",
            "contradicted",
            `the revoked key still worked after ${(refused.waitedMs / 1000).toFixed(1)} s`,
          );
          leftover = { keyId, name, expiresAt: created.expiresAt };
        } else
          set(
            "revoked-key-401",
            "confirmed",
            refused.attempts > 1
              ? `refused (401) after ${(refused.waitedMs / 1000).toFixed(1)} s`
              : "refused (401) at once",
          );
      } catch (error) {
        failed("revoked-key-401", error, "using the revoked key");
      }
      try {
        const after = await client.getKey(keyId);
        set(
          "revoked-get-404",
          after ? "contradicted" : "confirmed",
          after ? `still answered keyId ${keyId} after the revoke` : "answered 404",
        );
      } catch (error) {
        failed("revoked-get-404", error, `GET of the revoked keyId ${keyId}`);
      }
      try {
        const still = (await client.listKeys()).some((k) => k.keyId === keyId);
        set(
          "revoked-not-listed",
          still ? "contradicted" : "confirmed",
          still ? `the list still holds keyId ${keyId} after the revoke` : "the list no longer holds it",
        );
      } catch (error) {
        failed("revoked-not-listed", error, "the list after the revoke");
      }
      try {
        const again = await client.revokeKey(keyId);
        set(
          "revoke-again-404",
          again ? "contradicted" : "confirmed",
          again ? "revoking it again answered with success" : "revoking it again answered 404",
        );
      } catch (error) {
        failed("revoke-again-404", error, "revoking it again");
      }
    } finally {
      await own.close();
    }
  } catch (error) {
    // Something unforeseen: the key must not be left unnamed.
    if (!leftover && !(seen.get("revoke-path")?.verdict === "confirmed")) {
      leftover = (await revokeByName(client, name, progress)) ?? null;
    }
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { leftover });
  }
  return finish();
}

/** After a failed create: finds a key of that name and revokes it; the key it could not revoke, if any. */
async function revokeByName(
  client: QwiltClient,
  name: string,
  progress: (line: string) => void,
): Promise<Leftover | null> {
  let found: ApiKeyInfo | undefined;
  try {
    found = (await client.listKeys()).find((k) => k.name === name);
  } catch {
    return null; // nothing can be told; the create's own error says what happened
  }
  if (!found) return null;
  progress(`a key named "${name}" exists after all (keyId ${found.keyId}): revoking it`);
  try {
    if (await client.revokeKey(found.keyId)) return null;
  } catch {
    // reported as left over
  }
  return { keyId: found.keyId, name, expiresAt: found.expiresAt };
}

/** Whether a key has a JWT's shape, in words that never hold any of it but the header's alg. */
function jwtShape(key: string): [Verdict, string] {
  const parts = key.split(".");
  if (parts.length !== 3 || !parts.every((p, i) => /^[A-Za-z0-9_-]+$/.test(p) || (i === 2 && p === ""))) {
    return [
      "contradicted",
      `the key is not three base64url parts (${parts.length} dot-separated part${parts.length === 1 ? "" : "s"})`,
    ];
  }
  let alg: unknown;
  try {
    alg = (JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as { alg?: unknown }).alg;
  } catch {
    return ["contradicted", "three parts, but the first is not a JSON header"];
  }
  if (alg === "RS256") return ["confirmed", "three base64url parts; the header names RS256"];
  return [
    "contradicted",
    `three base64url parts; the header names ${typeof alg === "string" ? JSON.stringify(alg.slice(0, 20)) : "no alg"}`,
  ];
}
