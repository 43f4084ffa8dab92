import { createRegistry, toBinary, type DescFile, type DescService, type MessageInitShape } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type {
  ServerReflection as ServerReflectionV1,
  ServerReflectionRequest,
  ServerReflectionResponseSchema,
} from "@payments/proto/grpc/reflection/v1/reflection_pb";
import type { ServerReflection as ServerReflectionV1Alpha } from "@payments/proto/grpc/reflection/v1alpha/reflection_pb";

// gRPC server reflection (v1, and v1alpha for older tools) as a Connect
// service, answered from the descriptors protoc-gen-es embeds in the generated
// code. @grpc/reflection only plugs into a grpc-js server.

// gRPC's status code for "not found" inside an ErrorResponse.
const NOT_FOUND = 5;

type ResponseInit = MessageInitShape<typeof ServerReflectionResponseSchema>;
type Answer = ResponseInit["messageResponse"];

/** Serves reflection for the given services (and every file they depend on). */
export function reflectionServices(served: readonly DescService[]): {
  v1: ServiceImpl<typeof ServerReflectionV1>;
  v1alpha: ServiceImpl<typeof ServerReflectionV1Alpha>;
} {
  const files = collectFiles(served.map((s) => s.file));
  const registry = createRegistry(...files.values());
  const serviceNames = served.map((s) => s.typeName);

  const fileResponse = (file: DescFile): Answer => ({
    case: "fileDescriptorResponse",
    // The file first, then its transitive dependencies: clients need them all
    // to build a descriptor pool.
    value: { fileDescriptorProto: [...collectFiles([file]).values()].map((f) => toBinary(FileDescriptorProtoSchema, f.proto)) },
  });
  const notFound = (what: string): Answer => ({
    case: "errorResponse",
    value: { errorCode: NOT_FOUND, errorMessage: `${what} not found` },
  });

  function answer(req: ServerReflectionRequest): Answer {
    const request = req.messageRequest;
    switch (request.case) {
      case "listServices":
        return { case: "listServicesResponse", value: { service: serviceNames.map((name) => ({ name })) } };
      case "fileByFilename": {
        const file = files.get(request.value);
        return file ? fileResponse(file) : notFound(`file "${request.value}"`);
      }
      case "fileContainingSymbol": {
        const file = fileOfSymbol(request.value);
        return file ? fileResponse(file) : notFound(`symbol "${request.value}"`);
      }
      case "fileContainingExtension": {
        const extendee = registry.getMessage(request.value.containingType);
        const extension = extendee && registry.getExtensionFor(extendee, request.value.extensionNumber);
        return extension ? fileResponse(extension.file) : notFound(`extension ${request.value.extensionNumber} of "${request.value.containingType}"`);
      }
      case "allExtensionNumbersOfType": {
        if (!registry.getMessage(request.value)) return notFound(`type "${request.value}"`);
        const numbers = [...registry].flatMap((t) => (t.kind === "extension" && t.extendee.typeName === request.value ? [t.number] : []));
        return { case: "allExtensionNumbersResponse", value: { baseTypeName: request.value, extensionNumber: numbers } };
      }
      default:
        return { case: "errorResponse", value: { errorCode: 3, errorMessage: "empty reflection request" } };
    }
  }

  function fileOfSymbol(symbol: string): DescFile | undefined {
    const type = registry.get(symbol);
    if (type) return type.file;
    // A method is named "package.Service.Method".
    const service = registry.getService(symbol.slice(0, symbol.lastIndexOf(".")));
    return service?.methods.some((m) => `${service.typeName}.${m.name}` === symbol) ? service.file : undefined;
  }

  const v1: ServiceImpl<typeof ServerReflectionV1> = {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield { validHost: req.host, originalRequest: req, messageResponse: answer(req) };
      }
    },
  };
  // v1alpha has the same messages under another package name: answer with the
  // same logic on a structurally identical message.
  const v1alpha = v1 as unknown as ServiceImpl<typeof ServerReflectionV1Alpha>;
  return { v1, v1alpha };
}

/** The given files and all their transitive imports, keyed by file name. */
function collectFiles(roots: readonly DescFile[]): Map<string, DescFile> {
  const files = new Map<string, DescFile>();
  const visit = (file: DescFile) => {
    if (files.has(file.proto.name)) return;
    files.set(file.proto.name, file);
    file.dependencies.forEach(visit);
  };
  roots.forEach(visit);
  return files;
}
