/** The settings table: where each value came from, empty variables as unset, errors as fields. */
import { describe, expect, it } from "vitest";
import { resolveSettings, SETTINGS, SETTING_NAMES, SettingsError } from "../sdk/settings";

describe("resolveSettings", () => {
  it("reads the config key, then each variable in order, then the default, and says which", () => {
    const { values, sources } = resolveSettings({
      config: { "qwilt:apiKey": "from-config" },
      env: {
        QWILT_API_KEY: "from-env",
        QWILT_USERNAME: "",
        QCDN_USERNAME: "u",
        QCDN_PASSWORD: "p",
        QWILT_MAX_RETRIES: " 2 ",
      },
    });
    expect(values).toEqual({
      apiKey: "from-config",
      username: "u",
      password: "p",
      orgId: undefined,
      usersUrl: "https://users.cqloud.com",
      loginUrl: "https://login.cqloud.com",
      timeoutMs: 30_000,
      maxRetries: 2,
    });
    expect(sources).toEqual({
      apiKey: { kind: "config", key: "qwilt:apiKey" },
      username: { kind: "env", name: "QCDN_USERNAME" },
      password: { kind: "env", name: "QCDN_PASSWORD" },
      orgId: { kind: "unset" },
      usersUrl: { kind: "default" },
      loginUrl: { kind: "default" },
      timeoutMs: { kind: "default" },
      maxRetries: { kind: "env", name: "QWILT_MAX_RETRIES" },
    });
    // Without a config map, the environment alone.
    expect(resolveSettings({ env: { QWILT_API_KEY: "k" } }).sources.apiKey).toEqual({
      kind: "env",
      name: "QWILT_API_KEY",
    });
  });

  it("a number out of bounds: a SettingsError with the setting, its source, the value and what is allowed", () => {
    const error = (() => {
      try {
        resolveSettings({ env: { QWILT_TIMEOUT_MS: "fast" } });
      } catch (e) {
        return e;
      }
    })() as SettingsError;
    expect(error).toBeInstanceOf(SettingsError);
    expect({ ...error }).toMatchObject({
      setting: "timeoutMs",
      source: { kind: "env", name: "QWILT_TIMEOUT_MS" },
      reason: "invalid",
      value: "fast",
      allowed: "a whole number of milliseconds from 100 to 600000",
    });
    expect(error.message).toBe(
      'QWILT_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000 (got "fast")',
    );
  });

  it("half a username/password pair: a SettingsError naming the missing one", () => {
    expect(() => resolveSettings({ config: { "qwilt:password": "secret-pw" }, env: {} })).toThrow(
      expect.objectContaining({ setting: "username", reason: "missing", neededBy: "password" }),
    );
  });

  it("every setting has a config key and variables; secrets are marked", () => {
    expect(SETTING_NAMES).toEqual([
      "apiKey",
      "username",
      "password",
      "orgId",
      "usersUrl",
      "loginUrl",
      "timeoutMs",
      "maxRetries",
    ]);
    expect(SETTING_NAMES.filter((s) => SETTINGS[s].secret)).toEqual(["apiKey", "password"]);
  });
});
