// @ts-check
// A local Qwilt simulator with two organizations and one user in both, for trying this
// example without Qwilt: `node start-simulator.js`, then paste the printed line into the
// shell where you run `pulumi up`. The password is for this local simulator only.
"use strict";
const { startSimulator } = require("pulumi-qwilt-api-keys/simulator");

const user = { email: "ops@example.com", password: "local-simulator-only" };

startSimulator({
  port: Number(process.env.PORT ?? 8080),
  organizations: [
    { id: "acme-prod", users: [user] },
    { id: "acme-staging", users: [user] },
  ],
}).then((sim) => {
  console.log(
    `Qwilt simulator on ${sim.url} with organizations ${sim.organizations.join(", ")}. Paste into your shell:`,
  );
  console.log(
    `export QWILT_USERS_URL=${sim.url} QWILT_LOGIN_URL=${sim.url} QWILT_USERNAME=${user.email} QWILT_PASSWORD=${user.password}`,
  );
  console.log("Press Ctrl-C to stop.");
  process.once("SIGINT", () => void sim.close().then(() => process.exit(0)));
});
