// The shape of every load process's entry point: a spec as JSON in argv[2],
// the result as one JSON line on stdout (read by runLoadProcess).

export async function serveLoad<Spec, Result>(name: string, run: (spec: Spec) => Promise<Result>): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "null") as Spec | null;
  if (spec === null) {
    process.stderr.write(`usage: ${name} '<spec as JSON>'\n`);
    process.exit(2);
  }
  const result = await run(spec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
