/**
 * Every fault the simulator can inject × every operation (create, under a fixed name; the activation wait of
 * a create with waitForActivation (auto-named), after its POST went through; the new key's create of a rotation
 * in place (overlapDays), whose old key, under the same fixed name, lives on as the previous key; the create of a
 * replacement under the same fixed name, whose old key the engine deletes only once it exists; read; delete;
 * login), through Pulumi's real provider plugin with the packed package. After each case the simulator's live keys must equal the keys the test's state holds:
 * none orphaned, none lost, none duplicated. Then the login under concurrency, expiry and a wrong password,
 * and one plugin process surviving operations that throw.
 */
import { STATUS_CODES } from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startSimulator, type FaultRule, type Simulator } from "../sdk/simulator";
import { PluginCallError, startPlugin, urnOf, type PluginProcess } from "./helpers/plugin";
import { serializedProvider } from "./helpers/serialized-provider";

type Props = Record<string, any>;

/** Short client timeout and few retries, set the way a user would (QWILT_TIMEOUT_MS, QWILT_MAX_RETRIES). */
const TIMEOUT_MS = 1000;
const MAX_RETRIES = 2;
/** "A delay beyond the client timeout": the request is handled after the client gave up on it. */
const DELAY_MS = 1500;
const TUNING = { QWILT_TIMEOUT_MS: String(TIMEOUT_MS), QWILT_MAX_RETRIES: String(MAX_RETRIES) };

const FAULTS = {
  "429 + Retry-After": { status: 429, retryAfterSeconds: 1 },
  "500": { status: 500 },
  "502": { status: 502 },
  "503": { status: 503 },
  "delay > timeout": { delayMs: DELAY_MS },
  reset: { reset: true },
  "malformed body": { malformedBody: true },
  "schema violation": { schemaViolation: true },
  "lost answer": { loseAnswer: true },
} satisfies Record<string, FaultRule>;
type FaultName = keyof typeof FAULTS;
// Spelled out: Object.keys would list the integer-like "500" before "429 + Retry-After".
const FAULT_NAMES: FaultName[] = [
  "429 + Retry-After",
  "500",
  "502",
  "503",
  "delay > timeout",
  "reset",
  "malformed body",
  "schema violation",
  "lost answer",
];

type Op = "create" | "activate" | "rotate" | "replace" | "read" | "delete" | "login";
const OPS: Op[] = ["create", "activate", "rotate", "replace", "read", "delete", "login"];
/** Where each operation's fault is injected. Read covers the key's GET and the organization's list (refresh may use either). */
const ROUTES: Record<Op, { method: string; path: string }> = {
  create: { method: "POST", path: "/api/1/api-keys" },
  // A create with waitForActivation: the POST goes through, the new key's check (a list call made with it) is faulted.
  activate: { method: "GET", path: "/api/1/api-keys" },
  // An update that rotates a key in place: the new key's POST is faulted; the old key keeps its name and must survive.
  rotate: { method: "POST", path: "/api/1/api-keys" },
  // A replacement (create-before-delete) under the same fixed name: the new key's POST is faulted; the old key is
  // the engine's to delete once the new one exists, and lives until then.
  replace: { method: "POST", path: "/api/1/api-keys" },
  read: { method: "GET", path: "/api/1/api-keys*" },
  delete: { method: "DELETE", path: "/api/1/api-keys/*" },
  login: { method: "GET", path: "/login" },
};
const MODES = { once: 1, always: Infinity } as const;
type Mode = keyof typeof MODES;

/**
 * The expected outcome, [once, always]: ok/error, ×n = requests the faulted route saw, "listed" = the
 * organization's keys were listed to settle an unanswered create (after its first POST: a fixed name's keys are
 * also listed before it), "k revoked" = keys such a create made (found by their name) and revoked.
 */
type Outcome = [string, string];
/** The common case, a fault the client retries: once, the retry gets through; always, the retries run out. */
const RETRIED: Outcome = ["ok ×2", "error ×3"];
/** A create without a clear answer, settled by listing the organization's keys... */
const LISTED: Outcome = ["ok ×2, listed", "error ×2, listed"];
/** ...which finds the keys it made all the same, and revokes them. */
const LISTED_REVOKED: Outcome = ["ok ×2, listed, 1 revoked", "error ×2, listed, 2 revoked"];
/** A garbled answer: an error at once, without a retry. */
const GARBLED: Outcome = ["error ×1", "error ×1"];
/** An operation's row: RETRIED for every fault but those given. */
const outcomes = (others: Partial<Record<FaultName, Outcome>>) =>
  Object.fromEntries(FAULT_NAMES.map((f) => [f, others[f] ?? RETRIED])) as Record<FaultName, Outcome>;

/** A create's row: a POST without a clear answer is settled by looking. */
const CREATE = outcomes({
  "500": LISTED,
  "502": LISTED,
  "503": LISTED,
  "delay > timeout": LISTED_REVOKED,
  reset: LISTED,
  "malformed body": LISTED,
  "schema violation": LISTED_REVOKED,
  "lost answer": LISTED_REVOKED,
});

const EXPECTED: Record<Op, Record<FaultName, Outcome>> = {
  create: CREATE,
  // The same as a create: the strays found by name are the new POSTs' only, never the old key of that name.
  rotate: CREATE,
  replace: CREATE,
  // Every error here is an init failure: the key exists, and Pulumi tracks it as not yet known to work.
  activate: outcomes({ "malformed body": GARBLED, "schema violation": GARBLED }),
  read: outcomes({ "malformed body": GARBLED, "schema violation": GARBLED }),
  delete: outcomes({
    // Every answer lost, but the first revoke landed: a lookup confirms the key is gone.
    "delay > timeout": ["ok ×2", "ok ×3"],
    // A success answer for a revoke that never happened: the lookup after it catches that.
    "malformed body": ["ok ×2", "error ×2"],
    "schema violation": ["ok ×1", "ok ×1"],
    "lost answer": ["ok ×2", "ok ×3"],
  }),
  login: outcomes({
    "malformed body": GARBLED,
    // The login answer is a 302 without a body: nothing to violate.
    "schema violation": ["ok ×1", "ok ×1"],
  }),
};

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const status = (fault: FaultName) => (FAULTS[fault] as FaultRule).status;
const statusLine = (fault: FaultName) => `${status(fault)} ${STATUS_CODES[status(fault)!]} — injected fault`;
const TEMPORARY = {
  rate: "This looks temporary (Qwilt is limiting the request rate)",
  server: "This looks temporary (Qwilt had a server error)",
  timeout:
    "This looks temporary (Qwilt did not answer in time; qwilt:timeoutMs / QWILT_TIMEOUT_MS sets how long to wait)",
  connection:
    "This looks temporary (the connection to Qwilt broke; check the network and qwilt:usersUrl / qwilt:loginUrl)",
};
const CONNECTION = "connection failed — [^()]+(?: \\([A-Z_]+\\))?";

/** The message a user sees for each failing case: exact where stable, else a pattern. */
function expectedError(
  op: Op,
  fault: FaultName,
  c: { name: string; id: string; keyId: string; existing?: string },
): string | RegExp {
  const up = ": run `pulumi up` again.";
  const again = ": run the command again.";
  const reportUp =
    "Run `pulumi up` again; if it happens again, Qwilt's API may have changed or a proxy is mangling its answers: please report it.";
  const reportAgain =
    "Run the command again; if it happens again, Qwilt's API may have changed or a proxy is mangling its answers: please report it.";
  const kind =
    status(fault) === 429 ? "rate" : status(fault) ? "server" : fault === "delay > timeout" ? "timeout" : "connection";
  if (op === "create" || op === "rotate" || op === "replace") {
    if (fault === "429 + Retry-After")
      return `POST /api/1/api-keys: ${statusLine(fault)}. No key was created. ${TEMPORARY.rate}${up}`;
    const twice = `Creating key "${c.name}" failed twice without a clear answer (last: POST /api/1/api-keys: `;
    // The key that had the name before (the one rotated or replaced) is named, and left alone.
    const left = `so these attempts leave no key behind${c.existing ? `; key ${c.existing}, which had that name before, is untouched` : ""}.`;
    const none = `No new key named "${c.name}" was made, ${left}`;
    const two = `Qwilt had made 2 key(s) named "${c.name}" all the same; they were found by name and revoked (a key comes only in the answer that was lost, so it cannot be used), ${left}`;
    if (status(fault)) return `${twice}${statusLine(fault)}). ${none} ${TEMPORARY.server}${up}`;
    if (fault === "delay > timeout")
      return `${twice}no answer within ${TIMEOUT_MS} ms). ${two} ${TEMPORARY.timeout}${up}`;
    if (fault === "malformed body")
      return `${twice}unexpected response — the 200 answer is not JSON (23 characters)). ${none} ${reportUp}`;
    if (fault === "schema violation")
      return new RegExp(`^${esc(twice)}unexpected response — keyId: .*\\)\\. ${esc(two)} ${esc(reportUp)}$`);
    return new RegExp(
      `^${esc(twice)}${CONNECTION}\\)\\. ${esc(fault === "reset" ? none : two)} ${esc(TEMPORARY.connection + up)}$`,
    );
  }
  if (op === "activate") {
    const head = `^key ${esc(c.id)} \\("${esc(c.name)}"\\) was created but seeing whether it works failed: GET /api/1/api-keys: `;
    const tail =
      "\\. Pulumi keeps tracking the key \\(activationPending\\); the next `pulumi up` waits for it again before handing it on\\. ";
    if (status(fault)) return new RegExp(`${head}${esc(statusLine(fault))}${tail}${esc(TEMPORARY[kind] + up)}$`);
    if (fault === "delay > timeout")
      return new RegExp(`${head}no answer within ${TIMEOUT_MS} ms${tail}${esc(TEMPORARY.timeout + up)}$`);
    if (fault === "malformed body")
      return new RegExp(
        `${head}unexpected response — the 200 answer is not JSON \\(23 characters\\)${tail}${esc(reportUp)}$`,
      );
    if (fault === "schema violation") return new RegExp(`${head}unexpected response — .*${tail}${esc(reportUp)}$`);
    return new RegExp(`${head}${CONNECTION}${tail}${esc(TEMPORARY.connection + up)}$`);
  }
  if (op === "read") {
    const head = `^Could not read key "${esc(c.name)}" \\(${esc(c.id)}\\): GET /api/1/api-keys(?:/${c.keyId})?: `;
    const tail = "\\. The stack's state is unchanged\\. ";
    if (status(fault)) return new RegExp(`${head}${esc(statusLine(fault))}${tail}${esc(TEMPORARY[kind] + again)}$`);
    if (fault === "delay > timeout")
      return new RegExp(`${head}no answer within ${TIMEOUT_MS} ms${tail}${esc(TEMPORARY.timeout + again)}$`);
    if (fault === "malformed body")
      return new RegExp(
        `${head}unexpected response — the 200 answer is not JSON \\(23 characters\\)${tail}${esc(reportAgain)}$`,
      );
    if (fault === "schema violation")
      return new RegExp(`${head}unexpected response — .*keyId: .*${tail}${esc(reportAgain)}$`);
    return new RegExp(`${head}${CONNECTION}${tail}${esc(TEMPORARY.connection + again)}$`);
  }
  if (op === "delete") {
    const head = `Could not revoke key "${c.name}" (${c.id}): `;
    const kept = ". Pulumi keeps tracking it. ";
    if (fault === "429 + Retry-After")
      return `${head}DELETE /api/1/api-keys/${c.keyId}: ${statusLine(fault)}${kept}${TEMPORARY.rate}${again}`;
    if (status(fault))
      return `${head}DELETE /api/1/api-keys/${c.keyId}: ${statusLine(fault)}, and the key is still live${kept}${TEMPORARY.server}${again}`;
    if (fault === "malformed body") {
      return `${head}Qwilt answered the revoke with success twice, but the key is still live${kept}Run the command again; if it keeps failing, revoke the key in Qwilt's web UI and run \`pulumi refresh\`.`;
    }
    return new RegExp(
      `^${esc(head)}DELETE /api/1/api-keys/${c.keyId}: ${CONNECTION}, and the key is still live${esc(kept + TEMPORARY.connection + again)}$`,
    );
  }
  if (fault === "malformed body")
    return "GET /login: answered 200, but a successful login answers 302 with a cqloudLoginToken cookie; check qwilt:loginUrl / QWILT_LOGIN_URL";
  if (status(fault)) return `GET /login: ${statusLine(fault)}. No key was created. ${TEMPORARY[kind]}${up}`;
  if (fault === "delay > timeout")
    return `GET /login: no answer within ${TIMEOUT_MS} ms. No key was created. ${TEMPORARY.timeout}${up}`;
  return new RegExp(`^GET /login: ${CONNECTION}\\. No key was created\\. ${esc(TEMPORARY.connection + up)}$`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** One operation's row of the matrix: its own simulator and plugin process, so the groups run side by side. */
class Group {
  /** What Pulumi's state would hold: resource id → outputs. */
  readonly state = new Map<string, Props>();
  readonly cells: Record<string, string> = {};
  readonly problems: string[] = [];

  private constructor(
    readonly op: Op,
    readonly sim: Simulator,
    readonly plugin: PluginProcess,
    readonly provider: string,
  ) {}

  static async start(op: Op, provider: string): Promise<Group> {
    const sim = await startSimulator();
    const plugin = await startPlugin(inject("packedProject"), TUNING);
    // The login row logs in with username/password; the others use an API key.
    const creds: Record<string, string> =
      op === "login"
        ? { "qwilt:username": sim.user.email, "qwilt:password": sim.user.password }
        : { "qwilt:apiKey": sim.bootstrapKey };
    await plugin.configure({ ...creds, "qwilt:usersUrl": sim.url, "qwilt:loginUrl": sim.url });
    return new Group(op, sim, plugin, provider);
  }

  /** Live keys (bootstrap aside) and the keys in state, as sorted `org/keyId` lists. */
  liveIds(): string[] {
    return this.sim
      .liveKeys()
      .filter((k) => k.name !== "bootstrap")
      .map((k) => `${k.orgId}/${k.keyId}`)
      .sort();
  }
  /** Each resource's current key and, after a rotation in place, its previous key. */
  stateIds(): string[] {
    return [...this.state.values()]
      .flatMap((p) => [p.keyId, p.previousKeyId].filter((k) => k !== undefined).map((k) => `${p.organization}/${k}`))
      .sort();
  }

  /** A key named `name`, or with `autoName` named by the provider after the resource `name`. */
  async createKey(name: string, extra: Props = {}, autoName = false): Promise<{ id: string; properties: Props }> {
    const urn = urnOf(name);
    const checked = await this.plugin.check(
      urn,
      {},
      {
        permission: "viewer",
        validForDays: 7,
        ...(autoName ? {} : { name }),
        waitForActivation: false,
        ...extra,
        __resourceName: name,
        __provider: this.provider,
      },
    );
    if (checked.failures.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
    const created = await this.plugin.create(urn, checked.inputs);
    this.state.set(created.id, created.properties);
    return created;
  }

  async runCase(fault: FaultName, mode: Mode): Promise<void> {
    const { op, sim } = this;
    const name = `fm-${op}-${slug(fault)}-${mode}`;
    const org = op === "login" ? `org-${slug(fault)}-${mode}` : sim.user.orgId;
    // Set up without faults: the key to read or delete, or the organization whose first login is faulted.
    let target: { id: string; properties: Props } | undefined;
    if (op === "read" || op === "delete") target = await this.createKey(name);
    if (op === "rotate") target = await this.createKey(name, { overlapDays: 1 });
    if (op === "replace") target = await this.createKey(name, { description: "replaced" });
    if (op === "login") {
      sim.addOrganization(org);
      sim.addUser(org, sim.user.email, sim.user.password);
    }
    sim.clearRequests();
    sim.faults.add({ ...ROUTES[op], ...FAULTS[fault], times: MODES[mode] });

    const started = Date.now();
    let error: PluginCallError | undefined;
    let id = target?.id ?? "";
    /** Where the engine's own delete of a replaced key begins: its revoke is no stray's. */
    let engineDeleteAt = Infinity;
    try {
      if (op === "create" || op === "login" || op === "activate") {
        const extra = op === "login" ? { orgId: org } : op === "activate" ? { waitForActivation: true } : {};
        id = (await this.createKey(name, extra, op === "activate")).id;
      } else if (op === "replace") {
        // Create-before-delete, as the engine replaces: the new key first, then the old one is deleted.
        id = (await this.createKey(name, { description: "replacement" })).id;
        engineDeleteAt = sim.requests.length;
        await this.plugin.delete(urnOf(name), target!.id, target!.properties);
        this.state.delete(target!.id);
      } else if (op === "rotate") {
        const urn = urnOf(name);
        const news = {
          permission: "viewer",
          validForDays: 7,
          name,
          waitForActivation: false,
          overlapDays: 1,
          description: "rotated",
          __resourceName: name,
          __provider: this.provider,
        };
        const { inputs } = await this.plugin.check(urn, target!.properties, news);
        const { properties } = await this.plugin.update(urn, target!.id, target!.properties, inputs);
        if (properties.previousKeyId !== target!.properties.keyId)
          this.problems.push(`${name}: the old key is not the previous key`);
        this.state.set(target!.id, properties);
      } else if (op === "read") {
        const read = await this.plugin.read(urnOf(name), target!.id, target!.properties);
        if (read.id !== target!.id || read.properties.key !== target!.properties.key)
          this.problems.push(`${name}: read changed the resource`);
      } else {
        await this.plugin.delete(urnOf(name), target!.id, target!.properties);
        this.state.delete(target!.id);
      }
    } catch (e) {
      if (!(e instanceof PluginCallError)) throw e;
      error = e;
      // A half-made resource is tracked by Pulumi: it counts as state.
      if (e.initFailure?.id) this.state.set(e.initFailure.id, e.initFailure.properties);
      id = e.initFailure?.id || id;
      // A key made but not known to work is tracked, and marked so that the next up waits for it again.
      if (op === "activate" && e.initFailure?.properties.activationPending !== true)
        this.problems.push(`${name}: not an init failure marked activationPending: ${e.message}`);
    }
    const elapsed = Date.now() - started;
    sim.faults.clear();
    // Requests still sleeping in the simulator land now: their effects must count before we compare.
    if (fault === "delay > timeout") await sleep(DELAY_MS + 150);

    const route = ROUTES[op];
    const onRoute = sim.requests.filter(
      (r) =>
        r.method === route.method &&
        (route.path.endsWith("*") ? r.path.startsWith(route.path.slice(0, -1)) : r.path === route.path),
    );
    let cell = `${error ? "error" : "ok"} ×${onRoute.length}`;
    if (op === "create" || op === "rotate" || op === "replace") {
      const firstPost = sim.requests.findIndex((r) => r.method === "POST");
      const listed = sim.requests.filter(
        (r, i) => i > firstPost && r.method === "GET" && r.path === "/api/1/api-keys",
      ).length;
      const revoked = sim.requests.filter(
        (r, i) => i < engineDeleteAt && r.method === "DELETE" && r.status === 200,
      ).length;
      if (listed) cell += ", listed";
      if (revoked) cell += `, ${revoked} revoked`;
    }
    this.cells[`${fault}|${mode}`] = cell;

    const expectedCell = EXPECTED[op][fault][mode === "once" ? 0 : 1];
    if (cell !== expectedCell)
      this.problems.push(`${name}: outcome ${cell}, expected ${expectedCell}${error ? ` (${error.message})` : ""}`);
    if (error) {
      const keyId = target?.properties.keyId ?? "";
      // The activation row's key is auto-named: its name is the one the failure reports.
      const keyName = error.initFailure?.properties.name ?? name;
      const existing = op === "rotate" || op === "replace" ? target!.id : undefined;
      const want = expectedError(op, fault, { name: keyName, id, keyId, existing });
      const matches = typeof want === "string" ? error.message === want : want.test(error.message);
      if (!matches) this.problems.push(`${name}: message\n    ${error.message}\n  expected\n    ${want}`);
    }
    if (fault === "429 + Retry-After" && elapsed < 1000)
      this.problems.push(`${name}: Retry-After: 1 not honoured (${elapsed} ms)`);
    // The invariant: what lives in Qwilt is exactly what the state tracks.
    const live = this.liveIds();
    const tracked = this.stateIds();
    if (JSON.stringify(live) !== JSON.stringify(tracked))
      this.problems.push(`${name}: live keys ${live.join(",")} ≠ keys in state ${tracked.join(",")}`);
  }

  /** Destroys what is left, without faults: nothing may remain. */
  async finish(): Promise<void> {
    for (const [id, props] of this.state) {
      await this.plugin.delete(urnOf(props.name), id, props);
      this.state.delete(id);
    }
    if (this.liveIds().length) this.problems.push(`after destroy, live keys remain: ${this.liveIds().join(",")}`);
    await this.plugin.stop();
    await this.sim.close();
  }
}

const rows: Record<Op, Record<string, string>> = {
  create: {},
  activate: {},
  rotate: {},
  replace: {},
  read: {},
  delete: {},
  login: {},
};

function printMatrix(): void {
  const cols = OPS.flatMap((op) =>
    (["once", "always"] as Mode[]).map((mode) => ({ op, mode, title: `${op} (${mode})` })),
  );
  const table = [
    ["fault", ...cols.map((c) => c.title)],
    ...FAULT_NAMES.map((f) => [f, ...cols.map((c) => rows[c.op][`${f}|${c.mode}`] ?? "-")]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(
    [
      `Fault matrix through the plugin (timeout ${TIMEOUT_MS} ms, ${MAX_RETRIES} retries, delay ${DELAY_MS} ms; once = the next request, always = every request):`,
      line(table[0]!),
      `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
      ...table.slice(1).map(line),
      "ok/error: what the operation returned; ×n: requests on the faulted route; listed: the organization's keys were listed to settle an",
      "unanswered create; k revoked: keys such a create made anyway, found by their name and revoked. After every case the",
      "simulator's live keys equal the keys in state.",
    ].join("\n"),
  );
}

describe("fault matrix: every fault × create, activation, rotation in place, replacement, read, delete, login, through the plugin", () => {
  let provider: string;
  beforeAll(() => {
    provider = serializedProvider(inject("packedProject"));
  });
  afterAll(() => {
    if (Object.values(rows).some((r) => Object.keys(r).length)) printMatrix();
  });

  for (const op of OPS) {
    it.concurrent(`${op}: each fault once and always; live keys == state after every case`, {
      timeout: 180_000,
    }, async () => {
      const group = await Group.start(op, provider);
      try {
        for (const fault of FAULT_NAMES)
          for (const mode of ["once", "always"] as Mode[]) await group.runCase(fault, mode);
      } finally {
        Object.assign(rows[op], group.cells);
        await group.finish();
      }
      expect(group.problems).toEqual([]);
      expect(FAULT_NAMES.map((f) => [group.cells[`${f}|once`], group.cells[`${f}|always`]])).toEqual(
        FAULT_NAMES.map((f) => EXPECTED[op][f]),
      );
    });
  }
});

/** A plugin process of its own, configured like a user's stack, with the short timeout unless `env` says otherwise. */
async function pluginFor(
  sim: Simulator,
  creds: Record<string, string>,
  env: NodeJS.ProcessEnv = TUNING,
): Promise<PluginProcess> {
  const plugin = await startPlugin(inject("packedProject"), env);
  await plugin.configure({ ...creds, "qwilt:usersUrl": sim.url, "qwilt:loginUrl": sim.url });
  return plugin;
}

/** For the login tests: timeouts are not their subject, and 20 creates at once may take more than a second on a busy machine. */
const PATIENT = { QWILT_TIMEOUT_MS: "15000", QWILT_MAX_RETRIES: String(MAX_RETRIES) };

/** A key of the resource `name`, auto-named (the common case: the create is a POST and nothing else). */
async function createThrough(plugin: PluginProcess, provider: string, name: string, extra: Props = {}) {
  const checked = await plugin.check(
    urnOf(name),
    {},
    {
      permission: "viewer",
      validForDays: 7,
      waitForActivation: false,
      ...extra,
      __resourceName: name,
      __provider: provider,
    },
  );
  expect(checked.failures).toEqual([]);
  return plugin.create(urnOf(name), checked.inputs);
}

const calls = (sim: Simulator) => sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
/** The resources whose keys are live (an auto-name without its suffix). */
const liveNames = (sim: Simulator) =>
  sim
    .liveKeys()
    .filter((k) => k.name !== "bootstrap")
    .map((k) => k.name.replace(/-[0-9a-f]{7}$/, ""))
    .sort();

describe("login through the plugin (username/password)", () => {
  let sim: Simulator;
  let provider: string;
  beforeAll(async () => {
    sim = await startSimulator();
    provider = serializedProvider(inject("packedProject"));
  });
  afterAll(() => sim?.close());

  it("20 parallel creates share one login; a token the API stops accepting is renewed once, transparently; a refused fresh token is not retried in a loop", async () => {
    const plugin = await pluginFor(
      sim,
      { "qwilt:username": sim.user.email, "qwilt:password": sim.user.password },
      PATIENT,
    );
    try {
      sim.clearRequests();
      const names = Array.from({ length: 20 }, (_, i) => `parallel-${String(i).padStart(2, "0")}`);
      const made = await Promise.all(names.map((n) => createThrough(plugin, provider, n)));
      expect(sim.requests.filter((r) => r.path === "/login")).toHaveLength(1);
      expect(sim.requests.filter((r) => r.method === "POST" && r.auth === "bearer" && r.status === 201)).toHaveLength(
        20,
      );
      expect(liveNames(sim)).toEqual(names);

      // The token's hour passes on the simulator's clock: the API answers 401, the client logs in once more, the create goes through.
      sim.clock.advance(61 * 60 * 1000);
      sim.clearRequests();
      const renewed = await createThrough(plugin, provider, "after-expiry");
      expect(calls(sim)).toEqual(["POST /api/1/api-keys 401", "GET /login 302", "POST /api/1/api-keys 201"]);
      // The new token serves the next calls without another login.
      sim.clearRequests();
      await plugin.delete(urnOf("after-expiry"), renewed.id, renewed.properties);
      expect(sim.requests.some((r) => r.path === "/login")).toBe(false);

      // A fresh token refused as well: one renewal, then a clear error, not a loop.
      sim.clearRequests();
      sim.faults.add({ method: "POST", path: "/api/1/api-keys", status: 401, times: Infinity });
      const refused = await createThrough(plugin, provider, "refused").then(
        () => undefined,
        (e: Error) => e,
      );
      sim.faults.clear();
      expect(refused?.message).toBe(
        "POST /api/1/api-keys: 401 Unauthorized — injected fault (the API refused a fresh login token; check that the user may manage API keys in this organization)",
      );
      expect(calls(sim)).toEqual(["POST /api/1/api-keys 401", "GET /login 302", "POST /api/1/api-keys 401"]);

      for (const m of made) await plugin.delete(urnOf(m.properties.name), m.id, m.properties);
      expect(liveNames(sim)).toEqual([]);
    } finally {
      await plugin.stop();
    }
  });

  it("a wrong password: one login request however many creates ask, and an error that says what to fix", async () => {
    const plugin = await pluginFor(
      sim,
      { "qwilt:username": sim.user.email, "qwilt:password": "not-the-password-1" },
      PATIENT,
    );
    try {
      sim.clearRequests();
      const want =
        "GET /login: 401 Unauthorized — wrong username or password (the username/password were rejected; check qwilt:username / qwilt:password or QWILT_USERNAME / QWILT_PASSWORD)";
      const first = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => createThrough(plugin, provider, `wrong-${i}`)),
      );
      const later = await createThrough(plugin, provider, "wrong-later").then(
        () => undefined,
        (e: Error) => e,
      );
      expect(first.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "created"))).toEqual(
        Array(5).fill(want),
      );
      expect(later?.message).toBe(want);
      // The refusal is remembered: asking again with the same password could only lock the account.
      expect(calls(sim)).toEqual(["GET /login 401"]);
      expect(liveNames(sim)).toEqual([]);
    } finally {
      await plugin.stop();
    }
  });
});

describe("one plugin process survives operations that throw", () => {
  it("after a garbled answer, inputs that skipped check, broken state and an unreadable provider, the same process still creates and deletes", async () => {
    const sim = await startSimulator();
    const provider = serializedProvider(inject("packedProject"));
    const plugin = await pluginFor(sim, { "qwilt:apiKey": sim.bootstrapKey });
    try {
      const failures: string[] = [];
      const failed = (p: Promise<unknown>) =>
        p.then(
          () => failures.push("(succeeded)"),
          (e: Error) => failures.push(e.message),
        );

      sim.faults.add({ method: "POST", path: "/api/1/api-keys", malformedBody: true, times: Infinity });
      await failed(createThrough(plugin, provider, "garbled"));
      sim.faults.clear();
      // The engine only sends checked inputs; a create that gets others anyway must fail cleanly.
      await failed(
        plugin.create(urnOf("unchecked"), {
          permission: "root",
          validForDays: "x",
          name: "unchecked",
          __provider: provider,
        }),
      );
      // State without expiresAt (hand-edited): rotateAt cannot be computed.
      await failed(
        plugin.update(
          urnOf("broken"),
          "org-1/99",
          { name: "broken", __provider: provider },
          { name: "broken", rotateBeforeDays: 1, waitForActivation: false, __provider: provider },
        ),
      );
      // A resource whose serialized provider is not JavaScript.
      await failed(
        plugin.read(urnOf("alien"), "org-1/98", { name: "alien", keyId: "98", __provider: "exports.handler = {{" }),
      );

      expect(failures[0]).toMatch(
        /^Creating key "garbled-[0-9a-f]{7}" failed twice without a clear answer \(last: POST \/api\/1\/api-keys: unexpected response — the 200 answer is not JSON/,
      );
      expect(failures[1]).toBe("createKey: ttlDays must be a whole number of days from 1 to 365 (got x)");
      expect(failures[2]).toMatch(/Invalid time value/);
      expect(failures[3]).toMatch(/Unexpected token|SyntaxError/);

      // Same process (same gRPC port), still serving: check, create and delete work.
      const ok = await createThrough(plugin, provider, "after-the-storm");
      expect(ok.properties.key).toEqual(expect.any(String));
      expect(liveNames(sim)).toEqual(["after-the-storm"]);
      await plugin.delete(urnOf("after-the-storm"), ok.id, ok.properties);
      expect(liveNames(sim)).toEqual([]);
      console.log(`errors the plugin survived:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
    } finally {
      await plugin.stop();
      await sim.close();
    }
  });
});
