import { Code, type ContextValues } from "@connectrpc/connect";
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import { CALLER, CUSTOMER } from "../rpc/call-context.js";
import { rpcError } from "../rpc/errors.js";
import type { CallerRegistry } from "./caller-registry.js";
import { PEER_IDENTITIES } from "./peer-certificate.js";
import type { CallerRateLimiter } from "./rate-limiter.js";
import { accessOf } from "./scopes.js";

// Who may call what (issue 8, ADR 0018). Every RPC but health needs a bearer
// token of a configured caller, or over mutual TLS a client certificate whose
// identity is allowed (else UNAUTHENTICATED / PERMISSION_DENIED), holding the RPC's scope
// (else PERMISSION_DENIED). A customer-scoped caller names the end customer it
// acts for in `x-customer-id` on every call. A caller over its quota gets
// RESOURCE_EXHAUSTED (RATE_LIMITED) with when to retry. Runs in the request
// gate, from the headers alone, before the request body is read (ADR 0026):
// an unauthenticated caller costs no body and learns nothing about our rules.

export const CUSTOMER_HEADER = "x-customer-id";
const CUSTOMER_ID = /^[A-Za-z0-9@._-]{1,128}$/;

export interface AuthOptions {
  registry: CallerRegistry;
  limiter: CallerRateLimiter;
  /** Told of every call refused for quota (metrics). */
  onRateLimited?: (callerId: string) => void;
}

/** What authentication reads of a call: its procedure, its headers and the values the transport set (the peer's certificate). */
export interface CallHeaders {
  service: DescService;
  method: DescMethod;
  requestHeader: Headers;
  values: ContextValues;
}

/** Names the caller (CALLER) and the customer it acts for (CUSTOMER) in the call's values, or throws the refusal. */
export function authenticateCall(options: AuthOptions, call: CallHeaders): void {
  const access = accessOf(call.service, call.method.name);
  if (access.kind === "public") return;
  const procedure = `${call.service.typeName}/${call.method.name}`;
  const authorization = call.requestHeader.get("authorization");
  const certified = call.values.get(PEER_IDENTITIES);
  // A bearer token when one is sent; else the client certificate the TLS handshake verified.
  const caller = authorization !== null || certified.length === 0 ? options.registry.authenticate(authorization) : options.registry.byCertificate(certified);
  if (caller === undefined && authorization === null && certified.length > 0) {
    throw rpcError(Code.PermissionDenied, "the client certificate's identity is not an allowed caller", { reason: ErrorReason.PERMISSION_DENIED });
  }
  if (caller === undefined) {
    throw rpcError(Code.Unauthenticated, "missing or unknown credentials: send authorization: Bearer <token> of a configured caller", {
      reason: ErrorReason.UNAUTHENTICATED,
    });
  }
  if (access.kind === "nobody" || (access.kind === "scope" && !caller.scopes.has(access.scope))) {
    const needs = access.kind === "scope" ? ` (it needs scope ${access.scope})` : "";
    throw rpcError(Code.PermissionDenied, `caller ${caller.id} may not call ${procedure}${needs}`, { reason: ErrorReason.PERMISSION_DENIED });
  }
  let customer: string | null = null;
  if (caller.customerScoped) {
    customer = call.requestHeader.get(CUSTOMER_HEADER);
    if (customer === null || !CUSTOMER_ID.test(customer)) {
      throw rpcError(Code.PermissionDenied, `caller ${caller.id} acts for one customer: send ${CUSTOMER_HEADER} (1-128 characters from A-Z a-z 0-9 @ . _ -)`, {
        reason: ErrorReason.PERMISSION_DENIED,
      });
    }
  }
  const waitMs = options.limiter.take(caller);
  if (waitMs > 0) {
    options.onRateLimited?.(caller.id);
    throw rpcError(Code.ResourceExhausted, `caller ${caller.id} is over its quota: retry later`, {
      reason: ErrorReason.RATE_LIMITED,
      retryable: true,
      retryAfterMs: waitMs,
    });
  }
  call.values.set(CALLER, caller.id);
  call.values.set(CUSTOMER, customer);
}
