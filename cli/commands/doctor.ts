/** `qwilt-keys doctor`: one screen that tells why things fail. */
import { boolFlag, stringFlag } from "../args/flag-values";
import type { Command } from "../command";
import { runDoctor, type CheckStatus } from "../doctor-checks";
import { paintFor } from "../output/colour";
import { table } from "../output/table";
import { JSON_FLAG, ORG_FLAG } from "../shared-flags";

export const command: Command = {
  name: "doctor",
  order: 4,
  summary: "where each setting came from, and whether the credentials work",
  description: `Shows where each setting came from (which variable, or the default; secrets only as set or
unset), the https rule, whether the credentials work (logging in first with username/password) and for which
organization, whether they may create and revoke keys, when the credential itself expires where that can be
known, and how far this machine's clock is from the API's. It makes no key and revokes none: to learn whether
the credentials may write, it revokes a keyId no key can have and reads the answer (404: may, 403: may not),
unless the API key names its own keyId and the list shows that key's permission.

Exit 0 when the credentials work, 1 when the API refuses or fails, 2 when the configuration cannot work.`,
  flags: [JSON_FLAG, ORG_FLAG],
  examples: ["qwilt-keys doctor", "QWILT_API_KEY= qwilt-keys doctor --org acme --json"],
  async run(args, io) {
    const r = await runDoctor(io, stringFlag(args, "org"));
    if (boolFlag(args, "json")) {
      const { exitCode: _, ...shown } = r;
      io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      return r.exitCode;
    }
    const paint = paintFor(io.stdout, io.env);
    const mark: Record<CheckStatus, (s: string) => string> = {
      ok: paint.green,
      warn: paint.yellow,
      fail: paint.red,
      unknown: paint.dim,
    };
    const out: string[] = [];
    if (r.settings.length > 0) {
      out.push(
        paint.bold("Settings"),
        table(
          ["SETTING", "VALUE", "FROM"],
          r.settings.map((s) => [
            s.setting,
            s.secret ? (s.source === "unset" ? "unset" : "set (secret)") : String(s.value ?? "unset"),
            s.source,
          ]),
        ),
        "",
      );
    }
    out.push(
      paint.bold("Checks"),
      table(
        ["CHECK", "STATUS", ""],
        r.checks.map((c) => [c.check, mark[c.status](c.status), c.message]),
      ),
      "",
    );
    out.push(
      r.ok
        ? paint.green(`The credentials work${r.organization ? ` for organization ${r.organization}` : ""}.`)
        : paint.red("The credentials do not work yet: see the failed check above."),
    );
    io.stdout.write(`${out.join("\n")}\n`);
    return r.exitCode;
  },
};
