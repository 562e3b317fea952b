// Run with cwd = the bench's packed project. Declares an ApiKey and a trivial dynamic resource under
// Pulumi's mock runtime (as a user's program would load them) and prints, as one JSON line, the
// `__provider` text Pulumi stores in each one's state.
const { createRequire } = require("node:module");
const { join } = require("node:path");

const fromProject = createRequire(join(process.cwd(), "package.json"));
const pulumi = fromProject("@pulumi/pulumi");
const found = {};
pulumi.runtime.setMocks(
  {
    newResource(args) {
      found[args.name] = args.inputs.__provider;
      if (found.apiKey && found.trivial) process.stdout.write(JSON.stringify(found) + "\n");
      return { id: "mock-id", state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  "qwilt-bench",
  "bench",
  false,
);
const { ApiKey } = fromProject("pulumi-qwilt-api-keys");
new ApiKey("apiKey", { permission: "viewer", validForDays: 30 });
new pulumi.dynamic.Resource(require("./trivial-provider"), "trivial", { name: "trivial" });
