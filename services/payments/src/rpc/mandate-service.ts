import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ErrorReason } from "@payments/proto/payments/v1/errors_pb";
import {
  ExecuteMandateRequestSchema,
  ExecuteMandateResponseSchema,
  GetMandateExecutionStatusResponseSchema,
  GetMandateOrderStatusResponseSchema,
  GetMandateResponseSchema,
  GetPreDebitNotificationResponseSchema,
  ListMandatesResponseSchema,
  SendPreDebitNotificationRequestSchema,
  SendPreDebitNotificationResponseSchema,
  type MandateService,
} from "@payments/proto/payments/v1/mandate_service_pb";
import { MandateStatus } from "@payments/proto/payments/v1/statuses_pb";
import type { AppContext } from "../app/context.js";
import { fieldError } from "../app/errors.js";
import { executeMandate } from "../app/mandates/executions/execute-mandate.js";
import { getExecutionStatus } from "../app/mandates/executions/get-execution-status.js";
import { getMandateOrderStatus } from "../app/mandates/get-mandate-order-status.js";
import { listMandates } from "../app/mandates/list-mandates.js";
import { refreshNotification } from "../app/mandates/notifications/refresh-notification.js";
import { sendPreDebitNotification } from "../app/mandates/notifications/send-notification.js";
import { refreshMandate } from "../app/mandates/refresh-mandate.js";
import { requestHash } from "../domain/request-hash.js";
import { budgetOf, keyOwnerOf } from "./call-context.js";
import { ensureMandateVisible, ensureNotificationVisible, ensureOrderVisible, ensureOwnCustomer } from "./customer-scope.js";
import { dateOf, mandateCommandHandlers } from "./mandate-command-handlers.js";
import { executionToProto, mandateToProto, notificationToProto } from "./mandate-proto.js";
import { orderToProto, staleness } from "./order-proto.js";

// MandateService: thin handlers from proto to the use cases and back.
// Requests arrive validated (field rules); errors are mapped by rpc/error-map.ts.

export function mandateService(app: AppContext): ServiceImpl<typeof MandateService> {
  return {
    async getMandateOrderStatus(req, ctx) {
      await ensureOrderVisible(app, ctx, req.orderId);
      const view = await getMandateOrderStatus(app, req.orderId, budgetOf(ctx));
      return create(GetMandateOrderStatusResponseSchema, {
        order: orderToProto(view.order, view.refunds),
        mandate: view.mandate === undefined ? undefined : mandateToProto(view.mandate),
        ...staleness(view.stale),
      });
    },

    async getMandateExecutionStatus(req, ctx) {
      await ensureOrderVisible(app, ctx, req.orderId);
      const view = await getExecutionStatus(app, req.orderId, budgetOf(ctx));
      return create(GetMandateExecutionStatusResponseSchema, {
        order: orderToProto(view.order, view.refunds),
        execution: executionToProto(view.execution, view.order),
        notification: view.notification === undefined ? undefined : notificationToProto(view.notification),
        ...staleness(view.stale),
      });
    },

    async getMandate(req, ctx) {
      await ensureMandateVisible(app, ctx, req.mandateId);
      const view = await refreshMandate(app, req.mandateId, budgetOf(ctx));
      return create(GetMandateResponseSchema, { mandate: mandateToProto(view.mandate), ...staleness(view.stale) });
    },

    async listMandates(req, ctx) {
      ensureOwnCustomer(ctx, req.customerId);
      const statuses = req.statuses.map((status, i) => {
        const name = MandateStatus[status];
        if (status === MandateStatus.UNSPECIFIED || name === undefined) throw fieldError(ErrorReason.INVALID_FIELD, `statuses[${i}]`, "custom", "must be a MandateStatus other than UNSPECIFIED");
        return name;
      });
      const page = await listMandates(app, { customerId: req.customerId, statuses, pageSize: req.pageSize, pageToken: req.pageToken }, budgetOf(ctx));
      return create(ListMandatesResponseSchema, {
        mandates: page.mandates.map(mandateToProto),
        nextPageToken: page.nextPageToken,
        ...staleness(page.stale),
      });
    },

    ...mandateCommandHandlers(app),

    async executeMandate(req, ctx) {
      // Validated as required; the fallback only satisfies the type.
      const amount = req.amount ?? { amountMinor: 0n, currency: "" };
      const done = await executeMandate(
        app,
        {
          caller: keyOwnerOf(ctx),
          idempotencyKey: req.idempotencyKey,
          requestHash: requestHash(ExecuteMandateRequestSchema, req),
          mandateId: req.mandateId,
          orderId: req.orderId,
          amountMinor: amount.amountMinor,
          currency: amount.currency,
          executeAt: dateOf(req.executionTime),
          notificationId: req.notificationId === "" ? null : req.notificationId,
          displayInvoiceNumber: req.displayInvoiceNumber === "" ? null : req.displayInvoiceNumber,
        },
        budgetOf(ctx),
      );
      return create(ExecuteMandateResponseSchema, { order: orderToProto(done.order, []), execution: executionToProto(done.execution, done.order) });
    },

    async sendPreDebitNotification(req, ctx) {
      const amount = req.amount ?? { amountMinor: 0n, currency: "" };
      const notification = await sendPreDebitNotification(
        app,
        {
          caller: keyOwnerOf(ctx),
          idempotencyKey: req.idempotencyKey,
          requestHash: requestHash(SendPreDebitNotificationRequestSchema, req),
          mandateId: req.mandateId,
          notificationId: req.notificationId,
          amountMinor: amount.amountMinor,
          currency: amount.currency,
          debitAt: dateOf(req.debitTime) ?? new Date(0),
          description: req.description,
        },
        budgetOf(ctx),
      );
      return create(SendPreDebitNotificationResponseSchema, { notification: notificationToProto(notification) });
    },

    async getPreDebitNotification(req, ctx) {
      await ensureNotificationVisible(app, ctx, req.notificationId);
      const view = await refreshNotification(app, req.notificationId, budgetOf(ctx));
      return create(GetPreDebitNotificationResponseSchema, {
        notification: notificationToProto(view.notification),
        ...staleness(view.stale),
      });
    },
  };
}
