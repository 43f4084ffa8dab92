import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { create } from "@bufbuild/protobuf";
import { WebhookEventState } from "@payments/proto/payments/v1/statuses_pb";
import { HttpHeaderSchema, WebhookService } from "@payments/proto/payments/v1/webhook_service_pb";

// Hands one received webhook to WebhookService.IngestJuspayWebhook and turns
// the answer into what the HTTP side needs to decide 200 / 400 / 503. Only the
// service decides whether an event is stored; the bridge never guesses. No
// receive time is sent: the service stamps its own (docs/adr/0022).

export interface ReceivedWebhook {
  method: string;
  path: string;
  /** Headers already filtered (no credentials, no hop-by-hop), in arrival order. */
  headers: { name: string; value: string }[];
  body: Buffer;
  remoteIp: string | undefined;
  /** Sent as x-request-id: the service's logs of this webhook carry it too. */
  requestId: string;
}

export type ForwardResult =
  | { kind: "stored"; duplicate: boolean; eventId: string; eventName: string }
  | { kind: "malformed"; eventId: string }
  | { kind: "rejected"; code: Code }
  | { kind: "unavailable"; code: Code };

export interface Forwarder {
  forward(webhook: ReceivedWebhook): Promise<ForwardResult>;
  /** Closes the connection to the service. */
  close(): void;
}

export interface ForwarderOptions {
  paymentsUrl: string;
  paymentsToken: string | undefined;
  timeoutMs: number;
}

export function createForwarder(options: ForwarderOptions): Forwarder {
  const sessionManager = new Http2SessionManager(options.paymentsUrl, { idleConnectionTimeoutMs: 60_000 });
  const transport = createGrpcTransport({ baseUrl: options.paymentsUrl, sessionManager });
  const client: Client<typeof WebhookService> = createClient(WebhookService, transport);
  const headers: Record<string, string> = options.paymentsToken ? { authorization: `Bearer ${options.paymentsToken}` } : {};

  return {
    async forward(webhook) {
      try {
        const answer = await client.ingestJuspayWebhook(
          {
            method: webhook.method,
            path: webhook.path,
            headers: webhook.headers.map((h) => create(HttpHeaderSchema, h)),
            body: webhook.body,
            remoteIp: webhook.remoteIp ?? "",
          },
          { timeoutMs: options.timeoutMs, headers: { ...headers, "x-request-id": webhook.requestId } },
        );
        if (answer.state === WebhookEventState.MALFORMED) return { kind: "malformed", eventId: answer.eventId };
        return { kind: "stored", duplicate: answer.duplicate, eventId: answer.eventId, eventName: answer.eventName };
      } catch (err) {
        const code = ConnectError.from(err).code;
        // Our request was refused as invalid: re-sending the same bytes won't help.
        if (code === Code.InvalidArgument) return { kind: "rejected", code };
        // Anything else (down, deadline, auth between us and the service, bugs):
        // not stored, so Juspay must re-send.
        return { kind: "unavailable", code };
      }
    },
    close() {
      sessionManager.abort();
    },
  };
}
