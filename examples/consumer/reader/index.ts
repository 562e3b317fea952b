// A second stack that uses the key made by the qwilt-consumer stack, read through a
// StackReference. The key stays secret here too: `requireOutput` keeps the secret flag that
// the producing stack set. After the producer rotates its key, the next `pulumi up` of this
// stack picks up the new one. Until then this stack holds the old key, which the producer
// revokes in that same rotation unless its key has `overlapDays` (see ../../overlap).
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
// The producing stack, as "<organization>/<project>/<stack>". Default: the stack of the same
// name in qwilt-consumer (with a local backend the organization is "organization").
const producerStack = config.get("producerStack") ?? `${pulumi.getOrganization()}/qwilt-consumer/${pulumi.getStack()}`;

const producer = new pulumi.StackReference(producerStack);

/** The key, still secret. Hand it to a resource input the same way as any other Output. */
const key = producer.requireOutput("key") as pulumi.Output<string>;
const expiresAt = producer.requireOutput("expiresAt") as pulumi.Output<string>;

export const producerKey = key;
export const producerKeyExpiresAt = expiresAt;
/** How many days the key this stack holds has left: run this stack's `pulumi up` after each rotation. */
export const daysLeft = expiresAt.apply((t) => Math.floor((Date.parse(t) - Date.now()) / 86_400_000));
