import { createHash } from "node:crypto";
import { clone, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";

// What "the same request" means for an idempotency key: the request message
// without its key, in protobuf binary (deterministic: fields in number order,
// no maps in our requests), hashed.

export function requestHash<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string {
  const copy = clone(schema, message) as MessageShape<Desc> & { idempotencyKey?: string };
  if ("idempotencyKey" in copy) copy.idempotencyKey = "";
  return createHash("sha256").update(toBinary(schema, copy)).digest("hex");
}
