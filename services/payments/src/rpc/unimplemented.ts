import type { DescService } from "@bufbuild/protobuf";
import { Code, type ServiceImpl } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { rpcError } from "./errors.js";

/**
 * Completes a partial implementation: every method it lacks answers
 * UNIMPLEMENTED with an ErrorDetail (after request validation has run), so a
 * caller can tell "not built yet" from "wrong request".
 */
export function withUnimplemented<S extends DescService>(service: S, partial: Partial<ServiceImpl<S>> = {}): ServiceImpl<S> {
  const impl: Record<string, unknown> = { ...partial };
  for (const method of service.methods) {
    if (impl[method.localName] !== undefined) continue;
    const fail = () =>
      rpcError(Code.Unimplemented, `${service.typeName}/${method.name} is not implemented yet`, {
        reason: ErrorReason.NOT_IMPLEMENTED,
      });
    impl[method.localName] =
      method.methodKind === "unary"
        ? async () => {
            throw fail();
          }
        : // eslint-disable-next-line require-yield
          async function* () {
            throw fail();
          };
  }
  return impl as ServiceImpl<S>;
}
