// What a bare server process is given: the encoded response it answers with,
// as base64 in argv[2].

export function readResponseArgument(): Uint8Array {
  const encoded = process.argv[2];
  if (encoded === undefined || encoded === "") {
    process.stderr.write("usage: <server>.ts <GetOrderStatusResponse, binary, base64>\n");
    process.exit(2);
  }
  return Buffer.from(encoded, "base64");
}
