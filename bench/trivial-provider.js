/**
 * The floor any dynamic provider pays: create is one raw undici POST to the simulator and nothing
 * else (no check, no validation, no client). The bench runs it through the same plugin as ApiKey.
 * undici loads on the first create, as in our provider, so cold starts compare like with like.
 * The simulator's URL and key come from the plugin's environment (they are simulator values).
 */
module.exports = {
  create: async (inputs) => {
    const { request } = require("undici");
    const res = await request(`${process.env.QWILT_USERS_URL}/api/1/api-keys`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": process.env.QWILT_API_KEY },
      body: JSON.stringify({ name: inputs.name, ttl: 30, permission: "MediaViewer" }),
    });
    const body = await res.body.json();
    if (res.statusCode !== 201) throw new Error(`POST /api/1/api-keys answered ${res.statusCode}`);
    return { id: String(body.keyId), outs: body };
  },
};
