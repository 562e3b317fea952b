// @ts-check
/**
 * What the live acceptance suite (test/live/lifecycle.test.ts), its cleanup and the sweeper
 * (scripts/test-live.js --sweep) share: the API the environment names, reached exactly as the
 * provider and `qwilt-keys` reach it (the same variables, through the settings table and the
 * command line's connection, https rule included), and one way to revoke the keys a rule picks.
 * Plain CommonJS over the built package (dist/), so the scripts and the tests run the same code.
 */
"use strict";
const { join } = require("node:path");

const DIST = join(__dirname, "../../dist");

/** Every key the live suite makes is named so; the sweeper touches nothing else. */
const LIVE_PREFIX = "pqak-live-";
/** The sweeper leaves younger keys alone: a run in progress may own them. */
const SWEEP_AGE_MS = 60 * 60 * 1000;

/** A run id: short, sortable by time, unique enough for two runs started in the same millisecond. */
function newRunId() {
  return `${Date.now().toString(36)}${require("node:crypto").randomBytes(2).toString("hex")}`;
}

/**
 * The client and settings the environment names (QWILT_API_KEY or QWILT_USERNAME/QWILT_PASSWORD,
 * QWILT_ORG_ID, QWILT_USERS_URL, QWILT_LOGIN_URL, ...). Throws the command line's UsageError,
 * whose message names the variable, when they cannot work.
 * @param {NodeJS.ProcessEnv} env
 */
function liveConnection(env) {
  const { connect } = require(join(DIST, "cli/qwilt-connection"));
  /** @type {import("../../cli/qwilt-connection").Connection} */
  const connection = connect(env, undefined);
  return connection;
}

/**
 * The same settings as the provider's stack config (`qwilt:apiKey`, `qwilt:usersUrl`, ...): what the
 * harness hands the plugin's Configure. Only what the environment set; the provider applies its defaults.
 * @param {import("../../sdk/settings").ResolvedSettings} resolved
 * @returns {Record<string, string>}
 */
function providerConfig(resolved) {
  const { SETTINGS, SETTING_NAMES } = require(join(DIST, "sdk"));
  /** @type {Record<string, string>} */
  const config = {};
  for (const name of /** @type {import("../../sdk/settings").SettingName[]} */ (SETTING_NAMES)) {
    if (resolved.sources[name].kind !== "env") continue;
    config[SETTINGS[name].configKey] = String(resolved.values[name]);
  }
  return config;
}

/**
 * @typedef {{ keyId: string, name: string, createdAt: string, expiresAt: string }} KeyLine
 * @typedef {{ revoked: KeyLine[], gone: KeyLine[], failed: { key: KeyLine, error: string }[] }} RevokeReport
 */

/**
 * Lists the organization's keys and revokes every one `wanted` picks, one by one, so one failure does
 * not stop the rest; says what it did, key by key (names and keyIds only: never a key).
 * @param {import("../../sdk/client/qwilt-client").QwiltClient} client
 * @param {(key: import("../../sdk/client/types").ApiKeyInfo) => boolean} wanted
 * @param {(line: string) => void} say
 * @returns {Promise<RevokeReport>}
 */
async function revokeWhere(client, wanted, say) {
  /** @type {RevokeReport} */
  const report = { revoked: [], gone: [], failed: [] };
  const keys = (await client.listKeys()).filter(wanted);
  for (const k of keys) {
    const line = { keyId: k.keyId, name: k.name, createdAt: k.createdAt, expiresAt: k.expiresAt };
    try {
      if (await client.revokeKey(k.keyId)) {
        report.revoked.push(line);
        say(`revoked keyId ${k.keyId} "${k.name}" (created ${k.createdAt})`);
      } else {
        report.gone.push(line);
        say(`keyId ${k.keyId} "${k.name}" was already gone`);
      }
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      report.failed.push({ key: line, error: text });
      say(`could NOT revoke keyId ${k.keyId} "${k.name}": ${text}; it expires at ${k.expiresAt}`);
    }
  }
  return report;
}

/**
 * Whether the sweeper takes this key: a live-suite name, made more than an hour ago by this machine's clock.
 * @param {{ name: string, createdAt: string }} key @param {number} now
 */
function isSweepable(key, now) {
  return key.name.startsWith(LIVE_PREFIX) && now - Date.parse(key.createdAt) > SWEEP_AGE_MS;
}

module.exports = { LIVE_PREFIX, SWEEP_AGE_MS, newRunId, liveConnection, providerConfig, revokeWhere, isSweepable };
