import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
  type Health,
} from "@payments/proto/health/v1/health_pb";
import type { HealthMonitor, ServingState } from "../health/health-monitor.js";

// grpc.health.v1.Health as a Connect service (grpc-health-check only plugs
// into a grpc-js server). "" is the whole server; each served service name is
// known too and shares the same status.

const toProto = (state: ServingState) => (state === "SERVING" ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);

export function healthService(monitor: HealthMonitor, serviceNames: readonly string[]): ServiceImpl<typeof Health> {
  const known = new Set(["", ...serviceNames]);
  return {
    async check(req) {
      if (!known.has(req.service)) throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
      return create(HealthCheckResponseSchema, { status: toProto(await monitor.state()) });
    },
    async *watch(req, ctx) {
      if (!known.has(req.service)) {
        yield create(HealthCheckResponseSchema, { status: ServingStatus.SERVICE_UNKNOWN });
        return;
      }
      for await (const state of monitor.changes(ctx.signal)) {
        yield create(HealthCheckResponseSchema, { status: toProto(state) });
      }
    },
    async list() {
      const status = toProto(await monitor.state());
      return {
        statuses: Object.fromEntries([...known].map((name) => [name, create(HealthCheckResponseSchema, { status })])),
      };
    },
  };
}
