/**
 * The client tests' shared scaffolding: one scripted server per file (reset after each test), a
 * factory for QwiltClients pointed at it, and `failure` to get a rejection's error.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { QwiltClient, type QwiltClientOptions, type QwiltError } from "../../sdk";
import { lateBound } from "./late-bound";
import { startScriptedServer, type ScriptedServer } from "./scripted-server";

/** The API key a client sends unless the file's defaults say otherwise. */
export const KEY = "test-api-key-0123456789";

/** A file's client options; a function when they depend on the server's URL. */
export type ClientDefaults = Partial<QwiltClientOptions> | ((serverUrl: string) => Partial<QwiltClientOptions>);

/**
 * Registers the hooks and returns the server (usable from the first test on), `client(extra)`:
 * credentials { apiKey: KEY } and usersUrl/loginUrl at the server, then `defaults`, then `extra`,
 * and `track(c)` for a client made by hand. Every client made or tracked is closed after its test.
 */
export function useScriptedClient(defaults: ClientDefaults = {}) {
  let current: ScriptedServer | undefined;
  const clients: QwiltClient[] = [];

  beforeAll(async () => {
    current = await startScriptedServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    current?.reset();
  });
  afterAll(() => current?.close());

  const server = lateBound("the scripted server", () => current);
  const track = (c: QwiltClient): QwiltClient => {
    clients.push(c);
    return c;
  };
  const client = (extra: Partial<QwiltClientOptions> = {}): QwiltClient => {
    const own = typeof defaults === "function" ? defaults(server.url) : defaults;
    return track(
      new QwiltClient({ credentials: { apiKey: KEY }, usersUrl: server.url, loginUrl: server.url, ...own, ...extra }),
    );
  };
  return { server, client, track, failure };
}

/** The error a promise rejects with; a promise that resolves fails the test. */
export async function failure(p: Promise<unknown>): Promise<QwiltError> {
  try {
    await p;
  } catch (e) {
    return e as QwiltError;
  }
  throw new Error("expected a rejection");
}
