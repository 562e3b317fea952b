/** Provider configuration: stack config first, then the environment; clear errors and warnings. */
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../provider/config";
import type { CheckedArgs } from "../sdk/api-key-args";
import { QwiltApiKeyProvider } from "../provider/qwilt-provider";

describe("resolveConfig", () => {
  it("prefers stack config, then QWILT_*, then the Terraform provider's QCDN_*", () => {
    expect(resolveConfig({ "qwilt:apiKey": "from-config" }, { QWILT_API_KEY: "from-env" }).apiKey).toBe("from-config");
    expect(resolveConfig({}, { QWILT_API_KEY: "qwilt", QCDN_API_KEY: "qcdn" }).apiKey).toBe("qwilt");
    expect(resolveConfig({}, { QCDN_API_KEY: "qcdn", QCDN_USERNAME: "u", QCDN_PASSWORD: "p" })).toMatchObject({
      apiKey: "qcdn",
      username: "u",
      password: "p",
    });
    const c = resolveConfig({}, {});
    expect(c).toMatchObject({
      usersUrl: "https://users.cqloud.com",
      loginUrl: "https://login.cqloud.com",
      apiKey: undefined,
    });
    expect(resolveConfig({ "qwilt:usersUrl": "http://127.0.0.1:9" }, { QWILT_USERS_URL: "https://x" }).usersUrl).toBe(
      "http://127.0.0.1:9",
    );
  });

  it("refuses half a username/password pair, naming what is missing", () => {
    expect(() => resolveConfig({ "qwilt:username": "me" }, {})).toThrow(
      "Qwilt credentials are incomplete: a password (qwilt:password or QWILT_PASSWORD) is needed as well",
    );
  });

  it("warns about unknown qwilt: keys and says which credentials win", () => {
    const c = resolveConfig(
      { "qwilt:apikey": "typo", "qwilt:apiKey": "k", "qwilt:username": "u", "qwilt:password": "p", "aws:region": "x" },
      {},
    );
    expect(c.warnings[0]).toBe(
      "unknown configuration qwilt:apikey ignored; the known keys are qwilt:apiKey, qwilt:username, qwilt:password, qwilt:orgId, qwilt:usersUrl, qwilt:loginUrl, qwilt:timeoutMs, qwilt:maxRetries",
    );
    expect(c.warnings[1]).toMatch(/API key is used for keys without orgId, username\/password for keys with orgId/);
    expect(JSON.stringify(c.warnings)).not.toContain("typo");
  });
});

describe("provider configuration errors", () => {
  const inputs: CheckedArgs = {
    permission: "viewer",
    validForDays: 1,
    name: "n",
    rotateBeforeDays: 0,
    waitForActivation: false,
    activationTimeoutSeconds: 600,
    revokeOnDelete: true,
    overlapDays: 0,
    __defaults: [],
  };

  it("says how to set credentials when there are none", async () => {
    const provider = new QwiltApiKeyProvider({ env: {} });
    await provider.configure({ config: { get: () => undefined } } as any);
    await expect(provider.create(inputs)).rejects.toThrow(
      /No Qwilt credentials: set an API key with `pulumi config set --secret qwilt:apiKey <key>` or the QWILT_API_KEY/,
    );
  });

  it("refuses plain http to a non-loopback host at check", async () => {
    const provider = new QwiltApiKeyProvider({
      env: { QWILT_API_KEY: "k", QWILT_USERS_URL: "http://users.example.com" },
    });
    await expect(provider.check({}, { permission: "viewer", validForDays: 1 })).rejects.toThrow(/usersUrl.*https/);
  });
});
