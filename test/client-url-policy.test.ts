import { describe, expect, it } from "vitest";
import { ConfigurationError, DEFAULT_LOGIN_URL, DEFAULT_USERS_URL, QwiltClient, type QwiltClientOptions } from "../sdk";
import { checkBaseUrl, isLoopbackHost } from "../sdk/client/url-policy";

const creds = { apiKey: "test-api-key-0123456789" };
const make = (o: Partial<QwiltClientOptions>) => new QwiltClient({ credentials: creds, ...o } as QwiltClientOptions);

function configError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    return e as ConfigurationError;
  }
  throw new Error("expected a ConfigurationError");
}

describe("URL policy", () => {
  it("defaults to Qwilt's production hosts", () => {
    const c = make({});
    expect(c.usersUrl).toBe(DEFAULT_USERS_URL);
    expect(c.loginUrl).toBe(DEFAULT_LOGIN_URL);
  });

  it("accepts https anywhere, http on loopback, and drops a trailing slash", () => {
    expect(checkBaseUrl("https://users.example.com/", "usersUrl")).toBe("https://users.example.com");
    expect(checkBaseUrl("https://proxy.example.com/qwilt//", "usersUrl")).toBe("https://proxy.example.com/qwilt");
    for (const url of [
      "http://127.0.0.1:8080",
      "http://127.1.2.3",
      "http://localhost:3000/",
      "http://[::1]:9000",
      "http://sim.localhost",
    ]) {
      expect(() => checkBaseUrl(url, "loginUrl"), url).not.toThrow();
    }
    expect(make({ usersUrl: "http://127.0.0.1:1234/", loginUrl: "http://localhost:1234" }).usersUrl).toBe(
      "http://127.0.0.1:1234",
    );
  });

  it("refuses plain http elsewhere, naming the option", () => {
    expect(configError(() => make({ usersUrl: "http://users.example.com" })).message).toBe(
      "usersUrl: https is required except for loopback hosts (127.0.0.0/8, ::1, localhost); got http://users.example.com",
    );
    expect(configError(() => make({ loginUrl: "http://10.0.0.1:8080/" })).message).toBe(
      "loginUrl: https is required except for loopback hosts (127.0.0.0/8, ::1, localhost); got http://10.0.0.1:8080",
    );
    expect(configError(() => make({ usersUrl: "http://128.0.0.1" })).message).toMatch(/^usersUrl: https is required/);
  });

  it("refuses relative, non-http and credential-bearing URLs", () => {
    expect(configError(() => make({ usersUrl: "users.cqloud.com" })).message).toBe(
      "usersUrl must be an absolute http(s) URL, like https://example.com",
    );
    expect(configError(() => make({ loginUrl: "ftp://login.cqloud.com" })).message).toBe(
      "loginUrl must be an absolute http(s) URL (got a ftp: URL)",
    );
    const err = configError(() => make({ usersUrl: "https://me:hunter2@users.cqloud.com" }));
    expect(err.message).toBe("usersUrl must not contain a username or password; use the credentials option");
    expect(err.message).not.toContain("hunter2");
    expect(configError(() => make({ usersUrl: "https://users.cqloud.com/?x=1" })).message).toBe(
      "usersUrl must be a base URL without query string or fragment",
    );
  });

  it("knows loopback hosts", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("LOCALHOST")).toBe(true);
    expect(isLoopbackHost("localhost.example.com")).toBe(false);
    expect(isLoopbackHost("127.0.0.1.nip.io")).toBe(false);
  });
});

describe("options and credentials", () => {
  it("checks numbers, naming the option", () => {
    expect(configError(() => make({ timeoutMs: 0 })).message).toBe("timeoutMs must be a number ≥ 1 (got 0)");
    expect(configError(() => make({ maxRetries: 1.5 })).message).toBe(
      "maxRetries must be a whole number ≥ 0 (got 1.5)",
    );
    expect(configError(() => make({ retryBaseDelayMs: -1 })).message).toBe(
      "retryBaseDelayMs must be a number ≥ 0 (got -1)",
    );
  });

  it("checks credentials without echoing them", () => {
    const msg = (credentials: unknown) =>
      configError(() => new QwiltClient({ credentials } as QwiltClientOptions)).message;
    expect(msg(undefined)).toBe("credentials is required: { apiKey } or { username, password, orgId? }");
    expect(msg({})).toBe("credentials needs apiKey, or username and password");
    expect(msg({ apiKey: "" })).toBe("credentials.apiKey must be a non-empty string");
    expect(msg({ apiKey: "abc def-secret" })).toBe(
      "credentials.apiKey contains spaces, control or non-ASCII characters; an API key has none",
    );
    expect(msg({ apiKey: "k", username: "u", password: "p" })).toBe(
      "credentials: give either apiKey or username/password, not both",
    );
    expect(msg({ apiKey: "k", orgId: "o" })).toBe(
      "credentials.orgId needs username/password: an API key is valid only in its own organization",
    );
    expect(msg({ username: "u" })).toBe("credentials.password must be a non-empty string");
    expect(msg({ username: "a:b", password: "p" })).toBe("credentials.username must not contain ':' (HTTP Basic auth)");
  });

  it("trims a key read with its trailing newline", () => {
    expect(() => new QwiltClient({ credentials: { apiKey: "abcdef\n" } })).not.toThrow();
  });
});
