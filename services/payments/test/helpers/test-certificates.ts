import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Certificates for the mutual TLS tests, made with the openssl command line
// in a throwaway folder: a CA, a server certificate for 127.0.0.1, and client
// certificates with chosen identities, signed by that CA or another one, or
// already expired.

export interface Pem {
  certPem: string;
  keyPem: string;
}

export interface TestPki {
  caPem: string;
  server: Pem;
  client(name: string, options?: { san?: string; otherCa?: boolean; expired?: boolean }): Pem;
  remove(): void;
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "pki-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const ca = (name: string) => openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`);
  ca("ca");
  ca("other-ca");

  const issue = (name: string, subject: string, san: string | undefined, issuer: string, days: string): Pem => {
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject);
    const args = ["x509", "-req", "-in", `${name}.csr`, "-CA", `${issuer}.crt`, "-CAkey", `${issuer}.key`, "-CAcreateserial", "-out", `${name}.crt`, "-days", days];
    if (san !== undefined) {
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
      args.push("-extfile", `${name}.ext`);
    }
    openssl(...args);
    return { certPem: readFileSync(join(dir, `${name}.crt`), "utf8"), keyPem: readFileSync(join(dir, `${name}.key`), "utf8") };
  };

  return {
    caPem: readFileSync(join(dir, "ca.crt"), "utf8"),
    server: issue("server", "/CN=payments", "IP:127.0.0.1,DNS:localhost", "ca", "2"),
    client: (name, options = {}) => issue(name, `/CN=${name}`, options.san, options.otherCa ? "other-ca" : "ca", options.expired ? "0" : "2"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
