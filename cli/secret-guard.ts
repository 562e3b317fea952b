/**
 * Every configured secret kept out of everything the command line prints: the Qwilt API key and password (from
 * any of their variables, chosen or not) and the Pulumi access token. Both output streams pass through one
 * Redactor, which secrets read later join (the token of `pulumi login`, main.ts's `io.secrets`); the clients are
 * given the same secrets for their own messages. Messages are pattern-redacted too where they are reported
 * (main.ts): this boundary removes the exact values, whatever printed them.
 */
import { SETTING_NAMES, SETTINGS } from "../sdk/settings";
import { envValue, type Io, type OutStream } from "./io";

/** The variables that hold a secret: every secret setting's (sdk/settings.ts), and the Pulumi Cloud token. */
const SECRET_VARIABLES = [
  ...SETTING_NAMES.filter((s) => SETTINGS[s].secret).flatMap((s) => SETTINGS[s].env),
  "PULUMI_ACCESS_TOKEN",
];

/** The secrets the environment configures, as given and as a setting reads them (trimmed). */
export function configuredSecrets(env: NodeJS.ProcessEnv): string[] {
  const values = SECRET_VARIABLES.map((name) => envValue(env, name)).filter((v): v is string => v !== undefined);
  return [...new Set(values.flatMap((v) => [v, v.trim()]))];
}

/** `io` with its configured secrets known, and both streams redacting every secret `io.secrets` knows. */
export function guardOutput(io: Io): Io {
  for (const secret of configuredSecrets(io.env)) io.secrets.add(secret);
  return { ...io, stdout: redacting(io.stdout, io), stderr: redacting(io.stderr, io) };
}

/**
 * The stream itself, but each string written is redacted first. A proxy rather than a wrapper: readline (the
 * revoke prompt) needs the real stream's events, isTTY and columns.
 */
function redacting<T extends OutStream>(stream: T, io: Io): T {
  return new Proxy(stream, {
    get(target, property) {
      if (property === "write") {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => unknown)(
            typeof chunk === "string" ? io.secrets.redactKnown(chunk) : chunk,
            ...rest,
          );
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
