import { create, toBinary, fromBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  CreateInitiatePayloadResponseSchema,
  CreateProcessPayloadRequestSchema,
  CreateProcessPayloadResponseSchema,
  JuspayEnvironment,
  VerifySdkResultResponseSchema,
  type PayloadService,
} from "@payments/proto/payments/v1/payload_service_pb";
import type { AppContext } from "../app/context.js";
import { createInitiatePayload } from "../app/payloads/create-initiate-payload.js";
import { createProcessPayload } from "../app/payloads/create-process-payload.js";
import { verifySdkResult } from "../app/payloads/verify-sdk-result.js";
import { requestHash } from "../domain/request-hash.js";
import { budgetOf, keyOwnerOf } from "./call-context.js";
import { ensureOrderVisible, ensureOwnCustomer } from "./customer-scope.js";
import { orderToProto, staleness } from "./order-proto.js";
import { nextActionProto, processPayloadInput, processPayloadResponse, reportedStatusRaw } from "./payload-proto.js";

// PayloadService: thin handlers from proto to the use cases and back. Requests
// arrive validated (field rules); errors are mapped by rpc/error-map.ts.

export function payloadService(app: AppContext): ServiceImpl<typeof PayloadService> {
  return {
    async createInitiatePayload(req, ctx) {
      ensureOwnCustomer(ctx, req.customerId);
      const r = await createInitiatePayload(app, req.customerId);
      return create(CreateInitiatePayloadResponseSchema, {
        payloadJson: r.payloadJson,
        requestId: r.requestId,
        service: r.service,
        action: r.action,
        merchantId: r.merchantId,
        clientId: r.clientId,
        environment: r.environment === "production" ? JuspayEnvironment.PRODUCTION : JuspayEnvironment.SANDBOX,
        signaturePayload: r.signed?.signaturePayload ?? "",
        signature: r.signed?.signature ?? "",
        merchantKeyId: r.signed?.merchantKeyId ?? "",
        signTime: r.signed ? timestampFromDate(r.signed.signTime) : undefined,
        expireTime: r.signed ? timestampFromDate(r.signed.expireTime) : undefined,
      });
    },

    async createProcessPayload(req, ctx) {
      ensureOwnCustomer(ctx, req.customerId);
      const input = processPayloadInput(req, keyOwnerOf(ctx), requestHash(CreateProcessPayloadRequestSchema, req));
      // The stored bytes are the answer: a replay is byte for byte the first response.
      const bytes = await createProcessPayload(app, input, budgetOf(ctx), (result) => toBinary(CreateProcessPayloadResponseSchema, processPayloadResponse(result)));
      return fromBinary(CreateProcessPayloadResponseSchema, bytes);
    },

    async verifySdkResult(req, ctx) {
      await ensureOrderVisible(app, ctx, req.orderId);
      const statusRaw = reportedStatusRaw(req.reportedStatus, req.reportedStatusRaw);
      const r = await verifySdkResult(
        app,
        { orderId: req.orderId, statusRaw, sdkErrorCode: req.sdkErrorCode || undefined, sdkRequestId: req.sdkRequestId || undefined },
        budgetOf(ctx),
      );
      return create(VerifySdkResultResponseSchema, {
        order: orderToProto(r.order, r.refunds),
        nextAction: nextActionProto(r.nextAction),
        amountVerified: r.amountVerified,
        reportedStatusMismatch: r.reportedStatusMismatch,
        ...staleness(r.stale),
      });
    },
  };
}
