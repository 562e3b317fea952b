/**
 * The Pulumi Cloud client reads stack exports, which grow with every resource of a stack: far past the cap
 * that keeps a Qwilt answer from filling memory (sdk/client/http-transport.ts MAX_RESPONSE_BYTES).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PULUMI_CLOUD_MAX_RESPONSE_BYTES, PulumiCloudClient } from "../cli/states/pulumi-cloud/pulumi-cloud-client";
import { MAX_RESPONSE_BYTES } from "../sdk/client/http-transport";
import { startScriptedServer, type ScriptedServer } from "./helpers/scripted-server";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

describe("PulumiCloudClient", () => {
  it("reads a stack export larger than a Qwilt answer may be", async () => {
    expect(PULUMI_CLOUD_MAX_RESPONSE_BYTES).toBeGreaterThan(MAX_RESPONSE_BYTES);
    // One resource's outputs padded so the export is 20 MiB: what a stack of some thousands of resources weighs.
    const padding = "x".repeat(MAX_RESPONSE_BYTES + 4 * 1024 * 1024);
    const exported = {
      version: 3,
      deployment: { resources: [{ urn: "urn:pulumi:s::p::t::n", outputs: { padding } }] },
    };
    server.reply({ status: 200, headers: { "content-type": "application/json" }, body: exported });
    const client = new PulumiCloudClient(
      { apiUrl: server.url, token: "pul-0123456789abcdef", tokenSource: "PULUMI_ACCESS_TOKEN" },
      { userAgent: "test" },
    );
    try {
      const state = (await client.exportStack({
        orgName: "acme",
        projectName: "p",
        stackName: "s",
      })) as typeof exported;
      expect(state.deployment.resources[0]!.outputs.padding.length).toBe(padding.length);
      expect(server.requests.map((r) => r.path)).toEqual(["/api/stacks/acme/p/s/export"]);
    } finally {
      await client.close();
    }
  });
});
