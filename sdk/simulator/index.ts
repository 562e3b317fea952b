/**
 * A local simulator of Qwilt's users (api-keys) and login APIs, following docs/qwilt-api.md
 * through the constants of ../qwilt-api. One loopback origin serves both APIs, so the users URL
 * and the login URL of a client both point at `url`.
 */
import { LOGIN_TOKEN_LIFETIME_MS, MAX_TTL_DAYS } from "../qwilt-api";
import { SimulatedClock } from "./clock";
import { createKey } from "./create-key";
import type { SimContext } from "./context";
import { Faults } from "./faults";
import { SimServer } from "./server";
import { loadState, saveState } from "./state-file";
import { Store, toSimKey, type KeyRecord } from "./store";
import { generatePassword } from "./tokens";
import type { CreateSimKeyOptions, SimKey, SimRequest, Simulator, SimulatorOptions } from "./types";

export type * from "./types";

export const DEFAULT_ORG_ID = "org-1";
export const DEFAULT_USER_EMAIL = "admin@example.com";
/** Who a web-UI key records as creator when its organization has no user. */
const UI_CREATOR = "web-ui@example.com";

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  const propagationDelayMs = nonNegative("propagationDelayMs", options.propagationDelayMs ?? 0);
  const tokenLifetimeMs = nonNegative("tokenLifetimeMs", options.tokenLifetimeMs ?? LOGIN_TOKEN_LIFETIME_MS);
  const responseDelayMs = nonNegative("responseDelayMs", options.responseDelayMs ?? 0);
  const { stateFile } = options;

  // Saves are held back until setup is done, then made once: a half-built state never lands on disk.
  let ready = false;
  const persist = (): void => {
    if (ready && stateFile) saveState(stateFile, store.snapshot(clock.offset, clock.now().getTime()));
  };
  const loaded = stateFile ? loadState(stateFile) : undefined;
  const store = new Store(persist);
  if (loaded) store.restore(loaded);
  const offset = options.startTime ? options.startTime.getTime() - Date.now() : (loaded?.clockOffsetMs ?? 0);
  const clock = new SimulatedClock(offset, persist);

  const firstOrg = seedOrganizations(store, options.organizations);
  const user = store.usersOf(firstOrg)[0]!;
  const bootstrap = ensureBootstrapKey(store, clock, firstOrg, user.email);
  ready = true;
  persist();

  const ctx: SimContext = {
    store,
    clock,
    propagationDelayMs,
    tokenLifetimeMs,
    uniqueNames: options.uniqueNames ?? false,
  };
  const faults = new Faults();
  const requests: SimRequest[] = [];
  const server = new SimServer({ ctx, faults, requests, responseDelayMs });
  const port = await server.listen(options.port ?? 0, host);
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const isLive = (k: SimKey): boolean => !k.revoked && Date.parse(k.expireAt) > clock.now().getTime();

  return {
    url,
    bootstrapKey: bootstrap.token,
    get organizations() {
      return store.organizationIds();
    },
    user: { email: user.email, password: user.password, orgId: firstOrg },
    clock,
    addOrganization: (id) => store.addOrganization(id),
    addUser: (orgId, email, password) => store.addUser(Array.isArray(orgId) ? orgId : [orgId], email, password),
    createKey: (orgId, opts) => createOutOfBand(ctx, orgId, opts),
    revokeKey: (orgId, keyId) => store.revoke(orgId, keyId),
    keys: (orgId) => store.allKeys(orgId).map(toSimKey),
    liveKeys: (orgId) => store.allKeys(orgId).map(toSimKey).filter(isLive),
    requests,
    clearRequests: () => {
      requests.length = 0; // in place: callers may hold the array
    },
    get connectionsOpened() {
      return server.connectionsOpened;
    },
    faults,
    close: () => server.close(),
  };
}

/** Adds the configured organizations and users (on top of a loaded state); returns the first organization. */
function seedOrganizations(store: Store, orgs: SimulatorOptions["organizations"]): string {
  const wanted = orgs && orgs.length > 0 ? orgs : store.organizationIds().length > 0 ? [] : [{ id: DEFAULT_ORG_ID }];
  for (const org of wanted) {
    store.addOrganization(org.id);
    for (const u of org.users ?? []) store.addUser([org.id], u.email, u.password);
  }
  const first = wanted[0]?.id ?? store.organizationIds()[0]!;
  if (store.usersOf(first).length === 0) {
    // Every simulator has a user who can log in: keep an existing password, else make one up.
    store.addUser([first], DEFAULT_USER_EMAIL, store.user(DEFAULT_USER_EMAIL)?.password ?? generatePassword());
  }
  return first;
}

/** Reuses the saved bootstrap key while it still works, else makes a new one (Editor, a year, active at once). */
function ensureBootstrapKey(store: Store, clock: SimulatedClock, orgId: string, createdBy: string): KeyRecord {
  const saved = store.bootstrap && store.findKey(store.bootstrap.orgId, store.bootstrap.keyId);
  if (saved && saved.orgId === orgId && !saved.revoked && Date.parse(saved.expireAt) > clock.now().getTime())
    return saved;
  const key = store.createKey(orgId, {
    name: "bootstrap",
    description: "Editor key made by the simulator at start",
    ttl: MAX_TTL_DAYS,
    permission: "MediaEditor",
    createdBy,
    createdAt: clock.now(),
    activeAtMs: Date.now(),
  });
  store.bootstrap = { orgId, keyId: key.keyId };
  return key;
}

/** A key made as a person in the web UI would: same rules as the API, no HTTP. */
function createOutOfBand(
  ctx: SimContext,
  orgId: string,
  opts: CreateSimKeyOptions,
): { keyId: string; apiToken: string } {
  const { store } = ctx;
  if (!store.hasOrganization(orgId)) throw new Error(`createKey: unknown organization ${JSON.stringify(orgId)}`);
  const made = createKey(
    ctx,
    orgId,
    { ...opts },
    {
      createdBy: store.usersOf(orgId)[0]?.email ?? UI_CREATOR,
      activeAtMs: Date.now() + (opts.active ? 0 : ctx.propagationDelayMs),
    },
  );
  if (!made.ok)
    throw made.status === 422 ? new RangeError(`createKey: ${made.message}`) : new Error(`createKey: ${made.message}`);
  return { keyId: made.key.keyId, apiToken: made.key.token };
}

function nonNegative(name: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
    throw new RangeError(`startSimulator: ${name} must be a finite number >= 0`);
  return v;
}
