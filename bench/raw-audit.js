/**
 * The floor `qwilt-keys audit` is measured against (bench/audit-ratio.js): one raw undici GET of the key
 * list and every checkpoint of a DIY backend read and parsed (gunzipped where gzipped), both at once, with
 * no checks, no matching and no output. Run with cwd = the bench's project (undici comes from there).
 * argv: <users URL> <backend folder>; the API key in QWILT_API_KEY.
 */
const { readFile, readdir } = require("node:fs/promises");
const { createRequire } = require("node:module");
const { join } = require("node:path");
const { gunzipSync } = require("node:zlib");

async function files(dir) {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : /\.json(\.gz)?$/.test(e.name) ? [join(dir, e.name)] : [],
    ),
  );
  return nested.flat();
}

async function main() {
  const [url, backend] = process.argv.slice(2);
  const { request } = createRequire(join(process.cwd(), "package.json"))("undici");
  const list = request(`${url}/api/1/api-keys`, { headers: { "x-api-key": process.env.QWILT_API_KEY } }).then((res) =>
    res.body.json(),
  );
  const states = files(join(backend, ".pulumi", "stacks")).then((paths) =>
    Promise.all(
      paths.map(async (p) => {
        const bytes = await readFile(p);
        return JSON.parse((p.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"));
      }),
    ),
  );
  const [keys, parsed] = await Promise.all([list, states]);
  process.stdout.write(`${JSON.stringify({ keys: keys.length, stacks: parsed.length })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
