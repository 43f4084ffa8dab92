import { runGrpcLoad } from "./grpc-load.js";
import { serveLoad } from "./load-main.js";

// Entry point of a gRPC load process (see serveLoad): the load runs apart
// from the benchmark's process, as the issue asks (load from a second process).
await serveLoad("grpc-load-main.ts", runGrpcLoad);
